import { useEffect, useState } from 'react'
import type { AssessmentMapDto, AssessmentTrendDto, OrgRefDto, ScorecardDto, StatsOverviewDto, TrendPeriod } from '@finecity/types'
import { api, errorText } from '../../services/api'
import { leaderApi } from './api'
import { LEVEL_BELOW } from './labels'

export interface LeaderData {
  stats: StatsOverviewDto | null
  trend: AssessmentTrendDto | null
  map: AssessmentMapDto | null
  scorecard: ScorecardDto | null
  /** Per panel, so one failing source leaves the others on screen. */
  errors: Partial<Record<'stats' | 'trend' | 'map' | 'scorecard', string>>
  loadedAt: number
}

const EMPTY: LeaderData = { stats: null, trend: null, map: null, scorecard: null, errors: {}, loadedAt: 0 }

async function settle<T>(p: Promise<T>): Promise<{ v: T | null; e?: string }> {
  try {
    return { v: await p }
  } catch (err) {
    return { v: null, e: errorText(err) }
  }
}

/**
 * Everything the leader's pages draw for one node and period, fetched together: the figures, the trend,
 * the map of the units below, and their scorecard (level one below the node). `refreshMs` reloads it.
 */
export function useLeaderData(enabled: boolean, period: TrendPeriod, node: OrgRefDto | undefined, refreshMs = 0): LeaderData {
  const [data, setData] = useState<LeaderData>(EMPTY)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    if (!refreshMs) return undefined
    const t = setInterval(() => setTick((n) => n + 1), refreshMs)
    return () => clearInterval(t)
  }, [refreshMs])
  useEffect(() => {
    if (!enabled) return undefined
    let gone = false
    void (async () => {
      const [stats, trend, map] = await Promise.all([
        settle(api.statsOverview({ period, orgNodeCode: node?.code })), settle(leaderApi.trend(period, node?.code)), settle(leaderApi.map(node?.code)),
      ])
      const level = LEVEL_BELOW[node?.level ?? map.v?.scope.level ?? stats.v?.scope.level ?? 'grid']
      const scorecard = level ? await settle(leaderApi.scorecards(period, level, node?.code)) : { v: null }
      if (gone) return
      setData({
        stats: stats.v, trend: trend.v, map: map.v, scorecard: scorecard.v,
        errors: { stats: stats.e, trend: trend.e, map: map.e, scorecard: scorecard.e },
        loadedAt: Date.now(),
      })
    })()
    return () => { gone = true }
  }, [enabled, period, node?.code, tick])
  return data
}
