import { Text, View } from '@tarojs/components'
import { useEffect, useMemo, useRef, useState } from 'react'
import type { AssessmentMapDto, BatchAction, BatchItemResult, CaseDto, ConsoleQueueKey, QueueCountsDto } from '@finecity/types'
import AppShell, { DESK_WIDTH } from '../../../../components/AppShell'
import CaseView from '../../../../components/CaseView'
import DeadlineBadge from '../../../../components/DeadlineBadge'
import { TextField } from '../../../../components/Field'
import StateChip from '../../../../components/StateChip'
import Tap from '../../../../components/Tap'
import EmptyState from '../../../../components/ui/EmptyState'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { dutyText, ROLE_LABEL } from '../../../../lib/labels'
import { shortTime } from '../../../../lib/time'
import { api, errorText } from '../../../../services/api'
import { IS_H5, nav, ui, windowWidth } from '../../../../services/platform'
import { session } from '../../../../services/session'
import ChannelNav from '../../ChannelNav'
import { consoleApi } from './console-api'
import FilterPanel from './FilterPanel'
import { commandFor } from './keymap'
import MapPane from './MapPane'
import { filterCount, listQuery, pageInfo, QUEUES, type Filters } from './queues'
import ShortcutHelp from './ShortcutHelp'
import '../../channels.scss'
import './index.scss'

/** How often the queue counts refresh by themselves (and after every action). */
const COUNTS_EVERY_MS = 30_000

const BATCH_TEXT: Record<BatchAction, { verb: string; done: string }> = {
  register: { verb: '批量受理', done: '已受理' },
  dispatch: { verb: '批量派遣', done: '已派遣' },
}

/** A failed item's reason in words (the server's codes, said for a dispatcher). */
export function batchErrorText(r: BatchItemResult): string {
  switch (r.error?.code) {
    case 'case.transition_not_allowed': return '当前状态不能办理（可能已被他人办理）'
    case 'case.version_conflict': return '案件已被他人更新，请刷新后再办理'
    case 'case.not_found': return '案件不存在或不在本辖区'
    case 'dispatch.target_invalid': return '只能派遣到本级及下级单位'
    case 'auth.forbidden': return '无权办理此案件'
    default: return r.error?.message ?? '办理失败'
  }
}

