import { Text, View } from '@tarojs/components'
import { useState, type ReactNode } from 'react'
import { COMPLEXITIES, PHOTO_LIMITS, type ActionBodies, type CaseAction, type CaseDto, type Complexity } from '@finecity/types'
import { COMPLEXITY_LABEL } from '../../lib/labels'
import { shortTime } from '../../lib/time'
import DispatchPicker from '../DispatchPicker'
import { TextArea, TextField } from '../Field'
import PhotoPicker from '../PhotoPicker'
import Tap from '../Tap'

/** What a form hands the panel to send: the API call itself (the panel adds busy state, toast and refresh). */
export type Send = (action: CaseAction, call: () => Promise<CaseDto>) => Promise<void>
export type Act = <A extends Exclude<CaseAction, 'handle'>>(action: A, body: ActionBodies[A]) => Promise<CaseDto>

export interface FormProps {
  c: CaseDto
  busy: CaseAction | null
  send: Send
  act: Act
}

/** Reasons a dispatcher gives most often (the note adds the particulars). */
export const REJECT_REASONS = ['不属于城市管理范围', '信息不全，无法核实', '重复上报', '现场已无此问题', '其他'] as const
export const RETURN_REASONS = ['不属于本单位职责', '派遣地址或网格有误', '需其他部门协同处置', '其他'] as const
export const VERIFY_FAIL_REASONS = ['现场问题仍在', '处置后照片不清楚', '处置不彻底', '其他'] as const
export const EXTENSION_HOURS = [24, 48, 72] as const
export const SUPERVISE_HOURS = [2, 4, 8, 24] as const

/** "理由：补充说明" — the list's reason, then what the note adds ("其他" says nothing by itself). */
export function reasonNote(reason: string, note: string): string {
  const n = note.trim()
  if (!reason || reason === '其他') return n
  return n ? `${reason}：${n}` : reason
}

export function Button({ id, text, tone = 'primary', busy, action, onTap, disabled }: { id: string; text: string; tone?: 'primary' | 'ghost' | 'warn'; busy: CaseAction | null; action: CaseAction; onTap: () => void; disabled?: boolean }) {
  return (
    <Tap id={id} className={`btn btn--${tone} action-btn`} disabled={!!busy || disabled} onTap={onTap}>
      <Text>{busy === action ? '提交中…' : text}</Text>
    </Tap>
  )
}

function Form({ action, title, children, hint }: { action: CaseAction; title: string; children: ReactNode; hint?: string }) {
  return (
    <View id={`form-${action}`} className='action-form' role='group' aria-label={title}>
      <Text className='action-form__title'>{title}</Text>
      {hint && <Text className='muted action-form__hint'>{hint}</Text>}
      {children}
    </View>
  )
}

const Buttons = ({ children }: { children: ReactNode }) => <View className='action-form__buttons'>{children}</View>

/** A reason from a short list (radio chips), then a free note. */
function ReasonPicker({ id, label, reasons, value, onChange }: { id: string; label: string; reasons: readonly string[]; value: string; onChange: (v: string) => void }) {
  return (
    <View className='field'>
      <Text className='field__label' id={`${id}-label`}>{label}</Text>
      <View className='chips' role='radiogroup' aria-labelledby={`${id}-label`}>
        {reasons.map((r, i) => (
          <Tap key={r} id={`${id}-${i}`} role='radio' selected={value === r} className={`chip chip--choice ${value === r ? 'chip--on' : ''}`} onTap={() => onChange(r)}>
            <Text>{r}</Text>
          </Tap>
        ))}
      </View>
    </View>
  )
}

function HoursPicker({ id, label, options, value, onChange }: { id: string; label: string; options: readonly number[]; value: string; onChange: (v: string) => void }) {
  return (
    <View className='field'>
      <Text className='field__label' id={`${id}-label`}>{label}</Text>
      <View className='chips' role='radiogroup' aria-labelledby={`${id}-label`}>
        {options.map((h) => (
          <Tap key={h} id={`${id}-${h}`} role='radio' selected={value === String(h)} className={`chip chip--choice ${value === String(h) ? 'chip--on' : ''}`} onTap={() => onChange(String(h))}>
            <Text>{h} 小时</Text>
          </Tap>
        ))}
      </View>
      <TextField id={`${id}-custom`} type='number' label='或填写小时数' value={options.map(String).includes(value) ? '' : value} onChange={onChange} />
    </View>
  )
}

/** The toast for a form sent without what it needs (the server says the same in its 400). */
export type Need = (text: string) => void

// ---- The forms: one per action, with only the fields that action takes ---------------------------------

