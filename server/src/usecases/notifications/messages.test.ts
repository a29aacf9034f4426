import { describe, expect, it } from '@jest/globals';
import type { CaseState } from '@finecity/types';
import { loadPolicy } from '../../city-policy.js';
import type { Channel, ChannelName, OutgoingMessage } from '../../domain/notify-ports.js';
import type { OrgDirectory, OrgNode, Outbox } from '../repositories.js';
import { onClockTimer, onFailover } from './clock-alerts.js';
import { deliverNotification } from './deliver.js';
import { planFromOutbox } from './plan.js';
import type { CaseForNotice, NewNotification, NotificationRecord, NotifyDeps, OutboxEvent } from './ports.js';
import { flushRobot } from './robot-flush.js';

/**
 * Every message a person can receive, rendered through the real use cases and templates with in-memory
 * ports: none may show an ISO timestamp, an English enum name, or an org or category code.
 */
const policy = loadPolicy('config');
const NOW = new Date('2026-12-03T05:57:12.327Z'); // 13:57 in Beijing
const DUE = new Date('2026-12-04T05:57:12.327Z');

const nodes: OrgNode[] = [
  { code: '210200', parentCode: null, level: 'city', name: '大连市', path: '/210200/' },
  { code: '210202', parentCode: '210200', level: 'district', name: '中山区', path: '/210200/210202/' },
  { code: '210202001', parentCode: '210202', level: 'street', name: '海军广场街道', path: '/210200/210202/210202001/' },
  { code: '21020200101', parentCode: '210202001', level: 'community', name: '民主社区', path: '/210200/210202/210202001/21020200101/' },
  { code: '210202001010001', parentCode: '21020200101', level: 'grid', name: '民主社区网格01', path: '/210200/210202/210202001/21020200101/210202001010001/' },
];
const GRID = '210202001010001';

function world(caseState: CaseState) {
  const org: OrgDirectory = {
    get: (code) => nodes.find((n) => n.code === code),
    children: (code) => nodes.filter((n) => n.parentCode === code),
    all: () => nodes,
    refresh: async () => undefined,
  };
  const theCase: CaseForNotice = {
    id: 'c1', caseNo: 'DL20261203-000042', categoryCode: '06010', state: caseState, complexity: 'simple', address: null, gridCode: GRID,
    districtCode: '210202', locationPath: nodes[4]!.path, responsibleCode: GRID, reporterId: 'u-res', dueAt: DUE, version: 3,
  };
  const events: OutboxEvent[] = [];
  const rows: NotificationRecord[] = [];
  const sent: OutgoingMessage[] = [];
  const parked: number[] = [];
  const people: Record<string, { id: string; openid: string | null; oaOpenid: string | null; mobile: string }> = {
    'u-res': { id: 'u-res', openid: 'o-res', oaOpenid: 'oa-res', mobile: '19900000001' },
    'u-a': { id: 'u-a', openid: 'o-a', oaOpenid: null, mobile: '19900000002' },
    'u-b': { id: 'u-b', openid: 'o-b', oaOpenid: 'oa-b', mobile: '19900000003' },
    'u-com': { id: 'u-com', openid: null, oaOpenid: null, mobile: '19900000004' },
  };
  const capture = (name: ChannelName): Channel => ({ name, send: async (m) => (sent.push(m), { status: 'sent' }) });
  const outbox: Outbox = {
    append: async (list, now) => {
      for (const r of list) events.push({ id: events.length + 1, topic: r.topic, caseId: r.caseId, payload: r.payload, createdAt: now });
    },
  };
  const files = new Map<string, { name: string; contentType: string; bytes: Buffer }>();
  const d: NotifyDeps = {
    policy,
    files: { put: async (k, f) => (files.set(k, f), k), find: async (k) => (files.has(k) ? k : null), get: async (id) => files.get(id) ?? null },
    channels: { subscribe: capture('subscribe'), oa_template: capture('oa_template'), wecom_robot: capture('wecom_robot'), sms: capture('sms') },
    robotKey: (code) => `robot-${code}`,
    org,
    notices: {
      outboxEvent: async (id) => events.find((e) => e.id === id) ?? null,
      caseForNotice: async () => theCase,
      eventNote: async () => null,
    },
    recipients: {
      followers: async () => [],
      onDuty: async (_grid, slot) => [slot === 'A' ? people['u-a']! : people['u-b']!],
      staffAt: async () => ['u-com'],
      withRole: async () => ['u-com'],
      user: async (id) => people[id] ?? null,
    },
    store: {
      create: async (list: NewNotification[]) => list.map((r) => {
        const row: NotificationRecord = { ...r, id: rows.length + 1, channel: null, status: 'pending', attempts: 0 };
        rows.push(row);
        return row.id;
      }),
      get: async (id) => rows.find((r) => r.id === id) ?? null,
      pending: async (ids) => rows.filter((r) => ids.includes(r.id) && r.status === 'pending'),
      attempted: async (id, _ch, o) => {
        if (o.status === 'sent') rows.filter((r) => r.id === id).forEach((r) => (r.status = 'sent'));
      },
      recordAttempt: async () => undefined,
      markSent: async (ids) => rows.filter((r) => ids.includes(r.id)).forEach((r) => (r.status = 'sent')),
      markFailed: async (ids) => rows.filter((r) => ids.includes(r.id)).forEach((r) => (r.status = 'failed')),
      spendCredit: async () => undefined,
      subscribeGrant: async () => 'one_time' as const,
      stalePending: async () => [],
    },
    deadlines: {
      run: (work) =>
        work({
          lock: async () => ({ id: 'c1', state: 'dispatched', dueAt: DUE, clockAlert: null, overdueAt: null, version: 3 }),
          setAlert: async () => undefined,
          lockUnflaggedOverdue: async () => [],
          flagOverdue: async () => undefined,
          outbox,
        }),
    },
    queue: { deliver: async () => undefined, redeliver: async () => undefined, flushRobot: async () => undefined },
    robots: {
      take: async () => ({ ok: true }),
      park: async (_r, id) => void parked.push(id),
      drain: async () => parked.splice(0),
      requeue: async () => undefined,
      parkedCount: async () => parked.length,
      claimFlush: async () => true,
      releaseFlush: async () => undefined,
    },
    clock: { now: () => NOW },
    logger: { debug() {}, info() {}, warn() {}, error() {} } as unknown as NotifyDeps['logger'],
  };
  /** Delivers every row again on each of its channels in turn, so every template renders on every channel. */
  async function deliverAll(): Promise<void> {
    for (const r of [...rows]) {
      for (const ch of [...r.channels]) {
        r.channel = null;
        r.status = 'pending';
        r.channels = [ch];
        await deliverNotification(d, r.id);
      }
    }
  }
  return { d, events, rows, sent, outbox, deliverAll };
}

