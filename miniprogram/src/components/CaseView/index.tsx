import { Text, View } from '@tarojs/components'
import type { CaseDto, PhotoDto } from '@finecity/types'
import type { LatLng } from '../../lib/coords'
import { LEVEL_LABEL } from '../../lib/labels'
import { shortTime } from '../../lib/time'
import { nav } from '../../services/platform'
import ActionPanel from '../ActionPanel'
import CommentsPanel from '../CommentsPanel'
import DeadlineBadge from '../DeadlineBadge'
import StateChip from '../StateChip'
import Timeline, { PhotoRow } from '../Timeline'

interface Props {
  c: CaseDto
  onChange: (c: CaseDto) => void
  /** The inspector's on-site check-in, sent with sign and handle (task page). */
  checkIn?: LatLng | null
}

/** One case as everybody sees it: summary, who holds it at which level, photos, timeline, then actions. */
export default function CaseView({ c, onChange, checkIn }: Props) {
  const photos = c.photos ?? []
  const preview = (p: PhotoDto) => nav.preview(photos.map((x) => x.url), p.url)
  const before = photos.filter((p) => p.kind === 'before')
  const after = photos.filter((p) => p.kind === 'after')
  return (
    <View className='case-view'>
      <View className='card'>
        <View className='row'>
          <Text id='case-category' className='case-view__title'>{c.category.name}</Text>
          <StateChip state={c.state} />
        </View>
        <Text id='case-no' className='muted'>{c.caseNo} · 上报于 {shortTime(c.createdAt)}</Text>
        <Text className='case-view__desc'>{c.description}</Text>
        <Text className='muted'>位置：{c.location.address ?? `${c.location.lat.toFixed(5)}, ${c.location.lng.toFixed(5)}`}{c.grid ? `（${c.grid.name}）` : ''}</Text>
        {c.responsible && !['closed', 'rejected', 'merged'].includes(c.state) && (
          <Text id='case-holder' className='case-view__holder'>当前处理：{c.responsible.name}（{LEVEL_LABEL[c.responsible.level]}）</Text>
        )}
        <DeadlineBadge deadline={c.deadline} />
        {c.supervised && <Text id='case-supervised' className='hint'>督办案件{c.supervisionDueAt ? `，督办时限 ${shortTime(c.supervisionDueAt)}` : ''}</Text>}
        {c.pendingExtension && <Text className='hint'>延期申请待审批：{c.pendingExtension.hours} 小时，{c.pendingExtension.reason}</Text>}
        {c.rating && <Text id='case-rating' className='case-view__desc'>评价：{'★'.repeat(c.rating.score)}{c.rating.comment ? ` ${c.rating.comment}` : ''}</Text>}
      </View>
      {(before.length > 0 || after.length > 0) && (
        <View className='card before-after'>
          <View className='before-after__col'>
            <Text className='section-title'>处置前</Text>
            <PhotoRow photos={before} onPreview={preview} />
          </View>
          {after.length > 0 && (
            <View className='before-after__col'>
              <Text className='section-title'>处置后</Text>
              <PhotoRow photos={after} onPreview={preview} />
            </View>
          )}
        </View>
      )}
      <ActionPanel key={`${c.id}-${c.version}`} c={c} onDone={onChange} checkIn={checkIn} />
      <View className='card'>
        <Text className='section-title'>办理过程</Text>
        <Timeline events={c.events ?? []} onPreview={preview} />
      </View>
      <CommentsPanel caseId={c.id} />
    </View>
  )
}