export function RegisterForm({ busy, send, act }: FormProps) {
  return (
    <Form action='register' title='受理' hint='核实属实、属于城市管理范围的，受理立案后派遣'>
      <Buttons><Button id='act-register' text='受理立案' action='register' busy={busy} onTap={() => send('register', () => act('register', {}))} /></Buttons>
    </Form>
  )
}

export function DispatchForm({ c, busy, send, act, target, onTarget }: FormProps & { target: { code: string; name?: string }; onTarget: (code: string, name?: string) => void }) {
  const [complexity, setComplexity] = useState<Complexity>(c.complexity ?? 'simple')
  return (
    <Form action='dispatch' title='派遣'>
      <View className='field'>
        <Text className='field__label' id='complexity-label'>复杂程度</Text>
        <View className='chips' role='radiogroup' aria-labelledby='complexity-label'>
          {COMPLEXITIES.map((k) => (
            <Tap key={k} id={`complexity-${k}`} role='radio' className={`chip chip--choice ${k === complexity ? 'chip--on' : ''}`} selected={k === complexity} onTap={() => setComplexity(k)}><Text>{COMPLEXITY_LABEL[k]}</Text></Tap>
          ))}
        </View>
      </View>
      <DispatchPicker c={c} value={target.code} valueName={target.name} onChange={onTarget} />
      <Buttons>
        <Button id='act-dispatch' text='派遣' action='dispatch' busy={busy} onTap={() => send('dispatch', () => act('dispatch', { complexity, orgNodeCode: target.code.trim() || undefined }))} />
      </Buttons>
    </Form>
  )
}

export function VerifyForm({ busy, send, act, need }: FormProps & { need: Need }) {
  const [reason, setReason] = useState('')
  const [note, setNote] = useState('')
  const fail = () => {
    const text = reasonNote(reason, note)
    if (!text) return need('请选择或填写不通过的原因')
    return send('verify', () => act('verify', { passed: false, note: text }))
  }
  return (
    <Form action='verify' title='核查' hint='对照处置前后照片核查：通过即结案；不通过退回原处置单位返工'>
      <Buttons><Button id='act-verify-pass' text='核查通过，结案' action='verify' busy={busy} onTap={() => send('verify', () => act('verify', { passed: true }))} /></Buttons>
      <ReasonPicker id='verify-reason' label='不通过的原因' reasons={VERIFY_FAIL_REASONS} value={reason} onChange={setReason} />
      <TextArea id='verify-note' label='补充说明（选填）' value={note} onChange={setNote} />
      <Buttons><Button id='act-verify-fail' text='核查不通过，返工' tone='warn' action='verify' busy={busy} onTap={() => void fail()} /></Buttons>
    </Form>
  )
}

export function DecideExtensionForm({ c, busy, send, act }: FormProps) {
  const [note, setNote] = useState('')
  const p = c.pendingExtension
  const decide = (approved: boolean) => send('decide-extension', () => act('decide-extension', { approved, note: note.trim() || undefined }))
  return (
    <Form action='decide-extension' title='延期审批' hint={p ? `申请延期 ${p.hours} 小时：${p.reason}` : undefined}>
      <TextArea id='decide-extension-note' label='审批意见（选填）' value={note} onChange={setNote} />
      <Buttons>
        <Button id='act-decide-extension-yes' text='同意延期' action='decide-extension' busy={busy} onTap={() => void decide(true)} />
        <Button id='act-decide-extension-no' text='不同意延期' tone='warn' action='decide-extension' busy={busy} onTap={() => void decide(false)} />
      </Buttons>
    </Form>
  )
}

export function SignForm({ busy, send, sign }: Pick<FormProps, 'busy' | 'send'> & { sign: () => Promise<CaseDto> }) {
  return (
    <Form action='sign' title='签收'>
      <Buttons><Button id='act-sign' text='签收' action='sign' busy={busy} onTap={() => send('sign', sign)} /></Buttons>
    </Form>
  )
}

export function HandleForm({ busy, send, handle, need }: Pick<FormProps, 'busy' | 'send'> & { handle: (note: string, photos: string[]) => Promise<CaseDto>; need: Need }) {
  const [photos, setPhotos] = useState<string[]>([])
  const [note, setNote] = useState('')
  const submit = () => {
    if (!photos.length) return need('请至少拍一张处置后的照片')
    return send('handle', () => handle(note.trim(), photos))
  }
  return (
    <Form action='handle' title='处置'>
      <PhotoPicker id='handle-photos' label='处置后照片' paths={photos} max={PHOTO_LIMITS.maxPerAction} onChange={setPhotos} />
      <TextArea id='action-note' label='处置说明（选填）' value={note} placeholder='如：已清理完毕' onChange={setNote} />
      <Buttons><Button id='act-handle' text='提交处置结果' action='handle' busy={busy} onTap={() => void submit()} /></Buttons>
    </Form>
  )
}

