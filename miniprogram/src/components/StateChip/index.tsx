import { Text } from '@tarojs/components'
import type { CaseState } from '@finecity/types'
import { STATE_LABEL, STATE_TONE } from '../../lib/labels'

export default function StateChip({ state }: { state: CaseState }) {
  return <Text className={`chip chip--${STATE_TONE[state]}`}>{STATE_LABEL[state]}</Text>
}
