import { useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import type { UserDto } from '@finecity/types'
import { nav } from '../services/platform'
import { session } from '../services/session'

/** The logged-in user; sends a guest to the login page and back here afterwards. */
export function useRequiredUser(here: string): UserDto | null {
  const [user, setUser] = useState<UserDto | null>(session.user())
  useDidShow(() => {
    const u = session.user()
    setUser(u)
    if (!u) void nav.redirect(`/pages/login/index?next=${encodeURIComponent(here)}`)
  })
  return user
}
