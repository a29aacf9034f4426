import { OPEN_STATES, type CaseDto, type MapAreaDto, type UserDto } from '@finecity/types'
import { isHandler } from '../../../../lib/roles'
import { api, http } from '../../../../services/api'

/** The outlines of the caller's unit and the units directly below it (GET /api/v1/map/area). */
export const mapArea = () => http.get<MapAreaDto>('/api/v1/map/area')

/** The caller's open cases: their tasks for those who handle cases, else the open cases they may read. */
export async function openCases(user: UserDto): Promise<CaseDto[]> {
  if (isHandler(user)) return api.tasks()
  return (await api.listCases({ state: [...OPEN_STATES], pageSize: 100 })).items
}
