import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { STATS_PERIODS, type OrgRefDto, type StatsPeriod } from '@finecity/types'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { PERIOD_CHIP, PERIOD_NAME, rateText, unitSummary } from '../../../../lib/stats'
import { shortTime } from '../../../../lib/time'
import { api } from '../../../../services/api'

/**
 * The leader's view of their scope: one aggregate request per period (GET /api/v1/stats/overview). A ranked
 * unit opens its own figures (a city leader looks into a district, then its streets); 返回上一级 goes back.
 */
export default function Dashboard() {
  const user = useRequiredUser('/packages/leader/pages/dashboard/index')
  const [period, setPeriod] = useState<StatsPeriod>('month')
  const [trail, setTrail] = useState<OrgRefDto[]>([])
  const node = trail[trail.length - 1]?.code
  const { data: s, error } = useRemote(() => api.statsOverview({ period, orgNodeCode: node }), !!user, [period, node])
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
          <View className='row'>
            <Text id='stats-scope' className='section-title'>{s.scope.name} · {PERIOD_NAME[s.period]}</Text>
            {trail.length > 0 && <Tap id='stats-up' className='link' onTap={() => setTrail(trail.slice(0, -1))}><Text>返回上一级</Text></Tap>}
          </View>
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
            {s.units.map((u, i) => {
              const row = (
                <>
                  <Text className='bar-row__name'>{i + 1}. {u.name}</Text>
                  <View className='bar' aria-hidden='true'>
                    <View className='bar__fill bar__fill--closed' style={{ width: `${u.onTimeRate ?? 0}%` }} />
                  </View>
                  <Text className='bar-row__num'>{rateText(u.onTimeRate)} · 办结 {u.closed}（按期 {u.closedOnTime}）· 上报 {u.reported}{u.overdue ? ` · 超时 ${u.overdue}` : ''}</Text>
                </>
              )
              // Grids have nothing below them: their row is read, not opened.
              return u.level === 'grid'
                ? <View key={u.code} className='bar-row' aria-label={unitSummary(u, i + 1)}>{row}</View>
                : <Tap key={u.code} id={`unit-${u.code}`} className='bar-row bar-row--open' onTap={() => setTrail([...trail, u])}>{row}</Tap>
            })}
          </View>
        </>
      )}
    </View>
  )
}
