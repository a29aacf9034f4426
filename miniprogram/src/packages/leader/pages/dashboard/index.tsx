import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { TREND_PERIODS, type OrgRefDto, type TrendPeriod } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import Tap from '../../../../components/Tap'
import { useRequiredUser } from '../../../../hooks/use-session'
import { rateText } from '../../../../lib/stats'
import { shortTime } from '../../../../lib/time'
import { nav } from '../../../../services/platform'
import { IndicatorTable, MapPanel, RankingPanel, TrendPanel } from '../../components/Panels'
import { LIGHT } from '../../components/chart-options'
import { PERIOD_CHIP, PERIOD_NAME } from '../../labels'
import { useLeaderData } from '../../use-leader-data'
import '../../leader.scss'

/**
 * The leader's dashboard (issue 10, item 7): headline figures, the trend of reported and closed cases, the
 * map of the units below by open or overdue cases (tap a region to look into it; 返回上一级 goes back), the
 * ranking by 综合指标值 and the indicator table. ECharts in H5; the same figures as tables in the weapp.
 */
export default function Dashboard() {
  const user = useRequiredUser('/packages/leader/pages/dashboard/index')
  const [period, setPeriod] = useState<TrendPeriod>('month')
  const [trail, setTrail] = useState<OrgRefDto[]>([])
  const node = trail[trail.length - 1]
  const d = useLeaderData(!!user, period, node)
  const s = d.stats
  const up = trail.length > 0 ? () => setTrail(trail.slice(0, -1)) : undefined
  return (
    <AppShell title='数据看板' tab='leader' className='leader'>
      <View className='leader__head'>
        <Text id='leader-scope' className='leader__title'>{s ? `${s.scope.name} · ${PERIOD_NAME[period]}` : '数据看板'}</Text>
        <View className='chips' role='tablist' aria-label='统计周期'>
          {TREND_PERIODS.map((p) => (
            <Tap key={p} id={`period-${p}`} className={`chip chip--choice ${p === period ? 'chip--on' : ''}`} role='tab' selected={p === period} label={`按${PERIOD_CHIP[p]}统计`} onTap={() => setPeriod(p)}>
              <Text>{PERIOD_CHIP[p]}</Text>
            </Tap>
          ))}
        </View>
        <View className='chips'>
          {up && <Tap id='stats-up' className='link' onTap={up}><Text>返回上一级</Text></Tap>}
          {process.env.TARO_ENV === 'h5' && <Tap id='open-bigscreen' className='link' onTap={() => void nav.to('/packages/leader/pages/bigscreen/index')}><Text>大屏模式</Text></Tap>}
        </View>
      </View>
      {d.errors.stats && <Text className='error'>{d.errors.stats}</Text>}
      {s && (
        <View className='stats'>
          <View className='stat' aria-label={`今日新增 ${s.today.reported} 件`}><Text className='stat__num'>{s.today.reported}</Text><Text className='muted'>今日新增</Text></View>
          <View className='stat' aria-label={`今日办结 ${s.today.closed} 件`}><Text className='stat__num'>{s.today.closed}</Text><Text className='muted'>今日办结</Text></View>
          <View className='stat' aria-label={`当前在办 ${s.figures.open} 件`}><Text className='stat__num'>{s.figures.open}</Text><Text className='muted'>当前在办</Text></View>
          <View className='stat stat--warn' aria-label={`超时未办 ${s.figures.overdue} 件`}><Text className='stat__num'>{s.figures.overdue}</Text><Text className='muted'>超时未办</Text></View>
          <View className='stat' aria-label={`${PERIOD_NAME[period]}按期结案率 ${s.figures.onTimeRate === null ? '暂无' : `${s.figures.onTimeRate}%`}`}>
            <Text className='stat__num'>{rateText(s.figures.onTimeRate)}</Text><Text className='muted'>按期结案率</Text>
          </View>
        </View>
      )}
      <View className='leader__grid'>
        <TrendPanel trend={d.trend} palette={LIGHT} error={d.errors.trend} />
        <MapPanel map={d.map} palette={LIGHT} error={d.errors.map} onDrill={(f) => setTrail([...trail, { code: f.properties.code, name: f.properties.name, level: f.properties.level }])} onUp={up} />
        <RankingPanel card={d.scorecard} palette={LIGHT} error={d.errors.scorecard} />
        <IndicatorTable card={d.scorecard} error={d.errors.scorecard} />
      </View>
      {s && <Text className='muted'>数据截至 {shortTime(s.asOf)}</Text>}
    </AppShell>
  )
}
