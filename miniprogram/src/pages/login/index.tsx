import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { useLoad, useRouter } from '@tarojs/taro'
import type { SandboxAccount } from '@finecity/types'
import Tap from '../../components/Tap'
import { ROLE_LABEL } from '../../lib/labels'
import { api, errorText } from '../../services/api'
import { IS_H5, nav, ui } from '../../services/platform'
import { session } from '../../services/session'
import { loginWithWecomCode, takeWecomReturn, wecomAuthorizeUrl, wecomOptions, type WecomOptions } from './wecom'

/**
 * weapp: wx.login → the server's code2Session. H5: 企业微信登录 (WeCom OAuth, see ./wecom.ts) whenever the
 * server has WeCom configured (or its sandbox stands in for WeCom), and while the sandbox is on, a picker
 * of the seeded demo accounts.
 */
export default function Login() {
  const router = useRouter()
  const next = router.params.next ? decodeURIComponent(router.params.next) : '/pages/home/index'
  const [accounts, setAccounts] = useState<SandboxAccount[] | null>(null)
  const [busy, setBusy] = useState(false)
  const [wecom, setWecom] = useState<WecomOptions | null>(null)

  useLoad(() => {
    api.sandboxAccounts().then(setAccounts, () => setAccounts(null))
    if (!IS_H5) return
    wecomOptions().then(setWecom, () => setWecom(null))
    const back = takeWecomReturn()
    if (back) void wecomReturn(back.code, back.next ?? next)
  })

  const done = () => nav.relaunch(next)
  const wecomReturn = async (code: string, to: string) => {
    setBusy(true)
    try {
      session.save(await loginWithWecomCode(code))
      nav.relaunch(to)
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const wecomLogin = () => {
    if (wecom) window.location.assign(wecomAuthorizeUrl(wecom, next))
  }
  const wechat = async () => {
    setBusy(true)
    try {
      if (await session.loginWithWeChat()) done()
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const demo = async (a: SandboxAccount) => {
    setBusy(true)
    try {
      await session.loginWithCode(a.code)
      done()
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <View className='page login'>
      <Text className='login__title'>大连城市精细化管理</Text>
      {!IS_H5 && <Tap id='wechat-login' className='btn btn--primary' disabled={busy} label='微信一键登录' onTap={wechat}><Text>微信一键登录</Text></Tap>}
      {IS_H5 && wecom && <Tap id='wecom-login' className='btn btn--primary' disabled={busy} label='企业微信登录' onTap={wecomLogin}><Text>企业微信登录</Text></Tap>}
      {accounts && (
        <View className='section'>
          <Text className='section-title'>演示账号（沙箱）</Text>
          <Text className='muted'>服务器开启了微信沙箱，可直接选择一个演示账号登录。</Text>
          <View className='account-list'>
            {accounts.map((a) => (
              <Tap key={a.code} id={`acct-${a.openid}`} className='account-item' disabled={busy} onTap={() => demo(a)}>
                <Text className='account-item__name'>{a.name}</Text>
                <Text className='chip chip--blue'>{ROLE_LABEL[a.role]}{a.duty ? ` · ${a.duty} 岗` : ''}</Text>
              </Tap>
            ))}
          </View>
        </View>
      )}
      {IS_H5 && accounts === null && !wecom && (
        <Text className='muted'>网页版登录需通过企业微信授权，当前服务器未开通企业微信登录，请联系管理员。</Text>
      )}
    </View>
  )
}
