import type { CaseListQuery } from '@finecity/types'

export interface Queue {
  key: string
  label: string
  /** The server does all the narrowing (state, pending extension, deadline colour): counts are exact. */
  query: CaseListQuery
}

export const QUEUES: Queue[] = [
  { key: 'incoming', label: '待受理', query: { state: ['submitted'] } },
  { key: 'registered', label: '待派遣', query: { state: ['registered'] } },
  { key: 'extensions', label: '延期审批', query: { pendingExtension: true } },
  { key: 'verify', label: '待核查', query: { state: ['handled'] } },
  { key: 'overdue', label: '超时督办', query: { due: ['red', 'overdue'] } },
  { key: 'all', label: '全部', query: {} },
]
