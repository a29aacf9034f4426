// Subscribe-message consent (issues 3, 4 and 13): template ids are fetched ahead of time, because WeChat only
// shows the consent dialog when requestSubscribeMessage runs inside the tap itself — no await before it.
//
// Long-term templates (长期订阅, issue 13 item 8: one accept, every step of the case) are offered where the
// account's service category allows them (the server lists them). WeChat refuses a call that mixes long-term and
// one-time ids (errCode 20002), so a tap asks for one kind: the long-term ones until the user has accepted them,
// then nothing more for those keys; if the user declines them, later taps ask for one-time consents as before.
import { api, type SubscribeTemplates as Templates } from './api'
import { IS_H5, requestSubscribe, storage } from './platform'

/** Per long-term template id: what the user last answered ('accept' or a refusal). */
const LONG_TERM_ANSWERS = 'finecity.subscribe-long-term'

let templates: Templates | null = null
let loading: Promise<void> | null = null

/**
 * Fetch and cache the template ids (call when the page loads). Never rejects; a failure just means no prompt.
 * A browser (H5) has no subscribe messages, so it asks the server for nothing.
 */
export function prefetchSubscribeTemplates(): Promise<void> {
  if (templates || IS_H5) return Promise.resolve()
  loading ??= api.subscriptionTemplates().then(
    (t) => { templates = t },
    (err) => { console.warn('subscribe templates not loaded', err) },
  ).finally(() => { loading = null })
  return loading
}

/**
 * Which ids one tap asks for: the long-term ids of `keys` not yet answered, if any; otherwise the one-time ids
 * of the keys that have no accepted long-term subscription. Never both kinds at once.
 */
export function idsToAsk(t: Templates | null, keys: string[], answers: Record<string, string>): string[] {
  if (!t) return []
  const longTerm = keys.map((k) => t.longTerm?.[k]).filter((id): id is string => !!id)
  const unanswered = longTerm.filter((id) => !answers[id])
  if (unanswered.length) return unanswered
  return keys
    .filter((k) => { const lt = t.longTerm?.[k]; return !lt || answers[lt] !== 'accept' })
    .map((k) => t.templates[k])
    .filter((id): id is string => !!id)
}

/**
 * Call synchronously from a tap handler: asks consent for the cached templates named by `keys`, then posts
 * the answers in the background. Resolves once the user has answered the dialog; never rejects.
 */
export function subscribeOnTap(keys: string[]): Promise<void> {
  const answers = storage.get<Record<string, string>>(LONG_TERM_ANSWERS) ?? {}
  const ids = idsToAsk(templates, keys, answers)
  if (!ids.length) return Promise.resolve()
  const longTermIds = new Set(Object.values(templates?.longTerm ?? {}))
  return requestSubscribe(ids).then((results) => {
    if (!Object.keys(results).length) return
    const lt = Object.entries(results).filter(([id]) => longTermIds.has(id))
    if (lt.length) storage.set(LONG_TERM_ANSWERS, { ...answers, ...Object.fromEntries(lt) })
    api.recordSubscriptions(results).catch((err: unknown) => { console.warn('subscribe results not recorded', err) })
  }).catch((err: unknown) => { console.warn('subscribe prompt failed', err) })
}

/** Tests only: forget the cached templates. */
export function resetSubscribeTemplates(): void {
  templates = null
  loading = null
}
