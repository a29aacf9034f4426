import type { CaseAction, CaseEventDto, CaseState, CheckInDto, ClockLevel, Complexity, OrgLevel, Role, UserDto } from '@finecity/types'

export const STATE_LABEL: Record<CaseState, string> = {
  submitted: '待受理',
  registered: '已受理',
  rejected: '不予受理',
  merged: '已合并',
  dispatched: '已派遣',
  in_progress: '处置中',
  handled: '待核查',
  closed: '已办结',
  suspended: '挂账',
}

/** Chip tone per state: what a resident should read at a glance. */
export const STATE_TONE: Record<CaseState, 'blue' | 'orange' | 'green' | 'grey'> = {
  submitted: 'blue',
  registered: 'blue',
  rejected: 'grey',
  merged: 'grey',
  dispatched: 'orange',
  in_progress: 'orange',
  handled: 'orange',
  closed: 'green',
  suspended: 'grey',
}

/**
 * The action's name, as the timeline heads its event ("处置 · 网格员 张三") and as a toast reads it with
 * 成功 ("处置成功", "受理成功"): each must read well in both (issue 12: "处置完成成功"). For a toast that
 * says what now holds, see ACTION_DONE.
 */
export const ACTION_LABEL: Record<CaseAction | 'submit' | 'locate' | 'clock.recomputed', string> = {
  submit: '上报',
  locate: '定位',
  'clock.recomputed': '时限重算',
  register: '受理',
  reject: '不予受理',
  merge: '合并',
  dispatch: '派遣',
  sign: '签收',
  return: '退回',
  escalate: '上报上级',
  handle: '处置',
  'request-extension': '申请延期',
  'decide-extension': '审批延期',
  suspend: '挂账',
  verify: '核查',
  reopen: '重新打开',
  rate: '评价',
  supervise: '督办',
}

/** What a finished action says to the person who did it ("已派遣", "评价已提交"): toast text. */
export const ACTION_DONE: Record<CaseAction, string> = {
  register: '已受理',
  reject: '已不予受理',
  merge: '已合并',
  dispatch: '已派遣',
  sign: '已签收',
  return: '已退回',
  escalate: '已上报上级',
  handle: '处置结果已提交',
  'request-extension': '延期申请已提交',
  'decide-extension': '延期审批已提交',
  suspend: '已挂账',
  verify: '核查结果已提交',
  reopen: '已重新打开',
  rate: '感谢您的评价',
  supervise: '已督办',
}

export const CLOCK_LABEL: Record<ClockLevel, string> = {
  none: '未计时',
  green: '正常',
  yellow: '黄灯',
  red: '红灯',
  overdue: '已超时',
  paused: '已暂停',
  stopped: '已结束',
}

export const ROLE_LABEL: Record<Role, string> = {
  resident: '市民',
  inspector: '网格员',
  community: '社区',
  street: '街道',
  district: '区平台',
  city: '市平台',
  department: '处置单位',
  third_party: '第三方采集员',
  leader: '领导',
  admin: '管理员',
  hotline: '话务员',
  enforcement: '执法队员',
}

export const LEVEL_LABEL: Record<OrgLevel, string> = {
  city: '市级',
  district: '区级',
  street: '街道',
  community: '社区',
  grid: '网格',
  // City departments (市政, 园林 …) and the quick squads (抢修小分队 per district, 便民服务小分队 per street): both handle what they are sent.
  department: '处置单位',
}

export const COMPLEXITY_LABEL: Record<Complexity, string> = { simple: '简易（24 小时）', complex: '复杂（72 小时）', urgent: '紧急' }

/** One line per timeline event, e.g. "派遣 · 网格员 张三" or "核查 · 不通过". */
export function eventTitle(e: CaseEventDto): string {
  let title = ACTION_LABEL[e.action]
  if (e.action === 'verify') title += e.toState === 'closed' ? ' · 通过' : ' · 不通过，返工'
  if (e.action === 'decide-extension') title += e.data.approved ? ' · 同意' : ' · 不同意'
  return title
}

export function actorLine(e: CaseEventDto): string {
  const role = e.actor.role === 'system' ? '系统' : e.actor.role === 'channel' ? '对接平台' : ROLE_LABEL[e.actor.role]
  return e.actor.name ? `${role} ${e.actor.name}` : role
}

/** "A 岗 · 今日值班" / "B 岗 · 今日备班" (UserDto.duty: the server knows today's rota). */
export function dutyText(duty: NonNullable<UserDto['duty']>): string {
  return `${duty.slot} 岗 · ${duty.onDuty ? '今日值班' : '今日备班'}`
}

/** "约 35 米" below a kilometre, "约 1.2 公里" above. */
export function distanceText(m: number): string {
  const r = Math.round(m)
  return r < 1000 ? `约 ${r} 米` : `约 ${(r / 1000).toFixed(1)} 公里`
}

/** The check-in the server recorded with a sign/handle event (data.checkIn), if it holds one. */
export function eventCheckIn(e: CaseEventDto): CheckInDto | null {
  const c = e.data?.checkIn as Partial<CheckInDto> | undefined
  return c && typeof c.distanceM === 'number' && typeof c.onSite === 'boolean' ? (c as CheckInDto) : null
}

/** "现场打卡：距问题点约 35 米" / "不在现场（约 1.2 公里）". */
export function checkInLine(c: CheckInDto): string {
  return c.onSite ? `现场打卡：距问题点${distanceText(c.distanceM)}` : `不在现场（${distanceText(c.distanceM)}）`
}
