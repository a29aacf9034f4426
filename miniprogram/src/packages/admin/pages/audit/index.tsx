import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { AuditEntryDto, StaffDto } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import { TextField } from '../../../../components/Field'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { ui } from '../../../../services/platform'
import AdminNav, { AdminTitle, Cell, Pager } from '../../AdminNav'
import { adminApi, AUDIT_PAGE_SIZE } from '../../api'
import { actionText, actorText, beijingTime, entityText, snapshotText } from '../../labels'
import StaffPicker from '../../StaffPicker'
import '../../admin.scss'

const ENTITIES = [
  { key: '', label: '全部' },
  { key: 'user', label: '人员' },
  { key: 'case', label: '案件' },
  { key: 'duty', label: '排班' },
  { key: 'calendar', label: '工作日历' },
  { key: 'category', label: '类别与时限' },
  { key: 'org_node', label: '网格' },
] as const
type EntityKey = (typeof ENTITIES)[number]['key']

const DAY = /^\d{4}-\d{2}-\d{2}$/

/** Which thing the line is about, in words: the person's name, the rota's unit and month, the calendar year. */
function subject(e: AuditEntryDto): string {
  const named = e.entityName ?? [e.after, e.before].map((v) => (v && typeof v === 'object' && 'name' in v ? String((v as { name: unknown }).name) : null)).find(Boolean)
  if (e.entityType === 'user') return named ? `人员 ${named}` : '人员'
  if (e.entityType === 'duty' && e.entityId) {
    const [unit, month] = e.entityId.split(':')
    return `排班 ${unit ?? ''}${month ? ` · ${month.replace('-', ' 年 ')} 月` : ''}`
  }
  if (e.entityType === 'calendar' && e.entityId) return `工作日历 ${e.entityId} 年`
  const caseNo = [e.after, e.before].map((v) => (v && typeof v === 'object' && 'caseNo' in v ? String((v as { caseNo: unknown }).caseNo) : null)).find(Boolean)
  if (e.entityType === 'case' && caseNo) return `案件 ${caseNo}`
  return named ? `${entityText(e.entityType)} ${named}` : entityText(e.entityType)
}

/** 审计日志: who changed what, newest first, in Beijing time and in words. */
export default function AuditLog() {
  const user = useRequiredUser('/packages/admin/pages/audit/index')
  const [entity, setEntity] = useState<EntityKey>('')
  const [from, setFrom] = useState('')
  const [to, setTo] = useState('')
  const [range, setRange] = useState<{ from?: string; to?: string }>({})
  const [actor, setActor] = useState<StaffDto | null>(null)
  const [page, setPage] = useState(1)
  const list = useRemote(() => adminApi.audit({ actor: actor?.id, entity: entity || undefined, ...range, page, pageSize: AUDIT_PAGE_SIZE }), !!user, [actor, entity, range, page])
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / AUDIT_PAGE_SIZE)) : 1

  const apply = () => {
    const f = from.trim()
    const t = to.trim()
    if ((f && !DAY.test(f)) || (t && !DAY.test(t))) return void ui.toast('日期请按 2026-12-01 的格式填写')
    setRange({ from: f || undefined, to: t || undefined })
    setPage(1)
  }

  return (
    <AppShell title='审计日志' className='admin'>
      <AdminNav current='audit' />
      <AdminTitle>审计日志</AdminTitle>
      <View className='chips' role='tablist' aria-label='对象类型'>
        {ENTITIES.map((x) => (
          <Tap key={x.key || 'all'} id={`entity-${x.key || 'all'}`} className={`chip chip--choice ${entity === x.key ? 'chip--on' : ''}`} role='tab' selected={entity === x.key}
            onTap={() => { setEntity(x.key); setPage(1) }}>
            <Text>{x.label}</Text>
          </Tap>
        ))}
      </View>
      <View className='admin-toolbar'>
        <View className='audit-actor'>
          <StaffPicker id='audit-actor' label='操作人' value={actor} placeholder='输入姓名或完整手机号，只看此人的操作' onChange={(s) => { setActor(s); setPage(1) }} />
        </View>
      </View>
      <View className='admin-toolbar'>
        <TextField id='audit-from' label='开始日期' value={from} placeholder='2026-12-01' maxlength={10} onChange={setFrom} />
        <TextField id='audit-to' label='结束日期' value={to} placeholder='2026-12-31' maxlength={10} onChange={setTo} />
        <Tap id='audit-apply' className='btn btn--primary' onTap={apply}><Text>筛选</Text></Tap>
      </View>

      <Text className='admin-count'>{list.data && !list.loading ? `${actor ? `${actor.name}的操作：` : ''}共 ${list.data.total} 条记录（北京时间）` : '加载中…'}</Text>
      {list.error && <Text className='error'>{list.error}</Text>}
      {list.data && (
        <View className='admin-table' role='table' aria-label='审计日志'>
          <View className='admin-row admin-row--head' role='row'>
            <Cell role='columnheader'>时间</Cell>
            <Cell role='columnheader'>操作人</Cell>
            <Cell role='columnheader'>操作</Cell>
            <Cell role='columnheader'>对象</Cell>
            <Cell className='admin-cell--wide' role='columnheader'>变更前</Cell>
            <Cell className='admin-cell--wide' role='columnheader'>变更后</Cell>
          </View>
          {list.data.items.map((e) => (
            <View key={e.id} className='admin-row' role='row'>
              <Cell>{beijingTime(e.at)}</Cell>
              <Cell><Text className='admin-cell__label'>操作人</Text>{actorText(e)}</Cell>
              <Cell className='admin-cell--strong'>{actionText(e.action)}</Cell>
              <Cell><Text className='admin-cell__label'>对象</Text>{subject(e)}</Cell>
              <Cell className='admin-cell--wide'><Text className='admin-cell__label'>变更前</Text>{snapshotText(e.before, e.entityType)}</Cell>
              <Cell className='admin-cell--wide'>
                <Text className='admin-cell__label'>变更后</Text>{snapshotText(e.after, e.entityType)}{e.note ? `（备注：${e.note}）` : ''}
              </Cell>
            </View>
          ))}
          {!list.data.items.length && <View className='admin-row' role='row'><Cell className='muted'>{actor ? `${actor.name}在这段时间没有操作记录` : '这段时间没有记录'}</Cell></View>}
        </View>
      )}
      {list.data && <Pager page={page} pages={pages} onPage={setPage} />}
    </AppShell>
  )
}
