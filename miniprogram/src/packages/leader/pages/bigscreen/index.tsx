import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { TREND_PERIODS, type OrgRefDto, type TrendPeriod } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import Tap from '../../../../components/Tap'
import { useRequiredUser } from '../../../../hooks/use-session'
import { rateText } from '../../../../lib/stats'
import { MapPanel, RankingPanel, TrendPanel, IndicatorTable } from '../../components/Panels'
import { DARK } from '../../components/chart-options'
import { PERIOD_CHIP, PERIOD_NAME } from '../../labels'
import { useLeaderData } from '../../use-leader-data'
import '../../leader.scss'
import './index.scss'

const pad = (n: number) => String(n).padStart(2, '0')
/** The wall clock in Beijing time (UTC+8), as people read it. */
function beijingNow(now: Date): string {
  const b = new Date(now.getTime() + 8 * 3_600_000)
  return `${b.getUTCFullYear()}年${b.getUTCMonth() + 1}月${b.getUTCDate()}日 ${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}`
}

/**
 * The command centre's big screen (issue 10, item 7): 1920×1080, dark, no scrolling — headline figures and
 * the four panels, reloaded every minute. A region tap looks into it, as on the dashboard.
 */
export default function BigScreen() {
  const user = useRequiredUser('/packages/leader/pages/bigscreen/index')
  const [period, setPeriod] = useState<TrendPeriod>('month')
  const [trail, setTrail] = useState<OrgRefDto[]>([])
  const [now, setNow] = useState(new Date())
  useEffect(() => {
    const t = setInterval(() => setNow(new Date()), 15_000)
    return () => clearInterval(t)
  }, [])
  const d = useLeaderData(!!user, period, trail[trail.length - 1], 60_000)
  const s = d.stats
  const heads: [string, string, boolean?][] = s
    ? [['今日新增', String(s.today.reported)], ['今日办结', String(s.today.closed)], ['当前在办', String(s.figures.open)], ['超时未办', String(s.figures.overdue), true],
      [`${PERIOD_NAME[period]}上报`, String(s.figures.reported)], [`${PERIOD_NAME[period]}按期结案率`, rateText(s.figures.onTimeRate)]]
    : []
  return (
    <AppShell title='指挥中心大屏' tab='bigscreen' className='bigscreen-page'>
      <View className='bigscreen'>
      <View className='bigscreen__top'>
        <Text className='bigscreen__title' id='bigscreen-title'>{s ? `${s.scope.name}城市精细化管理指挥中心` : '城市精细化管理指挥中心'}</Text>
        <View className='chips' role='tablist' aria-label='统计周期'>
          {TREND_PERIODS.map((p) => (
            <Tap key={p} id={`period-${p}`} className={`chip chip--choice ${p === period ? 'chip--on' : ''}`} role='tab' selected={p === period} label={`按${PERIOD_CHIP[p]}统计`} onTap={() => setPeriod(p)}><Text>{PERIOD_CHIP[p]}</Text></Tap>
          ))}
        </View>
        <Text className='bigscreen__clock'>{beijingNow(now)} · 每分钟自动刷新</Text>
      </View>
      <View className='bigscreen__heads'>
        {heads.map(([name, value, warn]) => (
          <View key={name} className={`bighead ${warn ? 'bighead--warn' : ''}`} aria-label={`${name} ${value}`}><Text className='bighead__num'>{value}</Text><Text className='bighead__name'>{name}</Text></View>
        ))}
      </View>
      <View className='bigscreen__grid'>
        <TrendPanel trend={d.trend} palette={DARK} font={16} error={d.errors.trend} />
        <MapPanel map={d.map} palette={DARK} font={16} error={d.errors.map} onDrill={(f) => setTrail([...trail, { code: f.properties.code, name: f.properties.name, level: f.properties.level }])} onUp={trail.length ? () => setTrail(trail.slice(0, -1)) : undefined} />
        <RankingPanel card={d.scorecard} palette={DARK} font={16} error={d.errors.scorecard} />
        <IndicatorTable card={d.scorecard} error={d.errors.scorecard} limit={8} />
      </View>
      </View>
    </AppShell>
  )
}
