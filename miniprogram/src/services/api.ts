import type {
  ActionBodies, CaseAction, CaseCommentBody, PublishPhotoBody, CaseCommentDto, CaseDto, CaseListQuery, ErrorBody, ErrorCode, FollowDto, LoginRequest, LoginResponse, NearbyDto,
  NearbyQuery, OrgUnitDto, Page, PinPlaceDto, ReportFields, SandboxAccount, StatsOverviewDto, StatsQuery, SubscriptionsRequest, UserDto,
} from '@finecity/types'
import type { CategoryList } from '../lib/categories'
import { round6, type LatLng } from '../lib/coords'
import { postMultipart, requestJson, type HttpResponse } from './platform'

/** An answer from the API with its stable error code (types/src/errors.ts). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode | 'unknown', message: string, readonly details?: unknown) {
    super(message)
  }
}

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
const put = async <T>(path: string, body: unknown): Promise<T> => unwrap<T>(await requestJson('PUT', path, body, authHeader()))

/** The raw client for the admin sub-package's own calls (kept out of the main package's api object). */
export const http = { get, post, put, authHeader, unwrap }

type QueryValue = string | number | boolean | undefined

/** `?a=1&b=x` from the values that are set (undefined, '' and false are left out). */
export function queryString(pairs: [string, QueryValue][]): string {
  const parts = pairs
    .filter(([, v]) => v !== undefined && v !== '' && v !== false)
    .map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`)
  return parts.length ? `?${parts.join('&')}` : ''
}

export function caseQueryString(q: CaseListQuery): string {
  return queryString([
    ['state', q.state?.join(',')],
    ['categoryCode', q.categoryCode],
    ['source', q.source],
    ['q', q.q],
    ['orgNodeCode', q.orgNodeCode],
    ['mine', q.mine],
    ['pendingExtension', q.pendingExtension],
    ['due', q.due?.join(',')],
    ['supervised', q.supervised],
    ['from', q.from],
    ['to', q.to],
    ['sort', q.sort],
    ['page', q.page],
    ['pageSize', q.pageSize],
  ])
}

/** The check-in point as the API takes it: WGS-84, 6 decimals (~0.1 m), both or neither. */
const checkInBody = (at?: LatLng | null) => (at ? { lat: round6(at.lat), lng: round6(at.lng) } : {})

/** The body argument may be left out when every field of that action's body is optional. */
type BodyArg<A extends CaseAction> = object extends ActionBodies[A] ? [body?: ActionBodies[A]] : [body: ActionBodies[A]]

const act = async <A extends Exclude<CaseAction, 'handle'>>(id: string, action: A, ...[body]: BodyArg<A>) =>
  (await post<{ case: CaseDto }>(`/api/v1/cases/${id}/actions/${action}`, body ?? {})).case

/** Template ids per message kind: one-time, and long-term where the account may use them (issue 13). */
export interface SubscribeTemplates {
  templates: Record<string, string>
  longTerm?: Record<string, string>
}

export const api = {
  login: (code: string) => post<LoginResponse>('/api/v1/auth/wechat', { code } satisfies LoginRequest),
  /** Staff activation: binds this WeChat identity by the SMS code or by getPhoneNumber's code. */
  activate: (code: string, proof: { inviteCode: string } | { phoneCode: string }) =>
    post<LoginResponse>('/api/v1/auth/wechat', { code, ...proof } satisfies LoginRequest),
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
  me: async () => (await get<{ user: UserDto }>('/api/v1/me')).user,
  getCase: async (id: string) => (await get<{ case: CaseDto }>(`/api/v1/cases/${id}`)).case,
  listCases: (q: CaseListQuery = {}) => get<Page<CaseDto>>(`/api/v1/cases${caseQueryString(q)}`),
  tasks: async () => (await get<{ items: CaseDto[] }>('/api/v1/tasks')).items,
  act,
  /** `at`: the inspector's on-site check-in (WGS-84); the server records it with its distance to the case. */
  sign: (id: string, note?: string, at?: LatLng | null) => act(id, 'sign', { note, ...checkInBody(at) }),
  handle: async (id: string, note: string, photoPaths: string[], at?: LatLng | null) => {
    const fields: Record<string, string> = note ? { note } : {}
    for (const [k, v] of Object.entries(checkInBody(at))) fields[k] = String(v) // multipart text fields
    const res = await postMultipart(`/api/v1/cases/${id}/actions/handle`, fields, photoPaths, authHeader())
    return unwrap<{ case: CaseDto }>(res).case
  },
  /** Talking on a case: residents get public replies and their own; @街道 / @领导 … notify them. */
  comments: async (id: string) => (await get<{ items: CaseCommentDto[] }>(`/api/v1/cases/${id}/comments`)).items,
  addComment: (id: string, body: CaseCommentBody) => post<CaseCommentDto>(`/api/v1/cases/${id}/comments`, body),
  /** The place under the report page's pin (no login); 422 location.outside_service_area with the report's own message. */
  placeAt: (at: LatLng) => get<PinPlaceDto>(`/api/v1/map/place${queryString([['lat', round6(at.lat)], ['lng', round6(at.lng)]])}`),
  /** "Someone already reported this": open cases of the category near the point (WGS-84), public fields only. */
  nearby: (q: NearbyQuery) =>
    get<NearbyDto>(`/api/v1/cases/nearby${queryString([['lat', round6(q.lat)], ['lng', round6(q.lng)], ['categoryCode', q.categoryCode]])}`),
  /** 我也遇到: follow an open case and count as one more supporter (idempotent). */
  follow: (id: string) => post<FollowDto>(`/api/v1/cases/${id}/follow`, {}),
  /** District and city staff make a photo public, or take it back (issue 13: faces and plates). */
  publishPhoto: (id: string, photoId: string, published: boolean) =>
    post<{ photoId: string; published: boolean }>(`/api/v1/cases/${id}/photos/${photoId}/publish`, { published } satisfies PublishPhotoBody),
  /** Units the caller may dispatch to: children of `parent` (default: the caller's own node) in their subtree. */
  orgUnits: async (parent?: string) => (await get<{ items: OrgUnitDto[] }>(`/api/v1/org/units${queryString([['parent', parent]])}`)).items,
  /** Units of the caller's area whose name or code contains `q` (at most 30). */
  searchUnits: async (q: string) => (await get<{ items: OrgUnitDto[] }>(`/api/v1/org/units${queryString([['q', q]])}`)).items,
  /** Figures of the caller's scope (or `orgNodeCode` inside it) over a period, with the units below ranked. */
  statsOverview: (q: StatsQuery = {}) => get<StatsOverviewDto>(`/api/v1/stats/overview${queryString([['period', q.period], ['orgNodeCode', q.orgNodeCode]])}`),
  /** Subscribe-message template ids by purpose, e.g. { case_progress: '<templateId>' }. */
  subscriptionTemplates: () => get<SubscribeTemplates>('/api/v1/subscriptions/templates'),
  /** What the user answered to requestSubscribeMessage: one-time credits, and long-term subscriptions on or off. */
  recordSubscriptions: (results: SubscriptionsRequest['results']) =>
    post<{ credits: Record<string, number>; longTerm: Record<string, boolean> }>('/api/v1/subscriptions', { results } satisfies SubscriptionsRequest),
}

/** A message fit for a toast, whatever went wrong. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message
  if (err && typeof err === 'object' && 'retryable' in err) return '网络不可用，请稍后重试'
  return err instanceof Error ? err.message : '操作失败'
}
