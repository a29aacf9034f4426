import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { STATS_PERIODS, type StatsPeriod } from '@finecity/types'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { PERIOD_CHIP, PERIOD_NAME, rateText, unitSummary } from '../../../../lib/stats'
import { shortTime } from '../../../../lib/time'
import { api } from '../../../../services/api'

/** The leader's view of their scope: one aggregate request per period (GET /api/v1/stats/overview). */
export default function Dashboard() {
  const user = useRequiredUser('/packages/leader/pages/dashboard/index')
  const [period, setPeriod] = useState<StatsPeriod>('month')
  const { data: s, error } = useRemote(() => api.statsOverview({ period }), !!user, [period])
  const f = s?.figures
  return (
    <View className='page dashboard'>
      <View className='chips' role='tablist' aria-label='统计周期'>
        {STATS_PERIODS.map((p) => (
          <Tap key={p} id={`period-${p}`} className={`chip chip--choice ${p === period ? 'chip--on' : ''}`} role='tab' selected={p === period} label={`按${PERIOD_CHIP[p]}统计`} onTap={() => setPeriod(p)}>
            <Text>{PERIOD_CHIP[p]}</Text>
          </Tap>
        ))}
      </View>
      {error && <Text className='error'>{error}</Text>}
      {s && f && (
        <>
          <Text id='stats-scope' className='section-title'>{s.scope.name} · {PERIOD_NAME[s.period]}</Text>
          <View className='stats'>
            <View className='stat' aria-label={`今日新增 ${s.today.reported} 件`}><Text className='stat__num'>{s.today.reported}</Text><Text className='muted'>今日新增</Text></View>
            <View className='stat' aria-label={`今日办结 ${s.today.closed} 件`}><Text className='stat__num'>{s.today.closed}</Text><Text className='muted'>今日办结</Text></View>
            <View className='stat stat--warn' aria-label={`超时未办 ${f.overdue} 件`}><Text className='stat__num'>{f.overdue}</Text><Text className='muted'>超时未办</Text></View>
            <View className='stat' aria-label={`${PERIOD_NAME[s.period]}按期结案率 ${f.onTimeRate === null ? '暂无' : `${f.onTimeRate}%`}`}>
              <Text className='stat__num'>{rateText(f.onTimeRate)}</Text><Text className='muted'>按期结案率（{PERIOD_NAME[s.period]}）</Text>
            </View>
          </View>
          <Text id='stats-period' className='muted'>
            {PERIOD_NAME[s.period]}上报 {f.reported} 件，办结 {f.closed} 件（按期 {f.closedOnTime} 件）；当前在办 {f.open} 件。数据截至 {shortTime(s.asOf)}
          </Text>
          <View className='card'>
            <Text className='section-title'>下级单位排名（按期结案率）</Text>
            {!s.units.length && <Text className='muted'>暂无数据</Text>}
            {s.units.map((u, i) => (
              <View key={u.code} className='bar-row' aria-label={unitSummary(u, i + 1)}>
                <Text className='bar-row__name'>{i + 1}. {u.name}</Text>
                <View className='bar'>
                  <View className='bar__fill bar__fill--closed' style={{ width: `${u.onTimeRate ?? 0}%` }} />
                </View>
                <Text className='bar-row__num'>{rateText(u.onTimeRate)} · 办结 {u.closed}（按期 {u.closedOnTime}）· 上报 {u.reported}{u.overdue ? ` · 超时 ${u.overdue}` : ''}</Text>
              </View>
            ))}
          </View>
        </>
      )}
    </View>
  )
}
