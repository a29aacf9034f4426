import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { notificationAttempts, notifications, users } from '../../server/src/adapters/postgres/schema.js';
import type { Harness } from '../support/harness.js';

/** Polls until `check` returns a value (not undefined/false), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, ms = 20_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function control(h: Harness, path: string, body: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${h.sandboxUrl}/sandbox/control/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`sandbox control ${path}: ${res.status} ${await res.text()}`);
}

export async function setOaOpenid(h: Harness, openid: string, oaOpenid: string): Promise<void> {
  await h.database.db.update(users).set({ oaOpenid }).where(eq(users.openid, openid));
}

export async function notificationsFor(h: Harness, caseId: string) {
  return h.database.db.select().from(notifications).where(eq(notifications.caseId, caseId));
}

export async function attemptsOf(h: Harness, notificationId: number) {
  return h.database.db.select().from(notificationAttempts).where(eq(notificationAttempts.notificationId, notificationId)).orderBy(notificationAttempts.id);
}

export async function pendingCount(h: Harness): Promise<number> {
  const r = await h.database.db.select({ n: sql<number>`count(*)::int` }).from(notifications).where(eq(notifications.status, 'pending'));
  return r[0]?.n ?? 0;
}

/** Messages the sandbox accepted, i.e. what people would have seen in WeChat. */
export const delivered = (h: Harness, f: Parameters<Harness['sandbox']['messages']>[0] = {}) => h.sandbox.messages({ ...f, limit: 10_000 }).filter((m) => m.accepted);

/** Waits until an event's notifications exist and none is pending any more. */
export async function settled(h: Harness, caseId: string, event: string, ms = 20_000) {
  return eventually(async () => {
    const ns = (await notificationsFor(h, caseId)).filter((n) => n.event === event);
    return ns.length > 0 && ns.every((n) => n.status !== 'pending') ? ns : undefined;
  }, ms, `${event} notifications of ${caseId}`);
}

/** Waits until the notification queue has nothing waiting, running or delayed (a poll, not a sleep). */
export async function queuesIdle(h: Harness, ms = 20_000): Promise<void> {
  await eventually(async () => {
    const c = await h.notifier!.queues.notifications.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(c).every((n) => n === 0) || undefined;
  }, ms, 'the notification queue to go idle');
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** A private, throwaway Redis a test file may stop and start (nothing kept on disk, like the machine's). */
export async function startRedis(port: number): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await eventually(async () => new Promise<boolean | undefined>((res) => {
    const c = net.connect(port, '127.0.0.1', () => { c.end(); res(true); });
    c.on('error', () => res(undefined));
  }), 10_000, 'redis to start');
  return p;
}
