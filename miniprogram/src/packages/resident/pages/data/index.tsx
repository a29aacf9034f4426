import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { MyDataDto } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { STATE_LABEL } from '../../../../lib/labels'
import { errorText } from '../../../../services/api'
import { nav, saveJson, ui } from '../../../../services/platform'
import { residentApi } from '../../../../services/resident-api'
import { session } from '../../../../services/session'
import { readTime } from '../../lib/read-time'
import '../../resident.scss'

const TEMPLATE_LABEL: Record<string, string> = { case_progress: '办理进度通知', case_task: '任务通知' }
const SAVED = { downloaded: '已下载 finecity-my-data.json', shared: '已发送文件', copied: '已复制到剪贴板' } as const

/** 我的数据: what FineCity holds about me, readable; export as JSON; 注销. */
export default function MyDataPage() {
  const user = useRequiredUser('/packages/resident/pages/data/index')
  const { data, error } = useRemote(() => residentApi.myData(), !!user)
  const exportJson = async () => {
    if (!data) return
    try {
      ui.toast(SAVED[await saveJson('finecity-my-data.json', JSON.stringify(data, null, 2))], 'success')
    } catch (err) {
      ui.toast(`没能导出：${errorText(err)}`)
    }
  }
  return (
    <AppShell title='我的数据' className='resident page--column'>
      {error && <Text className='error'>{error}</Text>}
      {data && (
        <>
          <Text className='muted'>这是我们保存的您的全部个人信息（{readTime(data.exportedAt)} 查询）。</Text>
          <Account data={data} />
          <Reports data={data} />
          <Others data={data} />
          <View className='card'>
            <Text className='section-title' {...H2}>导出</Text>
            <Text className='muted'>把以上全部信息保存为 JSON 文件（一种通用的数据格式）。</Text>
            <Tap id='data-export' className='btn btn--ghost' onTap={() => void exportJson()}><Text>导出 JSON</Text></Tap>
          </View>
          <DeleteAccount reports={data.reports.length} />
        </>
      )}
    </AppShell>
  )
}

const H2 = { role: 'heading', 'aria-level': 2 } as object

function Row({ k, v }: { k: string; v: string }) {
  return (
    <View className='kv'>
      <Text className='kv__k'>{k}</Text>
      <Text className='kv__v'>{v}</Text>
    </View>
  )
}

function Account({ data }: { data: MyDataDto }) {
  const a = data.account
  return (
    <View className='card'>
      <Text className='section-title' {...H2}>账号</Text>
      <Row k='昵称' v={a.name} />
      <Row k='手机号码' v={a.mobile ?? '未留'} />
      <Row k='公众号通知' v={a.officialAccountBound ? '已关注' : '未关注'} />
      <Row k='注册时间' v={readTime(a.createdAt)} />
    </View>
  )
}

function Reports({ data }: { data: MyDataDto }) {
  return (
    <View className='card'>
      <Text className='section-title' {...H2}>我的上报（{data.reports.length}）</Text>
      {!data.reports.length && <Text className='muted'>没有上报记录</Text>}
      {data.reports.map((r) => (
        <View key={r.caseNo} className='data-item'>
          <View className='data-item__head'>
            <Text className='data-item__title'>{r.category}</Text>
            <Text className='chip chip--grey'>{STATE_LABEL[r.state]}</Text>
          </View>
          <Text className='muted'>编号 {r.caseNo} · {readTime(r.reportedAt)}{r.anonymous ? ' · 匿名上报' : ''}</Text>
          {r.description && <Text className='data-item__body'>{r.description}</Text>}
          <Text className='muted'>{r.address ?? '未填地址'}（位置 {r.lat.toFixed(5)}, {r.lng.toFixed(5)}）</Text>
          {r.rating !== null && <Text className='muted'>我的评价：{r.rating} 星{r.ratingComment ? `，${r.ratingComment}` : ''}</Text>}
        </View>
      ))}
    </View>
  )
}

function Others({ data }: { data: MyDataDto }) {
  return (
    <View className='card'>
      <Text className='section-title' {...H2}>关注的问题（{data.following.length}）</Text>
      {!data.following.length && <Text className='muted'>没有关注的问题</Text>}
      {data.following.map((f) => <Row key={f.caseNo} k={f.caseNo} v={`${readTime(f.since)} 起关注`} />)}
      <Text className='section-title data-sub' {...H2}>我的留言（{data.comments.length}）</Text>
      {!data.comments.length && <Text className='muted'>没有留言</Text>}
      {data.comments.map((c, i) => (
        <View key={`${c.caseNo}-${i}`} className='data-item'>
          <Text className='muted'>{c.caseNo} · {readTime(c.at)}</Text>
          <Text className='data-item__body'>{c.body}</Text>
        </View>
      ))}
      <Text className='section-title data-sub' {...H2}>通知订阅</Text>
      {!data.subscriptions.length && <Text className='muted'>没有订阅</Text>}
      {data.subscriptions.map((s) => <Row key={s.template} k={TEMPLATE_LABEL[s.template] ?? '其他通知'} v={s.longTerm ? '长期接收' : `还可接收 ${s.credits} 次`} />)}
      <Text className='section-title data-sub' {...H2}>积分（{data.points.entries.reduce((n, e) => n + e.points, 0)} 分）</Text>
      <Row k='市民监督员榜' v={data.points.listed ? '显示' : '不显示'} />
      {data.points.entries.map((e, i) => <Row key={`${e.caseNo}-${e.kind}-${i}`} k={`${e.caseNo} · ${readTime(e.at)}`} v={`${e.kind === 'first_finder' ? '首报奖励' : '上报受理'} +${e.points}`} />)}
    </View>
  )
}

/** 注销 with a plain statement of what happens, confirmed on the page itself; then signed out and home. */
export function DeleteAccount({ reports }: { reports: number }) {
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  const confirm = async () => {
    setBusy(true)
    try {
      await residentApi.deleteAccount()
      session.logout()
      ui.toast('账号已注销', 'success')
      void nav.relaunch('/pages/home/index')
    } catch (err) {
      ui.toast(errorText(err))
      setBusy(false)
    }
  }
  return (
    <View className='card delete-account'>
      <Text className='section-title' {...H2}>注销账号</Text>
      {!asking
        ? <Tap id='delete-start' className='btn btn--warn' onTap={() => setAsking(true)}><Text>注销账号</Text></Tap>
        : (
          <View id='delete-confirm' role='group' aria-label='确认注销账号'>
            <Text className='delete-account__lead'>注销后：</Text>
            <Text className='delete-account__point'>· 您的昵称、微信身份、手机号码、通知订阅和关注记录立即删除，无法恢复；</Text>
            <Text className='delete-account__point'>· 您上报的 {reports} 个问题继续办理并保留，照片也保留，但不再与您有任何关联，您也不能再查看它们的进度；</Text>
            <Text className='delete-account__point'>· 您将退出登录，积分清零。以后再用微信登录，会是一个新账号。</Text>
            <View className='delete-account__actions'>
              <Tap id='delete-cancel' className='btn btn--ghost' disabled={busy} onTap={() => setAsking(false)}><Text>不注销</Text></Tap>
              <Tap id='delete-confirm-btn' className='btn btn--warn' disabled={busy} onTap={() => void confirm()}><Text>{busy ? '正在注销…' : '确认注销'}</Text></Tap>
            </View>
          </View>
        )}
    </View>
  )
}
