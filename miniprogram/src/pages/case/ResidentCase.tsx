import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { CaseDto, PhotoDto } from '@finecity/types'
import CommentsPanel from '../../components/CommentsPanel'
import { TextArea } from '../../components/Field'
import RateForm from '../../components/RateForm'
import StateChip from '../../components/StateChip'
import Tap from '../../components/Tap'
import Timeline, { PhotoRow } from '../../components/Timeline'
import { SCORE_WORDS } from '../../components/ui/StarRating'
import { ACTION_DONE } from '../../lib/labels'
import { expectedText, shortTime } from '../../lib/time'
import { api, errorText } from '../../services/api'
import { nav, ui } from '../../services/platform'

/** Where the case stands, in one sentence a resident reads first. */
export function progressLine(c: CaseDto, now: Date = new Date()): { text: string; tone: 'blue' | 'green' | 'orange' | 'red' | 'grey' } {
  switch (c.state) {
    case 'submitted':
      return { text: '已收到您的上报，等待受理；受理后会告诉您预计办结时间', tone: 'blue' }
    case 'rejected':
      return { text: '未予受理，原因见下方办理过程', tone: 'grey' }
    case 'merged':
      return { text: '与附近相同的问题合并办理，办理结果以合并后的案件为准', tone: 'grey' }
    case 'closed':
      return { text: c.closedAt ? `已于 ${shortTime(c.closedAt, now)} 办结` : '已办结', tone: 'green' }
    case 'handled':
      return { text: '已处置完毕，正在核查处置结果', tone: 'blue' }
    case 'suspended':
      return { text: '问题需要较长时间解决，已列入计划办理', tone: 'grey' }
    default: {
      const text = expectedText(c.deadline, now)
      if (!text) return { text: '正在办理', tone: 'blue' }
      return { text, tone: c.deadline?.level === 'overdue' ? 'red' : c.deadline?.level === 'red' ? 'orange' : 'blue' }
    }
  }
}

/** Reopen within the window: the reason is required (the server's reopen body). */
function ReopenForm({ c, onDone }: { c: CaseDto; onDone: (c: CaseDto) => void }) {
  const [open, setOpen] = useState(false)
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    if (!note.trim()) return ui.toast('请说明哪里还没有解决')
    setBusy(true)
    try {
      const next = await api.act(c.id, 'reopen', { note: note.trim() })
      ui.toast(ACTION_DONE.reopen, 'success')
      onDone(next)
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  if (!open) {
    return (
      <Tap id='reopen-open' className='btn btn--ghost btn--block' onTap={() => setOpen(true)}>
        <Text>问题没有解决？申请重新办理</Text>
      </Tap>
    )
  }
  return (
    <View className='card'>
      <Text className='section-title'>申请重新办理</Text>
      <TextArea id='reopen-note' label='哪里还没有解决' value={note} placeholder='例如：垃圾又堆起来了' maxlength={200} onChange={setNote} />
      <Tap id='act-reopen' className='btn btn--warn btn--block' disabled={busy} onTap={() => void submit()}>
        <Text>{busy ? '提交中…' : '提交，重新办理'}</Text>
      </Tap>
    </View>
  )
}

/**
 * The resident's case: where it stands and when it will be done (from the SLA clock), the photos before
 * and after, public replies, the rating (nothing preselected) and reopening. No staff-only text: no
 * internal notes, no action box for staff, no coordinates.
 */
export default function ResidentCase({ c, onChange }: { c: CaseDto; onChange: (c: CaseDto) => void }) {
  const photos = c.photos ?? []
  const preview = (p: PhotoDto) => nav.preview(photos.map((x) => x.url), p.url)
  const before = photos.filter((p) => p.kind === 'before')
  const after = photos.filter((p) => p.kind === 'after')
  const allowed = new Set(c.allowedActions ?? [])
  const progress = progressLine(c)
  const place = c.location.address ?? [c.street?.name, c.community?.name].filter(Boolean).join(' ')
  return (
    <View className='resident-case'>
      <View className='card'>
        <View className='row'>
          <Text id='case-category' className='case-view__title'>{c.category.name}</Text>
          <StateChip state={c.state} />
        </View>
        <Text id='case-expected' className={`resident-case__progress resident-case__progress--${progress.tone}`}>{progress.text}</Text>
        <Text className='case-view__desc'>{c.description}</Text>
        {place ? <Text className='muted'>位置：{place}</Text> : null}
        <Text id='case-no' className='muted'>编号 {c.caseNo} · {shortTime(c.createdAt)} 上报</Text>
        {c.rating && (
          <View className='resident-case__rating'>
            <Text id='case-rating' className='case-view__desc'>
              我的评价：{'★'.repeat(c.rating.score)}（{c.rating.score} 星，{SCORE_WORDS[c.rating.score - 1]}）{c.rating.comment ? ` ${c.rating.comment}` : ''}
            </Text>
          </View>
        )}
      </View>
      {(before.length > 0 || after.length > 0) && (
        <View className='card before-after'>
          <View className='before-after__col'>
            <Text className='section-title'>上报照片</Text>
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
      {allowed.has('rate') && !c.rating && <RateForm key={`rate-${c.version}`} c={c} onDone={onChange} />}
      {allowed.has('reopen') && <ReopenForm key={`reopen-${c.version}`} c={c} onDone={onChange} />}
      <CommentsPanel caseId={c.id} />
      <View className='card'>
        <Text className='section-title'>办理过程</Text>
        <Timeline events={c.events ?? []} onPreview={preview} forResident />
      </View>
    </View>
  )
}
