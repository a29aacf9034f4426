import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import type { PatrolSessionDto, PatrolTodayDto } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import CaseCard from '../../../../components/CaseCard'
import PendingReports from '../../../../components/PendingReports'
import Tap from '../../../../components/Tap'
import EmptyState from '../../../../components/ui/EmptyState'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { gcj02ToWgs84 } from '../../../../lib/coords'
import { has, patrols } from '../../../../lib/roles'
import { shortTime } from '../../../../lib/time'
import { errorText } from '../../../../services/api'
import { locate, nav, onNetworkBack, ui } from '../../../../services/platform'
import { flushPatrolOutbox, inspectorApi, newSessionId, patrolOutbox, submitPatrol, type PatrolOp } from '../../inspector-api'
import './index.scss'

const pad = (n: number) => String(n).padStart(2, '0')
/** "14:05" in Beijing time. */
const clock = (iso: string) => shortTime(iso).split(' ')[1] ?? ''
/** "1 小时 5 分" / "12 分钟". */
function spanText(seconds: number): string {
  const m = Math.floor(seconds / 60)
  if (m < 60) return `${m} 分钟`
  return `${Math.floor(m / 60)} 小时 ${pad(m % 60)} 分`
}

const OP_TEXT: Record<PatrolOp['kind'], string> = { start: '开始巡查', stop: '结束巡查', checkin: '签到' }

/** The session as the inspector sees it now: the server's open one, or one started while offline and not yet sent. */
function currentSession(t: PatrolTodayDto | null, pending: PatrolOp[]): { id: string; startedAt: string; queued: boolean } | null {
  const stopped = new Set(pending.filter((p) => p.kind === 'stop').map((p) => (p as { sessionId: string }).sessionId))
  const started = pending.filter((p) => p.kind === 'start').map((p) => p as PatrolOp & { sessionId: string })
  const local = started.filter((p) => !stopped.has(p.sessionId)).pop()
  if (local) return { id: local.sessionId, startedAt: local.at, queued: true }
  if (t?.open && !stopped.has(t.open.id)) return { id: t.open.id, startedAt: t.open.startedAt, queued: false }
  return null
}

function SessionLine({ s }: { s: PatrolSessionDto }) {
  return (
    <View className='patrol__session'>
      <Text>{shortTime(s.startedAt)} – {s.stoppedAt ? clock(s.stoppedAt) : '进行中'}</Text>
      <Text className='muted'>{spanText(s.seconds)}</Text>
    </View>
  )
}

/**
 * 巡查 (issue 12, item 4): start and stop a patrol, check in where you stand, report what you find; the day's
 * sessions, check-ins, finds and the coverage of your grids. Start, stop and check-in wait on the phone when
 * the network is away (inspector-api.ts) and go with the time they were pressed.
 */
