import type { CaseDto, CaseState } from '@finecity/types'
import type { CaseQuery } from '../../../../services/api'

export interface Queue {
  key: string
  label: string
  query: CaseQuery
  /** Narrowing the API cannot do yet (pending extensions, deadline colour). */
  keep?: (c: CaseDto) => boolean
}

const OPEN: CaseState[] = ['submitted', 'registered', 'dispatched', 'in_progress', 'handled', 'suspended']

export const QUEUES: Queue[] = [
  { key: 'incoming', label: '待受理', query: { state: ['submitted'] } },
  { key: 'registered', label: '待派遣', query: { state: ['registered'] } },
  { key: 'extensions', label: '延期审批', query: { state: ['dispatched', 'in_progress'], pageSize: 100 }, keep: (c) => !!c.pendingExtension },
  { key: 'verify', label: '待核查', query: { state: ['handled'] } },
  { key: 'overdue', label: '超时督办', query: { state: OPEN, pageSize: 100 }, keep: (c) => c.deadline?.level === 'overdue' || c.deadline?.level === 'red' },
  { key: 'all', label: '全部', query: {} },
]
