import { Text, View } from '@tarojs/components'
import type { CaseDto } from '@finecity/types'
import { shortTime } from '../../lib/time'
import DeadlineBadge from '../DeadlineBadge'
import StateChip from '../StateChip'
import Tap from '../Tap'

/** One case in a list; the whole card opens it, and screen readers read it by its text (WCAG 2.5.3). */
export default function CaseCard({ c, onOpen, showDue = true }: { c: CaseDto; onOpen: (c: CaseDto) => void; showDue?: boolean }) {
  return (
    <Tap className={`card case-card case-card--${c.deadline?.level ?? 'none'}`} onTap={() => onOpen(c)}>
      <View className='case-card__head'>
        <Text className='case-card__title'>{c.category.name}</Text>
        <StateChip state={c.state} />
      </View>
      <Text className='case-card__desc'>{c.description}</Text>
      <View className='case-card__meta'>
        <Text className='muted'>{c.caseNo} · {shortTime(c.createdAt)}</Text>
        {showDue && <DeadlineBadge deadline={c.deadline} />}
      </View>
      {c.moderation === 'review' && <Text className='chip chip--orange'>内容待人工审核</Text>}
      {c.supervised && <Text className='chip chip--orange'>督办</Text>}
      {c.responsible && <Text className='muted'>当前处理：{c.responsible.name}</Text>}
    </Tap>
  )
}
