// Subscribe-message consent (issues 3 and 4): template ids are fetched ahead of time, because WeChat only
// shows the consent dialog when requestSubscribeMessage runs inside the tap itself — no await before it.
import { api } from './api'
import { IS_H5, requestSubscribe } from './platform'

let templates: Record<string, string> | null = null
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
 * Call synchronously from a tap handler: asks consent for the cached templates named by `keys`, then posts
 * the answers in the background. Resolves once the user has answered the dialog; never rejects.
 */
export function subscribeOnTap(keys: string[]): Promise<void> {
  const ids = keys.map((k) => templates?.[k]).filter((id): id is string => !!id)
  if (!ids.length) return Promise.resolve()
  return requestSubscribe(ids).then((results) => {
    if (!Object.keys(results).length) return
    api.recordSubscriptions(results).catch((err: unknown) => { console.warn('subscribe results not recorded', err) })
  }).catch((err: unknown) => { console.warn('subscribe prompt failed', err) })
}

/** Tests only: forget the cached templates. */
export function resetSubscribeTemplates(): void {
  templates = null
  loading = null
}
