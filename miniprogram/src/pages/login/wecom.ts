import type { AuthOptionsDto, ErrorBody, LoginResponse } from '@finecity/types'
import { API_BASE, IS_H5, requestJson } from '../../services/platform'

/**
 * WeCom (企业微信) web sign-in for the H5 console: the browser goes to WeCom's OAuth page
 * (https://developer.work.weixin.qq.com/document/path/91022) and comes back to this login page with
 * ?code=…&state=…; the server turns the code into the staff member (POST /api/v1/auth/wecom).
 */
const STATE_KEY = 'finecity.wecom.state'

export type WecomOptions = NonNullable<AuthOptionsDto['wecom']>

/** GET /api/v1/auth/options with the browser's fetch (H5 only); null when WeCom is off or unreachable. */
export async function wecomOptions(): Promise<WecomOptions | null> {
  if (!IS_H5 || typeof fetch !== 'function') return null
  try {
    const res = await fetch(`${API_BASE}/api/v1/auth/options`)
    if (!res.ok) return null
    const body = (await res.json()) as Partial<AuthOptionsDto>
    return body.wecom ?? null
  } catch {
    return null
  }
}

/** The authorize URL, parameters in the documented order, coming back to this page; remembers `next` under a fresh state. */
export function wecomAuthorizeUrl(o: WecomOptions, next: string): string {
  const state = Math.random().toString(36).slice(2, 12)
  window.sessionStorage.setItem(STATE_KEY, JSON.stringify({ state, next }))
  const back = `${window.location.origin}${window.location.pathname}#/pages/login/index`
  const params = [
    ['appid', o.corpId],
    ['redirect_uri', back],
    ['response_type', 'code'],
    ['scope', 'snsapi_base'],
    ['state', state],
    ...(o.agentId ? [['agentid', o.agentId]] : []),
  ]
  return `${o.authorizeUrl}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v!)}`).join('&')}#wechat_redirect`
}

/**
 * The code WeCom sent back (?code=…&state=…, before the # of the H5 route), if its state is the one this
 * browser sent; the query is removed from the address bar either way.
 */
export function takeWecomReturn(): { code: string; next: string | null } | null {
  if (!IS_H5 || typeof window === 'undefined') return null
  const q = new URLSearchParams(window.location.search)
  const code = q.get('code')
  if (!code) return null
  window.history.replaceState(null, '', `${window.location.pathname}${window.location.hash}`)
  const saved = window.sessionStorage.getItem(STATE_KEY)
  window.sessionStorage.removeItem(STATE_KEY)
  let expected: { state?: string; next?: string } = {}
  try {
    expected = saved ? (JSON.parse(saved) as typeof expected) : {}
  } catch {
    expected = {}
  }
  if (!expected.state || expected.state !== q.get('state')) return null
  return { code, next: expected.next ?? null }
}

/** POST /api/v1/auth/wecom; throws an Error with the server's Chinese message. */
export async function loginWithWecomCode(code: string): Promise<LoginResponse> {
  const res = await requestJson('POST', '/api/v1/auth/wecom', { code })
  if (res.status === 200) return res.data as LoginResponse
  const e = (res.data as Partial<ErrorBody> | null)?.error
  throw new Error(e?.message ?? `企业微信登录失败（${res.status}）`)
}
