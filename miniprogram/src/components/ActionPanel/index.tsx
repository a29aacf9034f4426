import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { ActionBodies, CaseAction, CaseDto } from '@finecity/types'
import type { LatLng } from '../../lib/coords'
import { ACTION_DONE } from '../../lib/labels'
import { api, errorText } from '../../services/api'
import { ui } from '../../services/platform'
import RateForm from '../RateForm'
import Tap from '../Tap'
import {
  DecideExtensionForm, DispatchForm, ExtensionRequestForm, HandleForm, NoteForm, ReasonForm, REJECT_REASONS, RegisterForm, RETURN_REASONS, SignForm,
  SuperviseForm, VerifyForm, type Act, type FormProps,
} from './forms'
import './index.scss'

export { reasonNote, REJECT_REASONS, RETURN_REASONS, VERIFY_FAIL_REASONS } from './forms'

/** Less frequent actions: a compact button opens each one's own small form (ids open-<action>). */
export const SECONDARY: { action: CaseAction; text: string }[] = [
  { action: 'request-extension', text: '申请延期' },
  { action: 'return', text: '退回' },
  { action: 'escalate', text: '上报上级' },
  { action: 'suspend', text: '挂账' },
  { action: 'supervise', text: '督办' },
  { action: 'reject', text: '不予受理' },
  { action: 'reopen', text: '问题未解决，重新打开' },
]

interface Props {
  c: CaseDto
  onDone: (c: CaseDto) => void
  /** The inspector's on-site check-in (WGS-84), sent with sign and handle. */
  checkIn?: LatLng | null
  /** The dispatch target when the page picks it too (the console's map); '' = by the case's grid. */
  target?: { code: string; name?: string }
  onTarget?: (code: string, name?: string) => void
}

/**
 * Everything the caller may do to this case now, as the server says (allowedActions), and nothing else:
 * one small form per action with only the fields it takes. The day's main step (sign, handle, register,
 * dispatch, verify, the extension decision) is open; the others sit behind compact buttons.
 */
export default function ActionPanel({ c, onDone, checkIn, target, onTarget }: Props) {
  const allowed = new Set(c.allowedActions ?? [])
  const [busy, setBusy] = useState<CaseAction | null>(null)
  const [open, setOpen] = useState<CaseAction | null>(null)
  const [ownTarget, setOwnTarget] = useState<{ code: string; name?: string }>({ code: '' })
  if (!allowed.size) return null
  const tgt = target ?? ownTarget
  const setTarget = onTarget ?? ((code: string, name?: string) => setOwnTarget({ code, name }))

  const send: FormProps['send'] = async (action, call) => {
    setBusy(action)
    try {
      const next = await call()
      ui.toast(ACTION_DONE[action], 'success')
      setOpen(null)
      onDone(next)
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(null)
    }
  }
  const act: Act = (action, body) => api.act(c.id, action, body as never)
  const need = (text: string) => void ui.toast(text)
  const p = { c, busy, send, act }
  const secondary = SECONDARY.filter((s) => allowed.has(s.action))
  const main = ['sign', 'handle', 'register', 'dispatch', 'verify', 'decide-extension'].some((a) => allowed.has(a as CaseAction))

  return (
    <>
      {allowed.has('rate') && !c.rating && <RateForm c={c} onDone={onDone} />}
      {(main || secondary.length > 0) && (
        <View className='card action-panel' role='region' aria-label='办理'>
          <Text className='section-title'>办理</Text>
          {allowed.has('sign') && <SignForm busy={busy} send={send} sign={() => api.sign(c.id, undefined, checkIn)} />}
          {allowed.has('handle') && <HandleForm busy={busy} send={send} need={need} handle={(note, photos) => api.handle(c.id, note, photos, checkIn)} />}
          {allowed.has('register') && <RegisterForm {...p} />}
          {allowed.has('dispatch') && <DispatchForm {...p} target={tgt} onTarget={setTarget} />}
          {allowed.has('verify') && <VerifyForm {...p} need={need} />}
          {allowed.has('decide-extension') && <DecideExtensionForm {...p} />}
          {secondary.length > 0 && (
            <View className='action-panel__more'>
              <Text className='action-panel__more-label'>其他操作</Text>
              <View className='action-panel__more-buttons'>
                {secondary.map((s) => (
                  <Tap key={s.action} id={`open-${s.action}`} className={`btn btn--ghost action-btn action-btn--small ${open === s.action ? 'action-btn--on' : ''}`}
                    selected={open === s.action} onTap={() => setOpen(open === s.action ? null : s.action)}>
                    <Text>{s.text}</Text>
                  </Tap>
                ))}
              </View>
            </View>
          )}
          {open === 'request-extension' && allowed.has(open) && <ExtensionRequestForm {...p} need={need} />}
          {open === 'return' && allowed.has(open) && <ReasonForm {...p} need={need} action='return' title='退回' reasons={RETURN_REASONS} submitText='退回' />}
          {open === 'escalate' && allowed.has(open) && <NoteForm {...p} need={need} action='escalate' title='上报上级' label='上报理由' submitText='上报上级' />}
          {open === 'suspend' && allowed.has(open) && <NoteForm {...p} need={need} action='suspend' title='挂账' label='挂账理由' submitText='挂账' tone='warn' />}
          {open === 'supervise' && allowed.has(open) && <SuperviseForm {...p} need={need} />}
          {open === 'reject' && allowed.has(open) && <ReasonForm {...p} need={need} action='reject' title='不予受理' reasons={REJECT_REASONS} submitText='不予受理' />}
          {open === 'reopen' && allowed.has(open) && <NoteForm {...p} need={need} action='reopen' title='重新打开' label='重新打开的理由' submitText='重新打开' tone='warn' />}
        </View>
      )}
    </>
  )
}

export type { ActionBodies }
