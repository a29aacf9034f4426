import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { StaffDto, StaffImportResultDto } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import { TextField } from '../../../../components/Field'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { pickFile, ui, type PickedFile } from '../../../../services/platform'
import AdminNav, { AdminTitle, Cell, Pager, useBusyRun } from '../../AdminNav'
import { adminApi, STAFF_PAGE_SIZE } from '../../api'
import { STAFF_STATUS_LABEL, STAFF_STATUS_TONE, rolesText } from '../../labels'
import '../../admin.scss'

const STATUSES = [
  { key: '', label: '全部' },
  { key: 'invited', label: '待激活' },
  { key: 'active', label: '已激活' },
  { key: 'deactivated', label: '已停用' },
] as const
type StatusKey = (typeof STATUSES)[number]['key']

const INVITATIONS = { sent: '激活短信已发送给新人员。', failed: '部分激活短信发送失败，可在名单中“重新发送邀请”。', none: '' } as const

/** The import's counts in words: what the good rows do, or would do. */
function countsText(r: StaffImportResultDto, done: boolean): string {
  const verb = done ? '已' : '将'
  return `${verb}新建 ${r.created} 人，${verb}更新 ${r.updated} 人，无变化 ${r.unchanged} 人`
}

/** 人员管理: the admin's roster — search, filters, paging; import (dry run, then confirm), template, export, invite, deactivate. */
export default function StaffAdmin() {
  const user = useRequiredUser('/packages/admin/pages/staff/index')
  const [q, setQ] = useState('')
  const [unit, setUnit] = useState('')
  const [filter, setFilter] = useState<{ q: string; unit: string }>({ q: '', unit: '' })
  const [status, setStatus] = useState<StatusKey>('')
  const [page, setPage] = useState(1)
  const [file, setFile] = useState<PickedFile | null>(null)
  const [report, setReport] = useState<StaffImportResultDto | null>(null)
  const { busy, run } = useBusyRun()
  const [confirming, setConfirming] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  const query = { q: filter.q || undefined, orgNodeCode: filter.unit || undefined, status: status || undefined }
  const list = useRemote(() => adminApi.staff({ ...query, page, pageSize: STAFF_PAGE_SIZE }), !!user, [filter, status, page])
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / STAFF_PAGE_SIZE)) : 1

  const search = () => {
    setFilter({ q: q.trim(), unit: unit.trim() })
    setPage(1)
  }
  const choose = () => run(async () => {
    const f = await pickFile('spreadsheet')
    if (!f) return
    setFile(f)
    setReport(null)
    setReport(await adminApi.importStaff(f, true))
  })
  const commit = (partial: boolean) => run(async () => {
    if (!file) return
    const r = await adminApi.importStaff(file, false, partial)
    setReport(r)
    if (r.committed) {
      ui.toast('导入完成', 'success')
      setFile(null)
      await list.reload()
    }
  })
  const download = (fn: () => Promise<string | null>) => run(async () => {
    const err = await fn()
    if (err) ui.toast(err)
  })
  const invite = (s: StaffDto) => run(async () => {
    const r = await adminApi.invite(s.id)
    ui.toast(r.smsSent ? `已向 ${s.name} 发送新激活码，有效期至 ${r.expiresAtText}` : '激活码已生成，但短信发送失败，请稍后重试')
  })
  const deactivate = (s: StaffDto) => run(async () => {
    const r = await adminApi.deactivate(s.id, reason.trim() || undefined)
    setConfirming(null)
    setReason('')
    ui.toast(r.handedOver ? `已停用 ${s.name}，${r.handedOver} 件在办案件已移交社区` : `已停用 ${s.name}`, 'success')
    await list.reload()
  })

  const done = report?.committed ?? false
  return (
    <AppShell title='人员管理' tab='admin' className='admin'>
      <AdminNav current='staff' />
      <AdminTitle>人员管理</AdminTitle>

      <View className='card'>
        <Text className='section-title'>导入名单</Text>
        <Text className='muted'>上传 Excel（.xlsx）或 CSV：先检查每一行，确认无误后再导入。新人员会收到激活短信。</Text>
        <View className='admin-actions'>
          <Tap id='import-pick' className='btn btn--primary' disabled={busy} onTap={choose}><Text>选择文件并检查</Text></Tap>
          <Tap id='template-download' className='btn btn--ghost' disabled={busy} onTap={() => download(adminApi.template)}><Text>下载导入模板</Text></Tap>
          <Tap id='staff-export' className='btn btn--ghost' disabled={busy} onTap={() => download(() => adminApi.exportStaff(query))}><Text>导出名单</Text></Tap>
        </View>
        {report && (
          <View id='import-report' className={`card import-report ${report.errors.length ? 'import-report--bad' : ''}`} role='status'>
            <Text className='section-title'>{done ? '导入完成' : '检查结果'}{file ? `：${file.name}` : ''}</Text>
            <Text>{countsText(report, done)}</Text>
            {done && INVITATIONS[report.invitations] && <Text className='muted'>{INVITATIONS[report.invitations]}</Text>}
            {report.errors.length > 0 && (
              <View role='list' aria-label='有问题的行'>
                <Text className='error'>有 {report.errors.length} 处问题，请修改文件后重新选择：</Text>
                {report.errors.map((e, i) => (
                  <View key={`${e.row}-${e.column ?? ''}-${i}`} className='import-error' role='listitem'>
                    <Text className='import-error__where'>第 {e.row} 行{e.column ? ` · ${e.column}` : ''}</Text>
                    <Text>{e.message}</Text>
                  </View>
                ))}
              </View>
            )}
            {!done && !report.errors.length && (report.created + report.updated > 0) && (
              <Tap id='import-confirm' className='btn btn--primary' disabled={busy} onTap={() => commit(false)}><Text>确认导入</Text></Tap>
            )}
            {!done && report.errors.length > 0 && report.created + report.updated > 0 && (
              <Tap id='import-partial' className='btn btn--ghost' disabled={busy} onTap={() => commit(true)}>
                <Text>跳过有问题的行，只导入其余 {report.created + report.updated} 人</Text>
              </Tap>
            )}
            {!done && !report.errors.length && report.created + report.updated === 0 && <Text className='muted'>文件中的人员与现有名单一致，无需导入。</Text>}
          </View>
        )}
      </View>

      <View className='admin-toolbar'>
        <TextField id='staff-search' label='姓名或完整手机号' value={q} placeholder='如 张三 或 13800138000' onChange={setQ} />
        <TextField id='staff-unit' label='单位编码（含下级）' value={unit} placeholder={user?.orgNodeCode ?? ''} onChange={setUnit} />
        <Tap id='staff-search-go' className='btn btn--primary' onTap={search}><Text>查询</Text></Tap>
      </View>
      <View className='chips' role='tablist' aria-label='人员状态'>
        {STATUSES.map((s) => (
          <Tap key={s.key || 'all'} id={`status-${s.key || 'all'}`} className={`chip chip--choice ${status === s.key ? 'chip--on' : ''}`} role='tab' selected={status === s.key}
            onTap={() => { setStatus(s.key); setPage(1) }}>
            <Text>{s.label}</Text>
          </Tap>
        ))}
      </View>

      <Text className='admin-count'>{list.data ? `共 ${list.data.total} 人` : '加载中…'}</Text>
      {list.error && <Text className='error'>{list.error}</Text>}
      {list.data && (
        <View className='admin-table' role='table' aria-label='人员名单'>
          <View className='admin-row admin-row--head' role='row'>
            <Cell role='columnheader'>姓名</Cell>
            <Cell role='columnheader'>手机号</Cell>
            <Cell role='columnheader'>角色</Cell>
            <Cell className='admin-cell--wide' role='columnheader'>单位</Cell>
            <Cell role='columnheader'>状态</Cell>
            <Cell className='admin-cell--actions' role='columnheader'>操作</Cell>
          </View>
          {list.data.items.map((s) => (
            <View key={s.id} className='admin-row' role='row'>
              <Cell className='admin-cell--strong'>{s.name}</Cell>
              <Cell><Text className='admin-cell__label'>手机</Text>{s.mobile ?? '未登记'}</Cell>
              <Cell><Text className='admin-cell__label'>角色</Text>{rolesText(s.roles)}{s.post ? ` · ${s.post} 岗` : ''}</Cell>
              <Cell className='admin-cell--wide'><Text className='admin-cell__label'>单位</Text>{s.orgNodeName ?? '—'}</Cell>
              <View className='admin-cell' role='cell'><Text className={`chip chip--${STAFF_STATUS_TONE[s.status]}`}>{STAFF_STATUS_LABEL[s.status]}</Text></View>
              <View className='admin-cell admin-cell--actions' role='cell'>
                {s.status === 'invited' && <Tap id={`invite-${s.id}`} className='btn btn--ghost' disabled={busy} label={`重新发送邀请给${s.name}`} onTap={() => invite(s)}><Text>重新发送邀请</Text></Tap>}
                {s.status !== 'deactivated' && s.id !== user?.id && (
                  <Tap id={`deactivate-${s.id}`} className='btn btn--warn' disabled={busy} label={`停用${s.name}`} onTap={() => { setConfirming(s.id); setReason('') }}><Text>停用</Text></Tap>
                )}
              </View>
              {confirming === s.id && (
                <View className='admin-cell admin-cell--full admin-confirm' role='cell' aria-label={`确认停用${s.name}`}>
                  <Text>停用后 {s.name} 将立即无法登录；若其网格没有其他在岗网格员，在办案件会移交社区。</Text>
                  <TextField id='deactivate-reason' label='停用原因（选填）' value={reason} maxlength={200} placeholder='如 调离岗位' onChange={setReason} />
                  <View className='admin-actions'>
                    <Tap id='deactivate-confirm' className='btn btn--warn' disabled={busy} onTap={() => deactivate(s)}><Text>确认停用</Text></Tap>
                    <Tap id='deactivate-cancel' className='btn btn--ghost' onTap={() => setConfirming(null)}><Text>取消</Text></Tap>
                  </View>
                </View>
              )}
            </View>
          ))}
          {!list.data.items.length && <View className='admin-row' role='row'><Cell className='muted'>没有符合条件的人员</Cell></View>}
        </View>
      )}
      {list.data && <Pager page={page} pages={pages} onPage={setPage} />}
    </AppShell>
  )
}
