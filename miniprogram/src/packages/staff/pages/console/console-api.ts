import type { AssessmentMapDto, BatchAction, BatchActionRequest, BatchActionResponse, CaseDto, CaseListQuery, Page, QueueCountsDto } from '@finecity/types'
import { http, queryString } from '../../../../services/api'

/** GET /api/v1/cases with every filter the console sets (services/api.ts's list predates sort and dates). */
export function casesQueryString(q: CaseListQuery): string {
  return queryString([
    ['state', q.state?.join(',')],
    ['categoryCode', q.categoryCode],
    ['source', q.source],
    ['q', q.q],
    ['orgNodeCode', q.orgNodeCode],
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

export const consoleApi = {
  list: (q: CaseListQuery) => http.get<Page<CaseDto>>(`/api/v1/cases${casesQueryString(q)}`),
  counts: () => http.get<QueueCountsDto>('/api/v1/cases/queue-counts'),
  /** Each case is its own single action on the server; one result per case, in order. */
  batch: (action: BatchAction, items: BatchActionRequest['items']) => http.post<BatchActionResponse>('/api/v1/cases/batch', { action, items } satisfies BatchActionRequest),
  /** Outlines of the units directly below a node (GeoJSON, WGS-84). */
  outlines: (orgNodeCode?: string) => http.get<AssessmentMapDto>(`/api/v1/assessment/map${queryString([['orgNodeCode', orgNodeCode]])}`),
}