const WEEKDAY = ['日', '一', '二', '三', '四', '五', '六']
/** "12月3日 星期四" in Beijing time. */
export function todayText(now = new Date()): string {
  const d = new Date(now.getTime() + 8 * 3600_000)
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 星期${WEEKDAY[d.getUTCDay()]}`
}

interface BatchRun {
  action: BatchAction
  results: (BatchItemResult & { caseNo: string })[]
}

/**
 * The dispatcher's console. From 1280 px: three panes that scroll on their own (queue | case | map) under
 * a header with the user, the unit, today's duty and logout. On phones: the queue, and each case on its
 * own page (packages/staff/pages/task).
 */
export default function Console() {
  const user = useRequiredUser('/packages/staff/pages/console/index')
  const desk = IS_H5 && windowWidth() >= DESK_WIDTH
  const [queue, setQueue] = useState<ConsoleQueueKey>(QUEUES[0]!.key)
  const [q, setQ] = useState('')
  const [search, setSearch] = useState('')
  const [filters, setFilters] = useState<Filters>({})
  const [showFilters, setShowFilters] = useState(false)
  const [page, setPage] = useState(1)
  const [selected, setSelected] = useState<CaseDto | null>(null)
  const [checked, setChecked] = useState<Map<string, CaseDto>>(new Map())
  const [batch, setBatch] = useState<BatchRun | null>(null)
  const [batchBusy, setBatchBusy] = useState<BatchAction | null>(null)
  const [target, setTarget] = useState<{ code: string; name?: string }>({ code: '' })
  const [help, setHelp] = useState(false)
  const [home, setHome] = useState<AssessmentMapDto | null>(null)
  const current = QUEUES.find((x) => x.key === queue)!
  const query = listQuery(current, filters, search, page)
  const list = useRemote(() => (query ? consoleApi.list(query) : Promise.resolve({ items: [], total: 0, page: 1, pageSize: 50 })), !!user, [queue, search, JSON.stringify(filters), page])
  const [counts, setCounts] = useState<QueueCountsDto['counts'] | null>(null)
  const items = list.data?.items ?? []
  const info = pageInfo(list.data?.total ?? 0, page)

  const loadCounts = () => consoleApi.counts().then((r) => setCounts(r.counts), () => undefined)
  useEffect(() => {
    if (!user) return
    void loadCounts()
    const t = setInterval(() => void loadCounts(), COUNTS_EVERY_MS)
    return () => clearInterval(t)
  }, [!!user])
  useEffect(() => {
    if (!user || !desk) return
    consoleApi.outlines().then(setHome, () => setHome(null))
  }, [!!user])

  const open = async (c: Pick<CaseDto, 'id'>) => {
    if (!desk) return void nav.to(`/packages/staff/pages/task/index?id=${c.id}`)
    try {
      const full = await api.getCase(c.id)
      setSelected(full)
      setTarget({ code: '' })
    } catch (err) {
      ui.toast(errorText(err))
    }
  }
  const changed = (c: CaseDto) => {
    setSelected(c)
    setTarget({ code: '' })
    void list.reload()
    void loadCounts()
  }
  const switchQueue = (key: ConsoleQueueKey) => {
    setQueue(key)
    setPage(1)
    setSelected(null)
    setChecked(new Map())
  }
  const changeFilters = (f: Filters) => { setFilters(f); setPage(1) }
  const toggle = (c: CaseDto) => {
    const next = new Map(checked)
    if (next.has(c.id)) next.delete(c.id); else next.set(c.id, c)
    setChecked(next)
  }
  const allOnPage = items.length > 0 && items.every((c) => checked.has(c.id))
  const toggleAll = () => {
    const next = new Map(checked)
    if (allOnPage) items.forEach((c) => next.delete(c.id)); else items.forEach((c) => next.set(c.id, c))
    setChecked(next)
  }
  const runBatch = async (action: BatchAction) => {
    const chosen = [...checked.values()]
    if (!chosen.length) return void ui.toast('请先勾选案件')
    setBatchBusy(action)
    try {
      const res = await consoleApi.batch(action, chosen.map((c) => ({ caseId: c.id, version: c.version })))
      const byId = new Map(chosen.map((c) => [c.id, c]))
      const results = res.results.map((r) => ({ ...r, caseNo: r.caseNo ?? byId.get(r.caseId)?.caseNo ?? '' }))
      setBatch({ action, results })
      const failed = results.filter((r) => !r.ok)
      // The failures stay ticked, ready for another try or a look one by one.
      setChecked(new Map(failed.flatMap((r) => (byId.get(r.caseId) ? [[r.caseId, byId.get(r.caseId)!] as [string, CaseDto]] : []))))
      ui.toast(failed.length ? `${BATCH_TEXT[action].done} ${results.length - failed.length} 件，${failed.length} 件未办理` : `${BATCH_TEXT[action].done} ${results.length} 件`, failed.length ? 'none' : 'success')
      void list.reload()
      void loadCounts()
      if (selected && byId.has(selected.id)) void open(selected)
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBatchBusy(null)
    }
  }
  const resultOf = useMemo(() => new Map((batch?.results ?? []).map((r) => [r.caseId, r])), [batch])

  // Keyboard: j/k or ↓/↑ move through the queue, x ticks, letters press the action buttons, ? lists them.
  const keys = useRef<(e: KeyboardEvent) => void>(() => {})
  keys.current = (e: KeyboardEvent) => {
    if (help || document.querySelector('[aria-modal="true"]')) return
    const cmd = commandFor(e)
    if (!cmd) return
    e.preventDefault()
    const at = selected ? items.findIndex((c) => c.id === selected.id) : -1
    if (cmd.kind === 'next' || cmd.kind === 'prev') {
      const next = items[cmd.kind === 'next' ? Math.min(items.length - 1, at + 1) : Math.max(0, at - 1)]
      if (next && next.id !== selected?.id) {
        void open(next)
        document.getElementById(`row-${next.caseNo}`)?.scrollIntoView({ block: 'nearest' })
      }
    } else if (cmd.kind === 'select') {
      if (at >= 0) toggle(items[at]!)
    } else if (cmd.kind === 'search') {
      (document.querySelector('#console-search input') as HTMLElement | null)?.focus()
    } else if (cmd.kind === 'help') {
      setHelp(true)
    } else {
      const el = cmd.ids[0] === '__first-merge' ? document.querySelector<HTMLElement>('[id^="merge-"]') : document.getElementById(cmd.ids[0]!)
      if (!el || el.getAttribute('aria-disabled') === 'true') return void ui.toast('当前案件不能办理此操作')
      el.click()
      // A form that opened: its first field takes the focus.
      if (cmd.ids[0]!.startsWith('open-')) setTimeout(() => document.querySelector<HTMLElement>(`#form-${cmd.ids[0]!.slice(5)} [tabindex="0"], #form-${cmd.ids[0]!.slice(5)} textarea`)?.focus(), 50)
    }
  }
  useEffect(() => {
    if (!IS_H5 || !desk) return
    const h = (e: KeyboardEvent) => keys.current(e)
    document.addEventListener('keydown', h)
    return () => document.removeEventListener('keydown', h)
  }, [desk])

  const canDispatch = !!selected?.allowedActions?.includes('dispatch')
  const header = user && desk && (
    <View className='console-head'>
      <Text className='console-head__item'><Text className='console-head__name'>{user.name}</Text> · {home?.scope.name ?? ROLE_LABEL[user.roles[0]!]}</Text>
      <Text className='console-head__item console-head__duty'>{todayText()}{user.duty ? ` · ${dutyText(user.duty)}` : ' · 今日在岗'}</Text>
      <Tap id='console-help' className='console-head__btn' label='键盘快捷键' onTap={() => setHelp(true)}><Text aria-hidden='true'>?</Text></Tap>
      <Tap id='console-logout' className='console-head__btn console-head__btn--text' onTap={() => { session.logout(); void nav.relaunch('/pages/login/index') }}><Text>退出登录</Text></Tap>
    </View>
  )

  const queuePane = (
    <View className='console-queue'>
      {user && user.roles.some((r) => r === 'city' || r === 'district') && <ChannelNav current='console' user={user} />}
      <View className='console-tabs' role='tablist' aria-label='工作队列'>
        {QUEUES.map((x) => (
          <Tap key={x.key} id={`queue-${x.key}`} className={`console-tab ${x.key === queue ? 'console-tab--on' : ''}`} role='tab' selected={x.key === queue} onTap={() => switchQueue(x.key)}>
            <Text className='console-tab__label'>{x.label}</Text>
            <Text className='console-tab__count' id={`count-${x.key}`}>{counts ? counts[x.key] : '…'}</Text>
          </Tap>
        ))}
      </View>
      <View className='console-search'>
        <TextField id='console-search' label='搜索案件号、描述或地址' value={q} placeholder='如 DL2026 或 井盖' onChange={setQ} />
        <Tap id='console-search-go' className='btn btn--ghost action-btn action-btn--small' onTap={() => { setSearch(q.trim()); setPage(1) }}><Text>搜索</Text></Tap>
        <Tap id='console-filter-toggle' className={`btn btn--ghost action-btn action-btn--small ${showFilters ? 'action-btn--on' : ''}`} selected={showFilters} onTap={() => setShowFilters(!showFilters)}>
          <Text>筛选{filterCount(filters) ? `（${filterCount(filters)}）` : ''}</Text>
        </Tap>
      </View>
      {showFilters && <FilterPanel value={filters} onChange={changeFilters} />}
      {(search || filterCount(filters) > 0) && (
        <View className='console-active'>
          <Text className='muted'>{[search && `搜索“${search}”`, filterCount(filters) > 0 && `${filterCount(filters)} 项筛选`].filter(Boolean).join('，')}</Text>
          <Tap id='console-clear' className='link' onTap={() => { setSearch(''); setQ(''); changeFilters({}) }}><Text>全部清除</Text></Tap>
        </View>
      )}
      {desk && (
        <View className='console-batch' role='group' aria-label='批量办理'>
          <Tap id='select-all' role='checkbox' selected={allOnPage} className={`console-check ${allOnPage ? 'console-check--on' : ''}`} disabled={!items.length} onTap={toggleAll}>
            <View className='console-check__box' aria-hidden='true' />
            <Text>全选本页</Text>
          </Tap>
          <Text className='console-batch__count'>已选 {checked.size} 件</Text>
          <View className='console-batch__buttons'>
            <Tap id='batch-register' className='btn btn--primary action-btn action-btn--small' disabled={!checked.size || !!batchBusy} onTap={() => void runBatch('register')}>
              <Text>{batchBusy === 'register' ? '办理中…' : '批量受理'}</Text>
            </Tap>
            <Tap id='batch-dispatch' className='btn btn--primary action-btn action-btn--small' disabled={!checked.size || !!batchBusy} onTap={() => void runBatch('dispatch')}>
              <Text>{batchBusy === 'dispatch' ? '办理中…' : '批量派遣'}</Text>
            </Tap>
          </View>
        </View>
      )}
      {batch && (
        <View id='batch-results' className='console-results' role='region' aria-label='批量办理结果'>
          <View className='console-results__head'>
            <Text className='console-results__title'>
              {BATCH_TEXT[batch.action].verb}：成功 {batch.results.filter((r) => r.ok).length} 件{batch.results.some((r) => !r.ok) ? `，未办理 ${batch.results.filter((r) => !r.ok).length} 件` : ''}
            </Text>
            <Tap id='batch-results-close' className='link' onTap={() => setBatch(null)}><Text>收起</Text></Tap>
          </View>
          <View role='list'>
            {batch.results.map((r) => (
              <View key={r.caseId} id={`batch-result-${r.caseNo}`} role='listitem' className={`console-results__item ${r.ok ? 'is-ok' : 'is-failed'}`}>
                <Text className='console-results__no'>{r.caseNo}</Text>
                <Text className='console-results__text'>{r.ok ? BATCH_TEXT[batch.action].done : `未办理：${batchErrorText(r)}`}</Text>
              </View>
            ))}
          </View>
        </View>
      )}
      {list.error && <Text className='error'>{list.error}</Text>}
      <Text className='muted console-total' aria-live='polite'>{list.data ? `共 ${list.data.total} 件 · 按时限紧急程度排序` : '加载中…'}</Text>
      <View className='console-list' role='list' aria-label={`${current.label}案件`}>
        {items.map((c) => {
          const r = resultOf.get(c.id)
          return (
            <View key={c.id} id={`row-${c.caseNo}`} role='listitem' className={`console-row console-row--${c.deadline?.level ?? 'none'} ${selected?.id === c.id ? 'console-row--on' : ''}`}>
              {desk && (
                <Tap id={`select-${c.caseNo}`} role='checkbox' selected={checked.has(c.id)} label={`选择 ${c.caseNo}`} className={`console-check ${checked.has(c.id) ? 'console-check--on' : ''}`} onTap={() => toggle(c)}>
                  <View className='console-check__box' aria-hidden='true' />
                </Tap>
              )}
              <Tap className='console-row__main' onTap={() => void open(c)}>
                <View className='console-row__head'>
                  <Text className='console-row__title'>{c.category.name}</Text>
                  <StateChip state={c.state} />
                </View>
                <Text className='console-row__desc'>{c.description}</Text>
                <View className='console-row__meta'>
                  <Text className='console-row__no'>{c.caseNo}</Text>
                  <Text className='muted'>{shortTime(c.createdAt)}{c.grid ? ` · ${c.grid.name}` : ''}</Text>
                </View>
                <DeadlineBadge deadline={c.deadline} />
                {c.supervised && <Text className='chip chip--orange'>督办</Text>}
              </Tap>
              {r && <Text className={`console-row__result ${r.ok ? 'is-ok' : 'is-failed'}`}>{r.ok ? BATCH_TEXT[batch!.action].done : `未办理：${batchErrorText(r)}`}</Text>}
            </View>
          )
        })}
      </View>
      {list.data && !items.length && (
        <EmptyState title={search || filterCount(filters) ? '没有符合条件的案件' : `暂无${current.label}案件`}
          hint={search || filterCount(filters) ? '换个关键词，或清除筛选后再看' : '新的案件会自动出现在这里，队列计数每 30 秒刷新'}
          action={search || filterCount(filters) ? { label: '清除搜索和筛选', onTap: () => { setSearch(''); setQ(''); changeFilters({}) } } : undefined} />
      )}
      {info.pages > 1 && (
        <View className='console-pager' role='navigation' aria-label='翻页'>
          <Tap id='page-prev' className='btn btn--ghost action-btn action-btn--small' disabled={!info.prev} onTap={() => setPage(page - 1)}><Text>上一页</Text></Tap>
          <Text id='page-info' className='console-pager__text'>{info.text}</Text>
          <Tap id='page-next' className='btn btn--ghost action-btn action-btn--small' disabled={!info.next} onTap={() => setPage(page + 1)}><Text>下一页</Text></Tap>
        </View>
      )}
    </View>
  )

  if (!desk) {
    return (
      <AppShell title='调度台' tab='todo' className='console console--phone'>
        {queuePane}
      </AppShell>
    )
  }
  return (
    <AppShell title='调度台' tab='todo' desk actions={header} className='console console--desk'>
      <View className='console-panes'>
        <View id='pane-queue' className='console-pane console-pane--queue' role='region' aria-label='案件队列'>{queuePane}</View>
        <View id='pane-case' className='console-pane console-pane--case' role='region' aria-label='案件详情'>
          {selected ? (
            <CaseView c={selected} onChange={changed} target={target} onTarget={(code, name) => setTarget({ code, name })} />
          ) : (
            <EmptyState title='从左侧选择一个案件' hint='按 j / k 逐件查看，勾选多件可批量受理或派遣；按 ? 查看全部快捷键' />
          )}
        </View>
        <View id='pane-map' className='console-pane console-pane--map' role='region' aria-label='地图'>
          <MapPane home={home} items={items} selected={selected} target={target.code} canDispatch={canDispatch} onOpen={(id) => void open({ id })}
            onPickGrid={(code, name) => { setTarget({ code, name }); ui.toast(`派遣目标：${name}`) }} />
        </View>
      </View>
      {help && <ShortcutHelp onClose={() => setHelp(false)} />}
    </AppShell>
  )
}
