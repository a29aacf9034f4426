// The admin console's API calls (issue 9), kept in the sub-package so the main package does not carry them.
import type {
  AdminCategoriesDto, AuditListDto, CategoryUpdateRequest, CategoryUpdateResultDto, OrgImportResultDto, OrgTreeNodeDto, AuditListQuery, CalendarYearBody, CalendarYearDto, DeactivateStaffBody, DutyMonthDto, DutyUpdateRequest, StaffImportResultDto,
  StaffListDto, StaffListQuery,
} from '@finecity/types'
import { http, queryString } from '../../services/api'
import { downloadFile, uploadFile, type PickedFile } from '../../services/platform'

const staffQuery = (q: StaffListQuery) =>
  queryString([['q', q.q], ['orgNodeCode', q.orgNodeCode], ['status', q.status], ['page', q.page], ['pageSize', q.pageSize]])

export const STAFF_PAGE_SIZE = 20
export const AUDIT_PAGE_SIZE = 20

export const adminApi = {
  staff: (q: StaffListQuery) => http.get<StaffListDto>(`/api/v1/admin/staff${staffQuery(q)}`),
  /** `partial`: write the good rows even though others have errors. */
  importStaff: async (file: PickedFile, dryRun: boolean, partial = false): Promise<StaffImportResultDto> =>
    http.unwrap<StaffImportResultDto>(await uploadFile(`/api/v1/admin/staff/import${queryString([['dryRun', dryRun], ['partial', partial]])}`, file, http.authHeader())),
  template: () => downloadFile('/api/v1/admin/staff/template.xlsx', http.authHeader(), '人员导入模板.xlsx'),
  exportStaff: (q: StaffListQuery) =>
    downloadFile(`/api/v1/admin/staff/export.xlsx${queryString([['q', q.q], ['orgNodeCode', q.orgNodeCode], ['status', q.status]])}`, http.authHeader(), '人员名单.xlsx'),
  invite: (id: string) => http.post<{ expiresAtText: string; smsSent: boolean }>(`/api/v1/admin/staff/${id}/invite`, {}),
  deactivate: (id: string, reason?: string) =>
    http.post<{ handedOver: number; keptByGrid: number }>(`/api/v1/admin/staff/${id}/deactivate`, (reason ? { reason } : {}) satisfies DeactivateStaffBody),
  audit: (q: AuditListQuery) =>
    http.get<AuditListDto>(`/api/v1/admin/audit${queryString([['actor', q.actor], ['entity', q.entity], ['entityId', q.entityId], ['from', q.from], ['to', q.to], ['page', q.page], ['pageSize', q.pageSize]])}`),
  duty: (orgNodeCode: string, month: string) => http.get<DutyMonthDto>(`/api/v1/admin/duty${queryString([['orgNodeCode', orgNodeCode], ['month', month]])}`),
  updateDuty: (orgNodeCode: string, month: string, body: DutyUpdateRequest) =>
    http.put<DutyMonthDto>(`/api/v1/admin/duty${queryString([['orgNodeCode', orgNodeCode], ['month', month]])}`, body),
  orgTree: (root?: string) => http.get<OrgTreeNodeDto>(`/api/v1/admin/org/tree${queryString([['root', root]])}`),
  importGrids: async (file: PickedFile, dryRun: boolean): Promise<OrgImportResultDto> =>
    http.unwrap<OrgImportResultDto>(await uploadFile(`/api/v1/admin/org/import${queryString([['dryRun', dryRun]])}`, file, http.authHeader())),
  categories: () => http.get<AdminCategoriesDto>('/api/v1/admin/categories'),
  updateCategory: (code: string, body: CategoryUpdateRequest) =>
    http.put<CategoryUpdateResultDto>(`/api/v1/admin/categories/${encodeURIComponent(code)}`, body),
  calendar: (year: number) => http.get<CalendarYearDto>(`/api/v1/admin/calendar/${year}`),
  /** `recompute`: also move the running working-time clocks of open cases onto the new calendar (the answer lists them). */
  saveCalendar: (year: number, body: CalendarYearBody, recompute = false) =>
    http.put<CalendarYearDto>(`/api/v1/admin/calendar/${year}${queryString([['recompute', recompute]])}`, body),
}
