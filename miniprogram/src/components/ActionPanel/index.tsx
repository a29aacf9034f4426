import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { COMPLEXITIES, PHOTO_LIMITS, type ActionBodies, type CaseAction, type CaseDto, type Complexity } from '@finecity/types'
import type { LatLng } from '../../lib/coords'
import { ACTION_LABEL, COMPLEXITY_LABEL } from '../../lib/labels'
import { api, errorText } from '../../services/api'
import { ui } from '../../services/platform'
import DispatchPicker from '../DispatchPicker'
import { TextArea, TextField } from '../Field'
import PhotoPicker from '../PhotoPicker'
import Tap from '../Tap'

/** Actions whose note is a required reason (server: ACTION_BODIES). */
const NEEDS_REASON: Partial<Record<CaseAction, string>> = {
  reject: '不予受理的理由', return: '退回理由', escalate: '上报理由', 'request-extension': '延期理由', suspend: '挂账理由', reopen: '重新打开的理由',
  supervise: '督办要求',
}

interface Props {
  c: CaseDto
  onDone: (c: CaseDto) => void
  /** The inspector's on-site check-in (WGS-84), sent with sign and handle. */
  checkIn?: LatLng | null
}

/** Everything the caller may do to this case now, as the server says (allowedActions), and nothing else. */
export default function ActionPanel({ c, onDone, checkIn }: Props) {
  const allowed = new Set(c.allowedActions ?? [])
  const [note, setNote] = useState('')
  const [photos, setPhotos] = useState<string[]>([])
  const [complexity, setComplexity] = useState<Complexity>(c.complexity ?? 'simple')
  const [target, setTarget] = useState('')
  const [hours, setHours] = useState('24')
  const [superviseHours, setSuperviseHours] = useState('')
  const [score, setScore] = useState(5)
  const [busy, setBusy] = useState<CaseAction | null>(null)
  if (!allowed.size) return null

  const run = async (action: CaseAction, body: Record<string, string | number | boolean | undefined> = {}) => {
    const reason = NEEDS_REASON[action]
    if (reason && !note.trim()) return ui.toast(`请填写${reason}`)
    if (action === 'handle' && !photos.length) return ui.toast('请至少拍一张处置后的照片')
    setBusy(action)
    try {
      const trimmed = note.trim() || undefined
      const next = action === 'handle'
        ? await api.handle(c.id, note.trim(), photos, checkIn)
        : action === 'sign'
          ? await api.sign(c.id, trimmed, checkIn)
          : await api.act(c.id, action, { ...(action === 'rate' ? { comment: trimmed } : { note: trimmed }), ...body } as ActionBodies[typeof action])
      ui.toast(`${ACTION_LABEL[action]}成功`, 'success')
      setNote('')
      setPhotos([])
      onDone(next)
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(null)
    }
  }
  const btn = (action: CaseAction, text: string, body?: Record<string, string | number | boolean | undefined>, tone = 'primary') =>
    allowed.has(action) && (
      <Tap key={`${action}-${text}`} id={`act-${action}${body && 'passed' in body ? (body.passed ? '-pass' : '-fail') : ''}${body && 'approved' in body ? (body.approved ? '-yes' : '-no') : ''}`}
        className={`btn btn--${tone}`} disabled={!!busy} label={text} onTap={() => run(action, body)}>
        <Text>{busy === action ? '处理中…' : text}</Text>
      </Tap>
    )

  return (
    <View className='card action-panel' aria-label='可办理的操作'>
      <Text className='section-title'>办理</Text>
      {allowed.has('handle') && <PhotoPicker id='handle-photos' label='处置后照片' paths={photos} max={PHOTO_LIMITS.maxPerAction} onChange={setPhotos} />}
      {allowed.has('dispatch') && (
        <View className='field'>
          <Text className='field__label'>复杂程度</Text>
          <View className='chips'>
            {COMPLEXITIES.map((k) => (
              <Tap key={k} className={`chip chip--choice ${k === complexity ? 'chip--on' : ''}`} selected={k === complexity} label={COMPLEXITY_LABEL[k]} onTap={() => setComplexity(k)}><Text>{COMPLEXITY_LABEL[k]}</Text></Tap>
            ))}
          </View>
          <DispatchPicker c={c} value={target} onChange={setTarget} />
        </View>
      )}
      {allowed.has('supervise') && <TextField id='supervise-hours' type='number' label='督办时限（小时后，可不填）' value={superviseHours} onChange={setSuperviseHours} />}
      {allowed.has('request-extension') && <TextField id='extension-hours' type='number' label='延期小时数' value={hours} onChange={setHours} />}
      {allowed.has('rate') && !c.rating && (
        <View className='field'>
          <Text className='field__label'>满意度</Text>
          <View className='chips' role='radiogroup' aria-label='满意度'>
            {[1, 2, 3, 4, 5].map((s) => (
              <Tap key={s} id={`score-${s}`} className={`chip chip--choice ${s === score ? 'chip--on' : ''}`} role='radio' selected={s === score} label={`${s} 星`} onTap={() => setScore(s)}><Text aria-hidden='true'>{'★'.repeat(s)}</Text></Tap>
            ))}
          </View>
        </View>
      )}
      <TextArea id='action-note' label={allowed.has('rate') && allowed.size <= 2 ? '评价或理由' : '说明或理由'} value={note} placeholder='退回、上报、延期、不予受理、重新打开、督办时必填' onChange={setNote} />
      <View className='action-panel__buttons'>
        {btn('sign', '签收')}
        {btn('handle', '提交处置结果')}
        {btn('register', '受理立案')}
        {btn('dispatch', '派遣', { complexity, orgNodeCode: target.trim() || undefined })}
        {btn('verify', '核查通过，结案', { passed: true })}
        {btn('verify', '核查不通过，返工', { passed: false }, 'warn')}
        {btn('decide-extension', '同意延期', { approved: true })}
        {btn('decide-extension', '不同意延期', { approved: false }, 'warn')}
        {btn('rate', '提交评价', { score })}
        {(c.duplicateCandidates ?? []).map((d) => allowed.has('merge') && (
          <Tap key={d.caseId} id={`merge-${d.caseNo}`} className='btn btn--ghost' label={`合并到 ${d.caseNo}`} disabled={!!busy} onTap={() => run('merge', { intoCaseId: d.caseId })}>
            <Text>合并到 {d.caseNo}（相距 {Math.round(d.distanceM)} 米）</Text>
          </Tap>
        ))}
        {btn('request-extension', '申请延期', { hours: Number(hours) || 24 }, 'ghost')}
        {btn('return', '退回', undefined, 'ghost')}
        {btn('escalate', '上报上级', undefined, 'ghost')}
        {btn('suspend', '挂账', undefined, 'ghost')}
        {btn('supervise', '督办', { dueAt: Number(superviseHours) > 0 ? new Date(Date.now() + Number(superviseHours) * 3600_000).toISOString() : undefined }, 'warn')}
        {btn('reject', '不予受理', undefined, 'warn')}
        {btn('reopen', '问题未解决，重新打开', undefined, 'warn')}
      </View>
    </View>
  )
}
