// Reports wait here until the server has them. Each keeps its Idempotency-Key for life, so a retry after
// a lost answer returns the case already created instead of a second one.
import type { CaseDto, ReportFields } from '@finecity/types'
import { newIdempotencyKey } from '../lib/ids'
import { api, ApiError } from './api'
import { discardPhoto, NetworkError, persistPhoto, storage } from './platform'

const KEY = 'finecity.outbox'

export interface PendingReport {
  key: string
  fields: ReportFields
  photos: string[]
  createdAt: string
  attempts: number
  lastError?: string
}

export type SubmitResult = { status: 'sent'; case: CaseDto } | { status: 'queued'; pending: PendingReport }

export const outbox = {
  list: (): PendingReport[] => storage.get<PendingReport[]>(KEY) ?? [],
  save(items: PendingReport[]): void {
    if (items.length) storage.set(KEY, items)
    else storage.remove(KEY)
  },
  remove(key: string): void {
    const p = outbox.list().find((x) => x.key === key)
    p?.photos.forEach(discardPhoto)
    outbox.save(outbox.list().filter((x) => x.key !== key))
  },
}

async function send(p: PendingReport): Promise<CaseDto> {
  try {
    const c = await api.report(p.fields, p.photos, p.key)
    outbox.remove(p.key)
    return c
  } catch (err) {
    const items = outbox.list().map((x) => (x.key === p.key ? { ...x, attempts: x.attempts + 1, lastError: String((err as Error).message) } : x))
    outbox.save(items)
    throw err
  }
}

/**
 * Submit a new report: it is written to the outbox first (with photos made durable), then sent. A network
 * failure leaves it queued for flush(); an API refusal (4xx) removes it and is thrown for the form to show.
 */
export async function submitReport(fields: ReportFields, photos: string[], key: string = newIdempotencyKey()): Promise<SubmitResult> {
  const pending: PendingReport = { key, fields, photos: await Promise.all(photos.map(persistPhoto)), createdAt: new Date().toISOString(), attempts: 0 }
  outbox.save([...outbox.list().filter((x) => x.key !== key), pending])
  try {
    return { status: 'sent', case: await send(pending) }
  } catch (err) {
    if (isRetryable(err)) return { status: 'queued', pending: outbox.list().find((x) => x.key === key) ?? pending }
    outbox.remove(key)
    throw err
  }
}

export function isRetryable(err: unknown): boolean {
  if (err instanceof NetworkError) return true
  return err instanceof ApiError && (err.status >= 500 || err.status === 429 || err.status === 408)
}

let flushing: Promise<CaseDto[]> | null = null

/** Retry every queued report once (one flush at a time); returns the cases that got through. */
export function flushOutbox(): Promise<CaseDto[]> {
  flushing ??= (async () => {
    const sent: CaseDto[] = []
    for (const p of outbox.list()) {
      try {
        sent.push(await send(p))
      } catch (err) {
        if (!isRetryable(err)) outbox.remove(p.key)
      }
    }
    return sent
  })().finally(() => { flushing = null })
  return flushing
}
