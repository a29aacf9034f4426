import { Text } from '@tarojs/components'
import type { DeadlineDto } from '@finecity/types'
import { CLOCK_LABEL } from '../../lib/labels'
import { dueText } from '../../lib/time'

/** Deadline colour (green / yellow 50 % / red 80 % / overdue) with the time left, in words too. */
export default function DeadlineBadge({ deadline }: { deadline: DeadlineDto | null }) {
  if (!deadline || deadline.level === 'none' || deadline.level === 'stopped') return null
  return <Text className={`due due--${deadline.level}`}>{CLOCK_LABEL[deadline.level]} · {dueText(deadline)}</Text>
}
