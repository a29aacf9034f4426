// The resident's own account (issue 13): their data, 注销, 积分 and the public monthly 市民监督员 list.
// Kept beside services/api.ts, through its request helpers.
import type { DeleteAccountBody, DeleteAccountDto, MyDataDto, MyPointsDto, PointsListingBody, TopReportersDto } from '@finecity/types'
import { http, queryString } from './api'

export const residentApi = {
  /** Everything FineCity holds about the caller (个人信息保护法 第四十五条). */
  myData: () => http.get<MyDataDto>('/api/v1/me/data'),
  /** 注销: the account is deleted and its tokens answer 401 at once. */
  deleteAccount: () => http.post<DeleteAccountDto>('/api/v1/me/delete', { confirm: true } satisfies DeleteAccountBody),
  myPoints: () => http.get<MyPointsDto>('/api/v1/me/points'),
  setListed: (listed: boolean) => http.post<MyPointsDto>('/api/v1/me/points/listing', { listed } satisfies PointsListingBody),
  /** No login needed: masked nicknames only. */
  topReporters: (month: string, districtCode?: string) =>
    http.get<TopReportersDto>(`/api/v1/public/top-reporters${queryString([['month', month], ['districtCode', districtCode]])}`),
}
