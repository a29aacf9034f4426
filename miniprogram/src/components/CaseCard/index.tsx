import { Text, View } from '@tarojs/components'
import type { CaseDto } from '@finecity/types'
import { expectedText, shortTime } from '../../lib/time'
import DeadlineBadge from '../DeadlineBadge'
import StateChip from '../StateChip'
import Tap from '../Tap'
import './index.scss'

/** One case in a list; the whole card opens it, and screen readers read it by its text (WCAG 2.5.3). */
/**
 * `forResident`: the reporter's own list reads when the case will be done ("预计 12月3日 14:05 前办结"), not
 * the staff's clock colours (黄灯, 红灯) and who holds it.
 */
export default function CaseCard({ c, onOpen, showDue = true, forResident = false }: { c: CaseDto; onOpen: (c: CaseDto) => void; showDue?: boolean; forResident?: boolean }) {
  const expected = forResident && !['closed', 'rejected', 'merged', 'handled'].includes(c.state) ? expectedText(c.deadline) : null
  return (
    <Tap className={`card case-card case-card--${c.deadline?.level ?? 'none'}`} onTap={() => onOpen(c)}>
      <View className='case-card__head'>
        <Text className='case-card__title'>{c.category.name}</Text>
        <StateChip state={c.state} />
      </View>
      <Text className='case-card__desc'>{c.description}</Text>
      <View className='case-card__meta'>
        <Text className='muted'>{c.caseNo} · {shortTime(c.createdAt)}</Text>
        {showDue && !forResident && <DeadlineBadge deadline={c.deadline} />}
      </View>
      {expected && <Text className='case-card__expected'>{expected}</Text>}
      {c.moderation === 'review' && <Text className='chip chip--orange'>内容待人工审核</Text>}
      {c.supervised && <Text className='chip chip--orange'>督办</Text>}
      {!forResident && c.responsible && !['closed', 'rejected', 'merged'].includes(c.state) && <Text className='muted'>当前处理：{c.responsible.name}</Text>}
    </Tap>
  )
}
