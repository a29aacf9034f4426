import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { useState } from 'react'
import type { CompanyMonthDto } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { has } from '../../../../lib/roles'
import { shortTime } from '../../../../lib/time'
import { windowWidth } from '../../../../services/platform'
import { companyApi } from '../../company-api'
import './company.scss'

const pad = (n: number) => String(n).padStart(2, '0')
/** 'YYYY-MM' of the month `back` months before the current one (the viewer's clock; Dalian users are on UTC+8). */
function monthKey(back: number): string {
  const d = new Date()
  d.setDate(1)
  d.setMonth(d.getMonth() - back)
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`
}
const monthLabel = (m: string) => `${Number(m.slice(0, 4))}年${Number(m.slice(5))}月`
const rate = (v: number | null) => (v === null ? '—' : `${v}%`)

function Figures({ m }: { m: CompanyMonthDto }) {
  const items: [string, string, boolean?][] = [
    ['发现量', `${m.finds}`], ['复核量（立案）', `${m.confirmed}`], ['有效率', rate(m.validRate)], ['办结量', `${m.closed}`],
    ['覆盖率', rate(m.coverageRate)], ['漏查', `${m.missed}`, m.missed > 0], ['综合得分', m.score === null ? '—' : `${m.score}`],
  ]
  return (
    <View className='stats'>
      {items.map(([label, value, warn]) => (
        <View key={label} className={`stat ${warn ? 'stat--warn' : ''}`}>
          <Text className='stat__num'>{value}</Text>
          <Text className='muted'>{label}</Text>
        </View>
      ))}
    </View>
  )
}

/**
 * 月评估 of a third-party inspection company (issue 11, item 4): the month's figures from the scorecard engine,
 * coverage per contracted grid, and the 漏查 list the 执法部门 checks. A company's inspector sees their own
 * company; city and district staff, leaders, enforcement and admins pick one (`?id=`).
 */
export default function CompanyMonth() {
  const user = useRequiredUser('/packages/staff/pages/company/index')
  const params = useRouter().params
  const [month, setMonth] = useState(params.month ?? monthKey(0))
  const reader = has(user, ['city', 'district', 'leader', 'enforcement', 'admin'])
  const own = has(user, ['third_party'])
  const companies = useRemote(async () => (own && !reader ? [await companyApi.mine()] : companyApi.list()), !!user && (own || reader))
  const [picked, setPicked] = useState<string | null>(params.id ?? null)
  const id = picked ?? companies.data?.[0]?.id ?? null
  const data = useRemote(() => companyApi.month(id!, month), !!id, [id, month])
  const wide = windowWidth() >= 960
  if (!user) return <View className='page' />
  const m = data.data
  return (
    <AppShell title='第三方巡查月评估' className={`company-month ${wide ? 'company-month--wide' : ''}`}>
      {!own && !reader && <Text className='error'>当前账号不能查看第三方巡查公司</Text>}
      {(companies.error || data.error) && <Text className='error'>{companies.error ?? data.error}</Text>}
      <View className='company-month__head'>
        <Text className='company-month__title'>{m ? m.name : '第三方巡查公司'}</Text>
        <Text className='muted'>{m ? `月评估 · ${m.label}${m.published ? '（已公布）' : '（实时数据，未公布）'}` : '加载中…'}</Text>
      </View>
      {(companies.data?.length ?? 0) > 1 && (
        <View className='company-month__months' role='tablist' aria-label='选择公司'>
          {companies.data!.map((c) => (
            <Tap key={c.id} id={`company-${c.id}`} className={`chip ${c.id === id ? 'chip--on' : ''}`} label={c.name} onTap={() => setPicked(c.id)}>
              <Text>{c.name}</Text>
            </Tap>
          ))}
        </View>
      )}
      <View className='company-month__months'>
        {[0, 1, 2].map((b) => (
          <Tap key={b} id={`month-${monthKey(b)}`} className={`chip ${monthKey(b) === month ? 'chip--on' : ''}`} label={monthLabel(monthKey(b))} onTap={() => setMonth(monthKey(b))}>
            <Text>{monthLabel(monthKey(b))}</Text>
          </Tap>
        ))}
      </View>
      {m && <Figures m={m} />}
      {m && (
        <View className='company-month__cols'>
          <View className='section card' id='company-coverage'>
            <Text className='section-title'>合同网格巡查覆盖（{m.grids.length} 个网格）</Text>
            {m.grids.map((g) => (
              <View key={g.gridCode} className='company-month__grid'>
                <Text>{g.gridName}</Text>
                <Text className='muted'>巡查 {g.daysVisited}/{g.daysDue} 天 · 发现 {g.finds} 件</Text>
              </View>
            ))}
          </View>
          <View className='section card' id='company-missed'>
            <Text className='section-title'>漏查（{m.missedCases.length} 件）</Text>
            <Text className='muted'>执法巡查、市民或 12345 在合同网格、巡查时段内上报，公司此前未上报同网格同类问题</Text>
            {!m.missedCases.length && <Text className='muted'>本月没有漏查</Text>}
            {m.missedCases.map((c) => (
              <View key={c.caseId} className='company-month__missed'>
                <View className='company-month__missed-head'>
                  <Text className='case-card__title'>{c.caseNo}</Text>
                  <Text className='chip chip--orange'>{c.sourceLabel}</Text>
                </View>
                <Text className='muted'>{c.categoryName} · {c.gridName} · {shortTime(c.reportedAt)}</Text>
              </View>
            ))}
          </View>
        </View>
      )}
    </AppShell>
  )
}
