import type { LoginResponse, UserDto } from '@finecity/types'
import { api, useToken } from './api'
import { storage, wechatLoginCode } from './platform'

const KEY = 'finecity.session'

interface Session {
  token: string
  user: UserDto
}

let current: Session | null = null

/** H5 demo only: a stable sandbox WeChat identity for this browser (the sandbox accepts `sandbox:<openid>`). */
function sandboxIdentity(): string {
  let id = storage.get<string>('finecity.sandboxOpenid')
  if (!id) {
    id = `h5-${Date.now().toString(36)}${Math.floor(Math.random() * 1e9).toString(36)}`
    storage.set('finecity.sandboxOpenid', id)
  }
  return `sandbox:${id}`
}

function load(): Session | null {
  if (!current) current = storage.get<Session>(KEY) ?? null
  return current
}

useToken(() => load()?.token ?? null)

export const session = {
  user: (): UserDto | null => load()?.user ?? null,
  token: (): string | null => load()?.token ?? null,
  save(r: LoginResponse): UserDto {
    current = { token: r.token, user: r.user }
    storage.set(KEY, current)
    return r.user
  },
  /**
   * Re-read the user from GET /api/v1/me (e.g. today's A/B duty, which changes at midnight while a stored
   * session lives on). Keeps the stored user when the request fails.
   */
  async refreshUser(): Promise<UserDto | null> {
    const s = load()
    if (!s) return null
    try {
      const user = await api.me()
      if (current?.token === s.token) session.save({ token: s.token, user })
      return user
    } catch {
      return s.user
    }
  },
  /** Sandbox demo account or any code the server's WeChat login accepts. */
  async loginWithCode(code: string): Promise<UserDto> {
    return session.save(await api.login(code))
  },
  /** weapp: wx.login → code2Session on the server. Null in H5 (no WeChat login there). */
  async loginWithWeChat(): Promise<UserDto | null> {
    const code = await wechatLoginCode()
    return code ? session.loginWithCode(code) : null
  },
  /**
   * Staff activation (激活码 or 手机号快速验证). weapp: a fresh wx.login code; H5 has no WeChat login, so in
   * the sandbox this browser stands in for one WeChat identity (`sandbox:<openid>`, kept in storage).
   */
  async activate(proof: { inviteCode: string } | { phoneCode: string }): Promise<UserDto> {
    const code = (await wechatLoginCode()) ?? sandboxIdentity()
    return session.save(await api.activate(code, proof))
  },
  logout(): void {
    current = null
    storage.remove(KEY)
  },
}