// ---- Forms behind a button (less frequent actions) ------------------------------------------------------

/** One required reason as free text: escalate, suspend, reopen. */
export function NoteForm({ action, title, label, submitText, tone = 'primary', busy, send, act, need }: FormProps & { action: 'escalate' | 'suspend' | 'reopen'; title: string; label: string; submitText: string; tone?: 'primary' | 'warn'; need: Need }) {
  const [note, setNote] = useState('')
  const submit = () => {
    if (!note.trim()) return need(`请填写${label}`)
    return send(action, () => act(action, { note: note.trim() }))
  }
  return (
    <Form action={action} title={title}>
      <TextArea id={`${action}-note`} label={label} value={note} onChange={setNote} />
      <Buttons><Button id={`act-${action}`} text={submitText} tone={tone} action={action} busy={busy} onTap={() => void submit()} /></Buttons>
    </Form>
  )
}

/** A reason from the list plus a note: reject and return. */
export function ReasonForm({ action, title, reasons, submitText, busy, send, act, need }: FormProps & { action: 'reject' | 'return'; title: string; reasons: readonly string[]; submitText: string; need: Need }) {
  const [reason, setReason] = useState('')
  const [note, setNote] = useState('')
  const submit = () => {
    const text = reasonNote(reason, note)
    if (!reason) return need('请选择理由')
    if (!text) return need('选择“其他”时请填写说明')
    return send(action, () => act(action, { note: text }))
  }
  return (
    <Form action={action} title={title}>
      <ReasonPicker id={`${action}-reason`} label='理由' reasons={reasons} value={reason} onChange={setReason} />
      <TextArea id={`${action}-note`} label={reason === '其他' ? '说明' : '补充说明（选填）'} value={note} onChange={setNote} />
      <Buttons><Button id={`act-${action}`} text={submitText} tone='warn' action={action} busy={busy} onTap={() => void submit()} /></Buttons>
    </Form>
  )
}

export function ExtensionRequestForm({ busy, send, act, need }: FormProps & { need: Need }) {
  const [hours, setHours] = useState('24')
  const [note, setNote] = useState('')
  const submit = () => {
    const h = Number(hours)
    if (!Number.isInteger(h) || h < 1 || h > 720) return need('延期小时数应为 1 到 720 之间的整数')
    if (!note.trim()) return need('请填写延期理由')
    return send('request-extension', () => act('request-extension', { hours: h, note: note.trim() }))
  }
  return (
    <Form action='request-extension' title='申请延期'>
      <HoursPicker id='extension-hours' label='延期时长' options={EXTENSION_HOURS} value={hours} onChange={setHours} />
      <TextArea id='request-extension-note' label='延期理由' value={note} onChange={setNote} />
      <Buttons><Button id='act-request-extension' text='提交延期申请' action='request-extension' busy={busy} onTap={() => void submit()} /></Buttons>
    </Form>
  )
}

export function SuperviseForm({ c, busy, send, act, need, now = () => new Date() }: FormProps & { need: Need; now?: () => Date }) {
  const [hours, setHours] = useState('')
  const [note, setNote] = useState('')
  const h = Number(hours)
  const dueAt = hours && h > 0 ? new Date(now().getTime() + h * 3600_000) : null
  const submit = () => {
    if (!note.trim()) return need('请填写督办要求')
    if (hours && !(h > 0 && h <= 720)) return need('督办时限应为 1 到 720 小时')
    return send('supervise', () => act('supervise', { note: note.trim(), ...(dueAt ? { dueAt: dueAt.toISOString() } : {}) }))
  }
  return (
    <Form action='supervise' title='督办' hint={c.supervisionDueAt ? `已督办，时限 ${shortTime(c.supervisionDueAt)}` : undefined}>
      <TextArea id='supervise-note' label='督办要求' value={note} onChange={setNote} />
      <HoursPicker id='supervise-hours' label='督办时限（选填）' options={SUPERVISE_HOURS} value={hours} onChange={setHours} />
      {dueAt && <Text className='muted'>须在 {shortTime(dueAt.toISOString())} 前办结</Text>}
      <Buttons><Button id='act-supervise' text='督办' tone='warn' action='supervise' busy={busy} onTap={() => void submit()} /></Buttons>
    </Form>
  )
}
