import { Button, Text, View } from '@tarojs/components'
import { useState } from 'react'
import { useLoad, useRouter } from '@tarojs/taro'
import type { SandboxAccount } from '@finecity/types'
import AppShell from '../../components/AppShell'
import { TextField } from '../../components/Field'
import Tap from '../../components/Tap'
import { PRODUCT_NAME } from '../../lib/brand'
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

  const [inviteCode, setInviteCode] = useState('')
  const [demoMobile, setDemoMobile] = useState('')
  const [activateError, setActivateError] = useState<string | null>(null)

  const done = () => nav.relaunch(next)
  const activate = async (proof: { inviteCode: string } | { phoneCode: string }) => {
    setBusy(true)
    setActivateError(null)
    try {
      await session.activate(proof)
      ui.toast('激活成功', 'success')
      done()
    } catch (err) {
      setActivateError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const activateByCode = () => {
    const c = inviteCode.trim()
    if (!/^\d{6}$/.test(c)) return setActivateError('请输入短信中的 6 位数字激活码')
    void activate({ inviteCode: c })
  }
  const activateByDemoPhone = () => {
    const m = demoMobile.trim()
    if (!/^1[3-9]\d{9}$/.test(m)) return setActivateError('请输入 11 位手机号')
    void activate({ phoneCode: `sandbox-phone:${m}` })
  }
  const onPhoneNumber = (e: { detail: { code?: string; errMsg?: string } }) => {
    if (e.detail.code) void activate({ phoneCode: e.detail.code })
    else setActivateError('未获得手机号授权，可改用短信激活码激活')
  }
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
    <AppShell title='登录' noTabs className='login page--column'>
      <Text className='login__title'>{PRODUCT_NAME}</Text>
      {!IS_H5 && <Tap id='wechat-login' className='btn btn--primary' disabled={busy} label='微信一键登录' onTap={wechat}><Text>微信一键登录</Text></Tap>}
      {IS_H5 && wecom && <Tap id='wecom-login' className='btn btn--primary' disabled={busy} label='企业微信登录' onTap={wecomLogin}><Text>企业微信登录</Text></Tap>}
      {/* Activation binds a WeChat identity: the weapp's, or in the H5 sandbox a stand-in for one (演示). */}
      {(!IS_H5 || accounts) && <View className='section card activate' id='activate'>
        <Text className='section-title'>工作人员激活</Text>
        <Text className='muted'>首次使用的工作人员：输入管理员导入名单后短信发送的 6 位激活码，绑定本微信。</Text>
        {IS_H5 && <Text className='hint'>演示（沙箱）：网页版没有微信登录，本浏览器模拟一个微信身份完成激活。</Text>}
        <TextField id='invite-code' label='激活码' type='number' maxlength={6} value={inviteCode} placeholder='6 位数字' onChange={setInviteCode} />
        <Tap id='activate-code' className='btn btn--primary' disabled={busy} onTap={activateByCode}><Text>激活</Text></Tap>
        {!IS_H5 && (
          <Button id='activate-phone' className='btn btn--ghost btn--native' openType='getPhoneNumber' disabled={busy} onGetPhoneNumber={onPhoneNumber}>
            微信手机号快速验证
          </Button>
        )}
        {IS_H5 && accounts && (
          <View className='activate__demo'>
            <TextField id='demo-mobile' label='演示：手机号快速验证（沙箱）' type='number' maxlength={11} value={demoMobile} placeholder='名单中的 11 位手机号' onChange={setDemoMobile} />
            <Tap id='activate-demo-phone' className='btn btn--ghost' disabled={busy} onTap={activateByDemoPhone}><Text>用手机号激活（演示）</Text></Tap>
          </View>
        )}
        {activateError && <View id='activate-error' className='error' role='alert'>{activateError}</View>}
      </View>}
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
    </AppShell>
  )
}
