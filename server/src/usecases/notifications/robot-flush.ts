import { digestLine } from '../../domain/notification-plan.js';
import type { NotificationRecord, NotifyDeps } from './ports.js';
import { factsOf, markSent, preparedRobotMessage, robotText, scheduleFlush, send, TransientDeliveryError } from './deliver.js';

/** WeCom markdown content is at most 4096 bytes (https://developer.work.weixin.qq.com/document/path/91770). */
const MAX_BYTES = 4000;

/** Sends what waited for a robot: one message as itself, several folded into one digest. */
export async function flushRobot(d: NotifyDeps, robot: string): Promise<number> {
  await d.robots.releaseFlush(robot); // from here on, a newly parked message schedules its own flush
  if ((await d.robots.parkedCount(robot)) === 0) return 0;
  const slot = await d.robots.take(robot);
  if (!slot.ok) {
    await scheduleFlush(d, robot, slot.waitMs);
    return 0;
  }
  // A re-driven row may be parked twice: once is enough.
  const ids = [...new Set(await d.robots.drain(robot))];
  try {
    return await flushDrained(d, robot, ids);
  } catch (err) {
    // The database or Redis failed after the list was drained (a PostgreSQL restart mid-flush): put the ids
    // back, so the retry finds them (rows already marked sent are no longer pending and are skipped then). A
    // transient send failure has requeued what it drained itself.
    if (!(err instanceof TransientDeliveryError)) await d.robots.requeue(robot, ids).catch(() => undefined);
    throw err;
  }
}

async function flushDrained(d: NotifyDeps, robot: string, ids: number[]): Promise<number> {
  const rows = await d.store.pending(ids);
  const { text, used } = digest(rows);
  const rest = rows.filter((r) => !used.includes(r)).map((r) => r.id);
  if (rest.length) {
    await d.robots.requeue(robot, rest);
    await scheduleFlush(d, robot, 3000);
  }
  if (!used.length) return 0;
  // A prepared message (a report's text, chart or workbook) goes as itself; case cards go as the digest.
  const alone = used.length === 1 && isPrepared(used[0]!) ? await preparedRobotMessage(d, used[0]!, robot) : null;
  const outcome = await send(d, 'wecom_robot', alone ?? { channel: 'wecom_robot', to: robot, text });
  const usedIds = used.map((n) => n.id);
  await d.store.recordAttempt(usedIds, 'wecom_robot', outcome, d.clock.now());
  if (outcome.status === 'sent') {
    await markSent(d, used, 'wecom_robot');
    return used.length;
  }
  await d.robots.requeue(robot, usedIds);
  if (outcome.status === 'transient') throw new TransientDeliveryError(`robot flush: ${outcome.errcode}`, outcome.retryAfterMs);
  await d.store.markFailed(usedIds, `wecom_robot: ${outcome.errcode} ${outcome.errmsg}`);
  return 0;
}

function digest(rows: NotificationRecord[]): { text: string; used: NotificationRecord[] } {
  if (rows.length === 1) return { text: isPrepared(rows[0]!) ? (rows[0]!.payload.text ?? '') : robotText(rows[0]!), used: rows };
  // Reports (text, chart, workbook) are never folded: they go out alone, one per flush, oldest first.
  const summary = rows.find(isPrepared);
  if (summary) return { text: summary.payload.text ?? '', used: [summary] };
  const lines: string[] = [];
  const used: NotificationRecord[] = [];
  let size = 200;
  for (const n of rows) {
    const line = digestLine(factsOf(n));
    size += Buffer.byteLength(line) + 1;
    if (size > MAX_BYTES) break;
    lines.push(line);
    used.push(n);
  }
  return { text: [`### 【消息汇总】共 ${used.length} 条`, ...lines].join('\n'), used };
}

const isPrepared = (n: NotificationRecord): boolean => !!(n.payload.text || n.payload.image || n.payload.file);
