// The call centre's, the 待定位 queue's and the failed-callback list's API calls (issue 11), kept in the staff
// sub-package so the main package does not carry them.
import type { HotlineCaseDto, HotlineFiledDto, Page, PlaceDto } from '@finecity/types'
import { http, queryString } from '../../services/api'
import { postMultipart } from '../../services/platform'

export interface HotlineForm {
  callerName: string
  callerPhone: string
  address: string
  /** WGS-84, both or neither. */
  point: { lat: number; lng: number } | null
  categoryCode: string
  description: string
  urgent: boolean
}

/** A case waiting in 待定位 (GET /api/v1/cases/unlocated). */
export interface UnlocatedCaseDto {
  caseId: string
  caseNo: string
  content: string
  address: string | null
  source: string
  /** The channel id (12345, minyi, tp-<company> …); its name for people in channelName. */
  channel: string | null
  channelName: string | null
  ticketNo: string | null
  receivedAt: string | null
  createdAt: string
}

/** A status callback to a partner platform (GET /api/v1/channels/callbacks). */
export interface CallbackDto {
  id: number
  channelId: string
  channelName: string
  caseId: string
  caseNo: string
  eventText?: string
  status: string
  statusText: string
  attempts: number
  lastError: string | null
  createdAt: string
  lastAttemptAt: string | null
}

export const HOTLINE_PAGE_SIZE = 20

export const channelsApi = {
  /** Same key and body → the same case (no second SMS), so a retried submit never files twice. */
  fileHotline: async (f: HotlineForm, photoPaths: string[], idempotencyKey: string): Promise<HotlineFiledDto> => {
    const fields: Record<string, string> = {
      callerName: f.callerName.trim(), callerPhone: f.callerPhone.trim(), categoryCode: f.categoryCode, description: f.description.trim(), urgent: f.urgent ? 'true' : 'false',
    }
    if (f.address.trim()) fields.address = f.address.trim()
    if (f.point) {
      fields.lat = String(f.point.lat)
      fields.lng = String(f.point.lng)
    }
    return http.unwrap<HotlineFiledDto>(await postMultipart('/api/v1/hotline/cases', fields, photoPaths, { ...http.authHeader(), 'Idempotency-Key': idempotencyKey }))
  },
  hotlineCases: (page: number) => http.get<Page<HotlineCaseDto>>(`/api/v1/hotline/cases${queryString([['page', page], ['pageSize', HOTLINE_PAGE_SIZE]])}`),
  places: async (parent?: string) => (await http.get<{ items: PlaceDto[] }>(`/api/v1/places${queryString([['parent', parent]])}`)).items,
  unlocated: (page: number) => http.get<{ items: UnlocatedCaseDto[]; total: number }>(`/api/v1/cases/unlocated${queryString([['page', page]])}`),
  locate: (caseId: string, at: { lat: number; lng: number }) => http.post<unknown>(`/api/v1/cases/${caseId}/locate`, at),
  failedCallbacks: (page: number) => http.get<{ items: CallbackDto[]; total: number }>(`/api/v1/channels/callbacks${queryString([['status', 'failed'], ['page', page]])}`),
  retryCallback: (id: number) => http.post<{ id: number; status: string }>(`/api/v1/channels/callbacks/${id}/retry`, {}),
}
