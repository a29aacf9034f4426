import { Text, View } from '@tarojs/components'
import type { CaseDto, UserDto } from '@finecity/types'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { computeFigures } from '../../../../lib/dashboard'
import { api } from '../../../../services/api'

/** Cases read for the figures: 5 pages of 100, newest first (the API has no aggregate endpoint yet). */
const MAX_PAGES = 5

async function scopeCases(): Promise<{ items: CaseDto[]; total: number }> {
  const items: CaseDto[] = []
  let total = 0
  for (let page = 1; page <= MAX_PAGES; page++) {
    const p = await api.listCases({ page, pageSize: 100 })
    total = p.total
    items.push(...p.items)
    if (items.length >= p.total || !p.items.length) break
  }
  return { items, total }
}

function viewerLevel(u: UserDto | null): 'city' | 'district' | 'street' | 'community' | 'other' {
  const code = u?.orgNodeCode ?? ''
  if (code.length === 6) return code.endsWith('00') ? 'city' : 'district'
  if (code.length === 9) return 'street'
  if (code.length === 11) return 'community'
  return 'other'
}

export default function Dashboard() {
  const user = useRequiredUser('/packages/leader/pages/dashboard/index')
  const { data, error } = useRemote(scopeCases, !!user)
  const f = data ? computeFigures(data.items, viewerLevel(user)) : null
  const max = Math.max(1, ...(f?.units.map((u) => u.total) ?? []))
  return (
    <View className='page dashboard'>
      {error && <Text className='error'>{error}</Text>}
      {f && (
        <>
          <View className='stats'>
            <View className='stat' aria-label={`今日新增 ${f.todayNew}`}><Text className='stat__num'>{f.todayNew}</Text><Text className='muted'>今日新增</Text></View>
            <View className='stat' aria-label={`今日办结 ${f.todayClosed}`}><Text className='stat__num'>{f.todayClosed}</Text><Text className='muted'>今日办结</Text></View>
            <View className='stat stat--warn' aria-label={`超时 ${f.overdue}`}><Text className='stat__num'>{f.overdue}</Text><Text className='muted'>超时未办</Text></View>
            <View className='stat' aria-label={`按期结案率 ${f.onTimeRate ?? '暂无'}`}><Text className='stat__num'>{f.onTimeRate === null ? '—' : `${f.onTimeRate}%`}</Text><Text className='muted'>按期结案率</Text></View>
          </View>
          <Text className='muted'>在办 {f.open} 件，已办结 {f.closed} 件{data && data.total > data.items.length ? `（按最近 ${data.items.length} 件统计，共 ${data.total} 件）` : ''}</Text>
          <View className='card'>
            <Text className='section-title'>下级单位排名（按期结案率）</Text>
            {!f.units.length && <Text className='muted'>暂无数据</Text>}
            {f.units.map((u, i) => (
              <View key={u.code} className='bar-row' aria-label={`第 ${i + 1} 名 ${u.name}，案件 ${u.total} 件，按期结案率 ${u.onTimeRate ?? '暂无'}`}>
                <Text className='bar-row__name'>{i + 1}. {u.name}</Text>
                <View className='bar'>
                  <View className='bar__fill' style={{ width: `${Math.round((u.total / max) * 100)}%` }} />
                  <View className='bar__fill bar__fill--closed' style={{ width: `${Math.round((u.closed / max) * 100)}%` }} />
                </View>
                <Text className='bar-row__num'>{u.closed}/{u.total} · {u.onTimeRate === null ? '—' : `${u.onTimeRate}%`}{u.overdue ? ` · 超时 ${u.overdue}` : ''}</Text>
              </View>
            ))}
          </View>
        </>
      )}
    </View>
  )
}
