import type { AssessmentMapDto, BatchAction, BatchActionRequest, BatchActionResponse, CaseDto, CaseListQuery, Page, QueueCountsDto } from '@finecity/types'
import { caseQueryString, http, queryString } from '../../../../services/api'

export const consoleApi = {
  list: (q: CaseListQuery) => http.get<Page<CaseDto>>(`/api/v1/cases${caseQueryString(q)}`),
  counts: () => http.get<QueueCountsDto>('/api/v1/cases/queue-counts'),
  /** Each case is its own single action on the server; one result per case, in order. */
  batch: (action: BatchAction, items: BatchActionRequest['items']) => http.post<BatchActionResponse>('/api/v1/cases/batch', { action, items } satisfies BatchActionRequest),
  /** Outlines of the units directly below a node (GeoJSON, WGS-84). */
  outlines: (orgNodeCode?: string) => http.get<AssessmentMapDto>(`/api/v1/assessment/map${queryString([['orgNodeCode', orgNodeCode]])}`),
}
