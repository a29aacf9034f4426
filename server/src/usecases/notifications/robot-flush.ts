import { and, eq, inArray } from 'drizzle-orm';
import { notifications } from '../../adapters/postgres/schema.js';
import { robotMarkdown, shanghaiTime } from '../../domain/notification-plan.js';
import type { NotifyDeps } from './context.js';
import { factsOf, markSent, record, send, TransientDeliveryError } from './deliver.js';
import { pendingKey, robotGate, scheduleFlush } from './robot-gate.js';

const MAX_BYTES = 4000; // WeCom markdown limit is 4096 bytes (wechat-platform.md §6.2)

/** Sends what waited for a robot: one message as itself, several folded into one digest. */
export async function flushRobot(d: NotifyDeps, robot: string): Promise<number> {
  const key = pendingKey(d, robot);
  if ((await d.redis.llen(key)) === 0) return 0;
  const slot = await robotGate(d).take(robot);
  if (!slot.ok) {
    await scheduleFlush(d, robot, slot.wait);
    return 0;
  }
  const ids = (await d.redis.lrange(key, 0, -1)).map(Number);
  const rows = ids.length ? await d.db.select().from(notifications).where(and(inArray(notifications.id, ids), eq(notifications.status, 'pending'))) : [];
  const { text, used } = digest(rows);
  await d.redis.ltrim(key, ids.length, -1);
  const rest = ids.filter((id) => !used.some((r) => r.id === id) && rows.some((r) => r.id === id));
  if (rest.length) {
    await d.redis.lpush(key, ...rest.reverse().map(String));
    await scheduleFlush(d, robot, 3000);
  }
  if (!used.length) return 0;
  const outcome = await send(d, 'wecom_robot', { channel: 'wecom_robot', to: robot, text });
  for (const n of used) await record(d, n, 'wecom_robot', outcome);
  if (outcome.status === 'sent') {
    for (const n of used) await markSent(d, n, 'wecom_robot');
    return used.length;
  }
  await d.redis.lpush(key, ...used.map((n) => String(n.id)).reverse());
  if (outcome.status === 'transient') throw new TransientDeliveryError(`robot flush: ${outcome.errcode}`, outcome.retryAfterMs);
  for (const n of used) await d.db.update(notifications).set({ status: 'failed' }).where(eq(notifications.id, n.id));
  return 0;
}

function digest(rows: (typeof notifications.$inferSelect)[]): { text: string; used: typeof rows } {
  const own = (n: (typeof rows)[number]) => (n.payload as { text?: string }).text ?? robotMarkdown(n.event, factsOf(n), null);
  if (rows.length === 1) return { text: own(rows[0]!), used: rows };
  // Summaries are never folded: they go out alone, one per flush.
  const summary = rows.find((n) => (n.payload as { text?: string }).text);
  if (summary) return { text: own(summary), used: [summary] };
  const lines: string[] = [];
  const used: typeof rows = [];
  let size = 200;
  for (const n of rows) {
    const f = factsOf(n);
    const line = `- ${f.caseNo} ${f.category}｜${f.place}${f.dueAt ? `｜时限 ${shanghaiTime(f.dueAt)}` : ''}`;
    size += Buffer.byteLength(line) + 1;
    if (size > MAX_BYTES) break;
    lines.push(line);
    used.push(n);
  }
  return { text: [`### 【消息汇总】共 ${used.length} 条`, ...lines].join('\n'), used };
}