/** What a person reads in a message: template values, texts. */
const readable = (m: OutgoingMessage): string[] => [...Object.values(m.data ?? {}), ...(m.text ? [m.text] : [])];
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ENUM = /\b(submitted|registered|rejected|merged|dispatched|in_progress|handled|closed|suspended|yellow|red|overdue|double|simple|urgent|undefined|null|NaN|case\.[a-z_]+|clock\.[a-z]+|duty\.[a-z_]+|summary\.[a-z]+)\b/;
const CODE = /\b\d{5,}\b/; // org codes (6–15 digits) and category codes (5)

function expectReadable(sent: OutgoingMessage[]): void {
  expect(sent.length).toBeGreaterThan(0);
  for (const m of sent) {
    for (const raw of readable(m)) {
      const text = raw.replace(/DL\d{8}-\d{6}/g, 'DL…'); // case numbers are what people quote
      expect(text).not.toMatch(ISO);
      expect(text).not.toMatch(ENUM);
      expect(text).not.toMatch(CODE);
    }
  }
}

describe('messages are written for people', () => {
  it('renders every case template on every channel in Beijing time, in Chinese, without codes', async () => {
    const w = world('dispatched');
    for (const [topic, toState] of [['case.register', 'registered'], ['case.dispatch', 'dispatched'], ['case.escalate', 'dispatched'], ['case.handle', 'handled'], ['case.verify', 'closed'], ['case.reject', 'rejected']] as const) {
      await w.outbox.append([{ topic, caseId: 'c1', payload: { toState, version: 3, ...(topic === 'case.dispatch' ? { to: GRID, toLevel: 'grid', dueAt: DUE.toISOString(), complexity: 'urgent' } : {}), ...(topic === 'case.escalate' ? { to: '21020200101' } : {}) } }], NOW);
      await planFromOutbox(w.d, w.events.length);
    }
    await w.deliverAll();
    expect(new Set(w.sent.map((m) => m.channel))).toEqual(new Set(['subscribe', 'oa_template', 'wecom_robot', 'sms']));
    expectReadable(w.sent);
    const sms = w.sent.find((m) => m.channel === 'sms' && m.templateId === 'SMS_CASE_TASK')!;
    expect(Object.values(sms.data!)).toContain('2026-12-04 13:57');
  });

  it('renders the clock alerts (yellow, red, overdue, 2×), the A/B failover and the robot digest', async () => {
    const w = world('dispatched');
    for (const stage of ['yellow', 'red', 'overdue', 'double'] as const) {
      expect(await onClockTimer(w.d, { caseId: 'c1', version: 3, stage, dueAt: DUE.toISOString() })).toBe('acted');
      await planFromOutbox(w.d, w.events.length);
    }
    expect(w.events.map((e) => e.topic)).toEqual(['clock.yellow', 'clock.red', 'clock.overdue', 'clock.double']);
    await onFailover(w.d, { caseId: 'c1', version: 3, step: 'b' });
    await onFailover(w.d, { caseId: 'c1', version: 3, step: 'community' });
    await w.deliverAll();
    const groups = w.rows.filter((r) => r.recipientGroup);
    for (const r of groups) r.status = 'pending';
    await w.d.robots.park('robot-x', groups[0]!.id);
    await w.d.robots.park('robot-x', groups[1]!.id);
    await flushRobot(w.d, 'robot-x');
    expect(w.sent.at(-1)!.text).toMatch(/^### 【消息汇总】共 2 条/);
    expect(w.sent.some((m) => m.text?.startsWith('### 【严重超期】'))).toBe(true);
    expect(w.rows.map((r) => r.event)).toEqual(expect.arrayContaining(['duty.failover_b', 'duty.failover_community']));
    expectReadable(w.sent);
  });

  it('sends a report\'s chart and workbook parked for a busy robot on their own, as an image and a file', async () => {
    const w = world('dispatched');
    const robot = 'robot-210200';
    const row = (part: 'image' | 'file', id: string): NewNotification => ({
      dedupeKey: `report.daily|2026-12-02:${part}|g-210200`, event: 'report.daily', caseId: null, recipientUserId: null, recipientGroup: '210200',
      channels: ['wecom_robot'], templateKey: 'case_progress', payload: { topic: 'report.daily', facts: null, [part]: id },
    });
    const png = await w.d.files!.put('k-png', { name: '2026年12月2日.png', contentType: 'image/png', bytes: Buffer.from('a png') }, NOW);
    const xlsx = await w.d.files!.put('k-xlsx', { name: '2026年12月2日日报告.xlsx', contentType: 'application/vnd.ms-excel', bytes: Buffer.from('a workbook') }, NOW);
    for (const [part, id] of [['image', png], ['file', xlsx]] as const) {
      const [n] = await w.d.store.create([row(part, id)], NOW);
      await w.d.robots.park(robot, n!);
      expect(await flushRobot(w.d, robot)).toBe(1);
    }
    expect(w.sent.map((m) => [m.to, m.image?.toString(), m.file?.name, m.text])).toEqual([
      [robot, 'a png', undefined, undefined],
      [robot, undefined, '2026年12月2日日报告.xlsx', undefined],
    ]);
  });

  it('puts a robot\'s drained rows back when the flush fails after draining them (PostgreSQL restarting), so the retry sends them', async () => {
    const w = world('dispatched');
    const robot = 'robot-210200';
    const [n] = await w.d.store.create([{
      dedupeKey: 'report.daily|2026-12-02:text|g-210200', event: 'report.daily', caseId: null, recipientUserId: null, recipientGroup: '210200',
      channels: ['wecom_robot'], templateKey: 'case_progress', payload: { topic: 'report.daily', facts: null, text: '日报告' },
    }], NOW);
    const list: number[] = [];
    const robots = { ...w.d.robots, park: async (_r: string, id: number) => void list.push(id), drain: async () => list.splice(0), requeue: async (_r: string, ids: number[]) => void list.unshift(...ids), parkedCount: async () => list.length };
    const down: NotifyDeps = { ...w.d, robots, store: { ...w.d.store, pending: async () => Promise.reject(new Error('Connection terminated unexpectedly')) } };
    await robots.park(robot, n!);
    await expect(flushRobot(down, robot)).rejects.toThrow('Connection terminated unexpectedly');
    expect(list).toEqual([n]);
    expect(await flushRobot({ ...w.d, robots }, robot)).toBe(1);
    expect(w.sent.map((m) => [m.to, m.text])).toEqual([[robot, '日报告']]);
    expect(w.rows.find((r) => r.id === n)!.status).toBe('sent');
  });

  it('states what the event did, not what the case became before the message went out', async () => {
    const w = world('closed'); // the case was closed by the time the dispatch card is planned and sent
    await w.outbox.append([{ topic: 'case.dispatch', caseId: 'c1', payload: { toState: 'dispatched', version: 3, to: GRID, toLevel: 'grid', dueAt: DUE.toISOString(), complexity: 'simple' } }], NOW);
    await planFromOutbox(w.d, 1);
    await w.deliverAll();
    const card = w.sent.find((m) => m.channel === 'wecom_robot')!.text!;
    expect(card.split('\n')[0]).toBe('### 【新派遣案件】DL20261203-000042');
    expect(card).toContain('> 状态：已派遣（民主社区网格01）');
    expect(card).toContain('> 时限：2026-12-04 13:57');
    expect(card).not.toContain('已办结');
  });

  it('gives every row one dedupe-key format: event | occurrence | recipient', async () => {
    const w = world('dispatched');
    await w.outbox.append([{ topic: 'case.dispatch', caseId: 'c1', payload: { toState: 'dispatched', version: 3, to: GRID, toLevel: 'grid', complexity: 'simple' } }], NOW);
    await planFromOutbox(w.d, 1);
    await onFailover(w.d, { caseId: 'c1', version: 3, step: 'b' });
    for (const r of w.rows) expect(r.dedupeKey).toMatch(/^[a-z_]+\.[a-z_]+\|[^|]+\|(u|g)-[^|]+$/);
  });
});
