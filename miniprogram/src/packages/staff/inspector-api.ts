// The inspector's calls (issue 12, item 4): 已办, patrol sessions, check-ins; and the patrol outbox, which keeps
// start, stop and check-in on the phone while the network is away, each with the time the inspector pressed.
// Kept in the staff sub-package so the main package does not carry them.
import type { PatrolCheckinDto, PatrolSessionDto, PatrolTodayDto, TaskHistoryDto } from '@finecity/types'
import { http } from '../../services/api'
import { isRetryable } from '../../services/outbox'
import { storage } from '../../services/platform'

export const HISTORY_PAGE_SIZE = 20

export const inspectorApi = {
  history: (q: string, page: number, pageSize = HISTORY_PAGE_SIZE) => {
    const qs = [q.trim() ? `q=${encodeURIComponent(q.trim())}` : '', page > 1 ? `page=${page}` : '', `pageSize=${pageSize}`].filter(Boolean).join('&')
    return http.get<TaskHistoryDto>(`/api/v1/tasks/history?${qs}`)
  },
  today: () => http.get<PatrolTodayDto>('/api/v1/patrols/today'),
  start: (body: { id: string; at: string }) => http.post<PatrolSessionDto>('/api/v1/patrols', body),
  stop: (id: string, at: string) => http.post<PatrolSessionDto>(`/api/v1/patrols/${encodeURIComponent(id)}/stop`, { at }),
  checkIn: (p: { lat: number; lng: number; at: string }) => http.post<PatrolCheckinDto>('/api/v1/patrol/checkins', p),
}

/** A patrol action waiting to be sent: what, when the inspector pressed, and how often it was tried. */
export type PatrolOp =
  | { key: string; kind: 'start'; sessionId: string; at: string; attempts: number }
  | { key: string; kind: 'stop'; sessionId: string; at: string; attempts: number }
  | { key: string; kind: 'checkin'; lat: number; lng: number; at: string; attempts: number }

/** Where the queue lives: beside the reports' outbox (services/outbox.ts), under its own key. */
const KEY = 'finecity.patrol-outbox'

export const patrolOutbox = {
  list: (): PatrolOp[] => storage.get<PatrolOp[]>(KEY) ?? [],
  save(items: PatrolOp[]): void {
    if (items.length) storage.set(KEY, items)
    else storage.remove(KEY)
  },
}

type NewOp = { kind: 'start' | 'stop'; sessionId: string } | { kind: 'checkin'; lat: number; lng: number }

async function sendOp(op: PatrolOp): Promise<PatrolSessionDto | PatrolCheckinDto> {
  if (op.kind === 'start') {
    const s = await inspectorApi.start({ id: op.sessionId, at: op.at })
    // A session was already open on the server (started on another phone): later stops of this one go to it.
    if (s.id !== op.sessionId) patrolOutbox.save(patrolOutbox.list().map((x) => (x.kind === 'stop' && x.sessionId === op.sessionId ? { ...x, sessionId: s.id } : x)))
    return s
  }
  if (op.kind === 'stop') return inspectorApi.stop(op.sessionId, op.at)
  return inspectorApi.checkIn({ lat: op.lat, lng: op.lng, at: op.at })
}

/**
 * Send the queue in order (a stop never before its start); stop at the first network failure and keep the rest.
 * A refusal (4xx) drops that action: the server will never take it. Returns how many went through.
 */
let flushing: Promise<number> | null = null
export function flushPatrolOutbox(): Promise<number> {
  flushing ??= (async () => {
    let sent = 0
    for (;;) {
      const op = patrolOutbox.list()[0]
      if (!op) break
      try {
        await sendOp(op)
        sent += 1
      } catch (err) {
        if (isRetryable(err)) {
          patrolOutbox.save(patrolOutbox.list().map((x) => (x.key === op.key ? { ...x, attempts: x.attempts + 1 } : x)))
          break
        }
      }
      patrolOutbox.save(patrolOutbox.list().filter((x) => x.key !== op.key))
    }
    return sent
  })().finally(() => { flushing = null })
  return flushing
}

/**
 * Record a patrol action with the time pressed, then send the queue in order (earlier actions still waiting go
 * first). 'queued' when the network failed; an API refusal (4xx) is thrown for the page to show.
 */
export async function submitPatrol(o: NewOp, now: Date = new Date()): Promise<'sent' | 'queued'> {
  const op = { ...o, key: newSessionId(), at: now.toISOString(), attempts: 0 } as PatrolOp
  patrolOutbox.save([...patrolOutbox.list(), op])
  let refused: unknown = null
  // One sender at a time: a flush in progress finishes first.
  if (flushing) await flushing
  // The same loop as flushPatrolOutbox, but this action's refusal is the caller's to show.
  for (;;) {
    const next = patrolOutbox.list()[0]
    if (!next) break
    try {
      await sendOp(next)
    } catch (err) {
      if (isRetryable(err)) {
        patrolOutbox.save(patrolOutbox.list().map((x) => (x.key === next.key ? { ...x, attempts: x.attempts + 1 } : x)))
        break
      }
      if (next.key === op.key) refused = err
    }
    patrolOutbox.save(patrolOutbox.list().filter((x) => x.key !== next.key))
  }
  if (refused) throw refused
  return patrolOutbox.list().some((x) => x.key === op.key) ? 'queued' : 'sent'
}

/** A v4 UUID made on the phone (the weapp has no crypto.randomUUID), so a start queued offline and its stop name the same session. */
export function newSessionId(random: () => number = Math.random): string {
  const hex = Array.from({ length: 32 }, (_, i) => {
    if (i === 12) return '4'
    const r = Math.floor(random() * 16)
    return (i === 16 ? (r & 0x3) | 0x8 : r).toString(16)
  }).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}