export default function Patrol() {
  const user = useRequiredUser('/packages/staff/pages/patrol/index')
  const company = has(user, ['third_party'])
  const [pending, setPending] = useState<PatrolOp[]>(patrolOutbox.list())
  const [busy, setBusy] = useState<'' | 'start' | 'stop' | 'checkin'>('')
  const [now, setNow] = useState(() => Date.now())
  const { data, error, reload } = useRemote(async () => {
    await flushPatrolOutbox().catch(() => 0)
    setPending(patrolOutbox.list())
    return inspectorApi.today()
  }, !!user && patrols(user))
  useEffect(() => {
    onNetworkBack(() => void reload())
    const t = setInterval(() => setNow(Date.now()), 30_000)
    return () => clearInterval(t)
  }, [])

  const current = currentSession(data, pending)
  const run = async (kind: 'start' | 'stop' | 'checkin', go: () => Promise<'sent' | 'queued'>, done: string) => {
    setBusy(kind)
    try {
      const r = await go()
      ui.toast(r === 'sent' ? done : `网络不可用，已保存在手机上，恢复后自动发送`, r === 'sent' ? 'success' : 'none')
    } catch (err) {
      ui.toast(`${OP_TEXT[kind]}失败：${errorText(err)}`)
    } finally {
      setPending(patrolOutbox.list())
      setBusy('')
      setNow(Date.now())
      void reload()
    }
  }
  const start = () => run('start', () => submitPatrol({ kind: 'start', sessionId: newSessionId() }), '已开始巡查')
  const stop = () => current && run('stop', () => submitPatrol({ kind: 'stop', sessionId: current.id }), '已结束巡查')
  const checkIn = () => run('checkin', async () => {
    const p = await locate()
    const at = p.datum === 'wgs84' ? { lat: p.lat, lng: p.lng } : gcj02ToWgs84({ lat: p.lat, lng: p.lng })
    return submitPatrol({ kind: 'checkin', ...at })
  }, '签到成功')

  const elapsed = current ? Math.max(0, Math.floor((now - Date.parse(current.startedAt)) / 1000)) : 0
  const cov = data?.coverage
  return (
    <AppShell title='巡查' tab='patrol' className='patrol'>
      <View id='patrol-session' className={`card patrol__now ${current ? 'patrol__now--on' : ''}`}>
        {current ? (
          <>
            <Text className='patrol__state'>巡查中{current.queued ? '（待发送）' : ''}</Text>
            <Text id='patrol-elapsed' className='patrol__elapsed'>已巡查 {spanText(elapsed)}</Text>
            <Text className='muted'>{shortTime(current.startedAt)} 开始</Text>
            <Tap id='patrol-stop' className='btn btn--warn btn--block' disabled={!!busy} onTap={() => void stop()}>
              <Text>{busy === 'stop' ? '正在结束…' : '结束巡查'}</Text>
            </Tap>
          </>
        ) : (
          <>
            <Text className='patrol__state'>未在巡查</Text>
            <Text className='muted'>开始后记录本次巡查的时长；途中可随时签到、上报问题</Text>
            <Tap id='patrol-start' className='btn btn--primary btn--block' disabled={!!busy} onTap={() => void start()}>
              <Text>{busy === 'start' ? '正在开始…' : '开始巡查'}</Text>
            </Tap>
          </>
        )}
      </View>

      <View className='patrol__actions'>
        <Tap id='patrol-checkin' className='btn btn--ghost patrol__action' disabled={!!busy} label='在当前位置签到' onTap={() => void checkIn()}>
          <Text>{busy === 'checkin' ? '定位中…' : '签到'}</Text>
        </Tap>
        <Tap id='patrol-report' className='btn btn--primary patrol__action' onTap={() => nav.to('/pages/report/index?from=patrol')}>
          <Text>发现问题，立即上报</Text>
        </Tap>
      </View>

      {pending.length > 0 && (
        <View id='patrol-pending' className='card card--pending' aria-live='polite'>
          <Text className='patrol__subtitle'>待发送（{pending.length}）</Text>
          {pending.map((p) => (
            <Text key={p.key} className='muted'>{OP_TEXT[p.kind]} · {shortTime(p.at)}{p.attempts ? `（已尝试 ${p.attempts} 次）` : ''}</Text>
          ))}
          <Text className='muted'>网络恢复后按顺序自动发送，时间以按下时为准</Text>
        </View>
      )}
      {error && <Text className='error'>{error}</Text>}

      {data && (
        <View className='patrol__grid'>
          <View id='patrol-today' className='card'>
            <Text className='patrol__subtitle'>今日巡查</Text>
            <View className='patrol__figures'>
              <View className='patrol__figure'><Text className='patrol__num'>{data.sessions.length}</Text><Text className='muted'>次巡查</Text></View>
              <View className='patrol__figure'><Text className='patrol__num'>{spanText(data.seconds)}</Text><Text className='muted'>巡查时长</Text></View>
              <View className='patrol__figure'><Text className='patrol__num'>{data.checkins.length}</Text><Text className='muted'>次签到</Text></View>
              <View className='patrol__figure'><Text className='patrol__num'>{data.finds.length}</Text><Text className='muted'>件发现</Text></View>
            </View>
            {data.sessions.length > 0 && (
              <View id='patrol-sessions' className='patrol__list'>
                {data.sessions.map((s) => <SessionLine key={s.id} s={s} />)}
              </View>
            )}
          </View>

          {cov && (
            <View id='patrol-coverage' className='card'>
              <Text className='patrol__subtitle'>网格覆盖</Text>
              <Text className='patrol__coverage'>今日已签到 {cov.visited} / {cov.grids} 个网格{cov.grids ? `（${Math.round((cov.visited / cov.grids) * 100)}%）` : ''}</Text>
              <View className='patrol__bar' aria-hidden='true'><View className='patrol__bar-fill' style={{ width: `${cov.grids ? (cov.visited / cov.grids) * 100 : 0}%` }} /></View>
              {cov.items.slice(0, 8).map((g) => (
                <View key={g.gridCode} className='patrol__session'>
                  <Text>{g.gridName}</Text>
                  <Text className={`chip ${g.checkins ? 'chip--green' : 'chip--grey'}`}>{g.checkins ? `已签到 ${g.checkins} 次` : '未签到'}</Text>
                </View>
              ))}
              {data.checkins.length > 0 && (
                <View id='patrol-checkins' className='patrol__list'>
                  <Text className='muted'>我的签到</Text>
                  {data.checkins.map((c) => (
                    <View key={c.id} className='patrol__session'><Text>{c.gridName}</Text><Text className='muted'>{clock(c.at)}</Text></View>
                  ))}
                </View>
              )}
            </View>
          )}
        </View>
      )}

      {company && (
        <Tap id='patrol-company-month' className='btn btn--ghost btn--block' label='查看本公司月评估' onTap={() => nav.to('/packages/staff/pages/company/index')}>
          <Text>本公司月评估</Text>
        </Tap>
      )}

      <View className='section'>
        <Text className='section-title'>今日发现{data ? `（${data.finds.length} 件）` : ''}</Text>
        {user && <PendingReports />}
        {data && !data.finds.length && <EmptyState title='今天还没有上报' hint='巡查中发现问题，点“发现问题，立即上报”随手拍下' />}
        {data?.finds.map((c) => <CaseCard key={c.id} c={c} onOpen={(x) => nav.to(`/pages/case/index?id=${x.id}`)} />)}
      </View>
    </AppShell>
  )
}
