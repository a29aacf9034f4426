// Third-party inspection companies' calls (issue 11, item 4): the patrol check-in and the monthly page, kept in
// the staff sub-package so the main package does not carry them.
import type { CompanyDto, CompanyMonthDto, CoverageDto, PatrolCheckinDto } from '@finecity/types'
import { http } from '../../services/api'

export const companyApi = {
  /** 日巡查: check in here (WGS-84); the server finds the grid. */
  checkIn: (at: { lat: number; lng: number }) => http.post<PatrolCheckinDto>('/api/v1/patrol/checkins', at),
  mine: async () => (await http.get<{ company: CompanyDto }>('/api/v1/patrol/company')).company,
  list: async () => (await http.get<{ companies: CompanyDto[] }>('/api/v1/admin/companies')).companies,
  month: (id: string, month: string) => http.get<CompanyMonthDto>(`/api/v1/companies/${encodeURIComponent(id)}/month?month=${month}`),
  coverage: (id: string, day?: string) => http.get<CoverageDto>(`/api/v1/companies/${encodeURIComponent(id)}/coverage${day ? `?day=${day}` : ''}`),
}
