import type { CaseAction, CaseDto, CaseState, ErrorBody, ErrorCode, LoginResponse, Page, SandboxAccount } from '@finecity/types'
import type { CategoryList } from '../lib/categories'
import { postMultipart, requestJson, type HttpResponse, type SubscribeResult } from './platform'

/** An answer from the API with its stable error code (types/src/errors.ts). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode | 'unknown', message: string, readonly details?: unknown) {
    super(message)
  }
}

export interface ReportFields {
  categoryCode: string
  description: string
  lat: number
  lng: number
  address?: string
  anonymous: boolean
}

export interface CaseQuery {
  state?: CaseState[]
  categoryCode?: string
  q?: string
  orgNodeCode?: string
  mine?: boolean
  page?: number
  pageSize?: number
}

type ActionBody = Record<string, string | number | boolean | undefined>

let tokenSource: () => string | null = () => null
/** The session installs how the client finds the bearer token (kept out of here to avoid a cycle). */
export function useToken(fn: () => string | null): void {
  tokenSource = fn
}

function authHeader(): Record<string, string> {
  const t = tokenSource()
  return t ? { authorization: `Bearer ${t}` } : {}
}

function unwrap<T>(res: HttpResponse): T {
  if (res.status >= 200 && res.status < 300) return res.data as T
  const body = res.data as Partial<ErrorBody> | null
  const e = body && typeof body === 'object' ? body.error : undefined
  throw new ApiError(res.status, e?.code ?? 'unknown', e?.message ?? `服务器错误（${res.status}）`, e?.details)
}

const get = async <T>(path: string): Promise<T> => unwrap<T>(await requestJson('GET', path, undefined, authHeader()))
const post = async <T>(path: string, body: unknown): Promise<T> => unwrap<T>(await requestJson('POST', path, body, authHeader()))

export function caseQueryString(q: CaseQuery): string {
  const parts: string[] = []
  const add = (k: string, v: string | number | boolean | undefined) => {
    if (v !== undefined && v !== '' && v !== false) parts.push(`${k}=${encodeURIComponent(String(v))}`)
  }
  add('state', q.state?.join(','))
  add('categoryCode', q.categoryCode)
  add('q', q.q)
  add('orgNodeCode', q.orgNodeCode)
  add('mine', q.mine)
  add('page', q.page)
  add('pageSize', q.pageSize)
  return parts.length ? `?${parts.join('&')}` : ''
}

export const api = {
  login: (code: string) => post<LoginResponse>('/api/v1/auth/wechat', { code }),
  sandboxAccounts: async (): Promise<SandboxAccount[] | null> => {
    const res = await requestJson('GET', '/api/v1/sandbox/accounts')
    if (res.status === 404) return null
    return unwrap<{ accounts: SandboxAccount[] }>(res).accounts
  },
  categories: () => get<CategoryList>('/api/v1/categories'),
  /** Same key and body → the same case (the server replays), so a retry never duplicates a report. */
  report: async (fields: ReportFields, photoPaths: string[], idempotencyKey: string): Promise<CaseDto> => {
    const form: Record<string, string> = {
      categoryCode: fields.categoryCode,
      description: fields.description,
      lat: String(fields.lat),
      lng: String(fields.lng),
      anonymous: fields.anonymous ? 'true' : 'false',
    }
    if (fields.address) form.address = fields.address
    const res = await postMultipart('/api/v1/reports', form, photoPaths, { ...authHeader(), 'Idempotency-Key': idempotencyKey })
    return unwrap<{ case: CaseDto }>(res).case
  },
  getCase: async (id: string) => (await get<{ case: CaseDto }>(`/api/v1/cases/${id}`)).case,
  listCases: (q: CaseQuery = {}) => get<Page<CaseDto>>(`/api/v1/cases${caseQueryString(q)}`),
  tasks: async () => (await get<{ items: CaseDto[] }>('/api/v1/tasks')).items,
  act: async (id: string, action: Exclude<CaseAction, 'handle'>, body: ActionBody = {}) =>
    (await post<{ case: CaseDto }>(`/api/v1/cases/${id}/actions/${action}`, body)).case,
  handle: async (id: string, note: string, photoPaths: string[]) => {
    const res = await postMultipart(`/api/v1/cases/${id}/actions/handle`, note ? { note } : {}, photoPaths, authHeader())
    return unwrap<{ case: CaseDto }>(res).case
  },
  /** Subscribe-message template ids by purpose, e.g. { case_progress: '<templateId>' }. */
  subscriptionTemplates: async () => (await get<{ templates: Record<string, string> }>('/api/v1/subscriptions/templates')).templates,
  /** What the user answered to requestSubscribeMessage; each "accept" is one notice credit. */
  recordSubscriptions: async (results: Partial<Record<string, SubscribeResult>>) =>
    (await post<{ credits: Record<string, number> }>('/api/v1/subscriptions', { results })).credits,
}

/** A message fit for a toast, whatever went wrong. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message
  if (err && typeof err === 'object' && 'retryable' in err) return '网络不可用，请稍后重试'
  return err instanceof Error ? err.message : '操作失败'
}
