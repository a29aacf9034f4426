import type { LoginResponse, UserDto } from '@finecity/types'
import { api, useToken } from './api'
import { storage, wechatLoginCode } from './platform'

const KEY = 'finecity.session'

interface Session {
  token: string
  user: UserDto
  /** A/B duty slot of an inspector, known from the sandbox account list (UserDto has none yet). */
  duty?: 'A' | 'B'
}

let current: Session | null = null

function load(): Session | null {
  if (!current) current = storage.get<Session>(KEY) ?? null
  return current
}

useToken(() => load()?.token ?? null)

export const session = {
  user: (): UserDto | null => load()?.user ?? null,
  token: (): string | null => load()?.token ?? null,
  duty: (): 'A' | 'B' | undefined => load()?.duty,
  save(r: LoginResponse, duty?: 'A' | 'B'): UserDto {
    current = { token: r.token, user: r.user, ...(duty ? { duty } : {}) }
    storage.set(KEY, current)
    return r.user
  },
  /** Sandbox demo account or any code the server's WeChat login accepts. */
  async loginWithCode(code: string, duty?: 'A' | 'B'): Promise<UserDto> {
    return session.save(await api.login(code), duty)
  },
  /** weapp: wx.login → code2Session on the server. Null in H5 (no WeChat login there). */
  async loginWithWeChat(): Promise<UserDto | null> {
    const code = await wechatLoginCode()
    return code ? session.loginWithCode(code) : null
  },
  logout(): void {
    current = null
    storage.remove(KEY)
  },
}
