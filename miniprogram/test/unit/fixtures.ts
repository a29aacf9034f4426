import type { CaseDto } from '@finecity/types'
import type { CategoryDto } from '../../src/lib/categories'

export const categories: CategoryDto[] = [
  { code: '01001', name: '供水井盖异常', bigClassCode: '01', bigClassName: '市政公用设施类', keywords: ['井盖'], common: false, urgent: true, hint: null, confusableWith: [] },
  { code: '06010', name: '暴露垃圾', bigClassCode: '06', bigClassName: '市容环境类', keywords: ['暴露垃圾'], common: true, urgent: false, hint: '看垃圾装在哪里', confusableWith: ['06011'] },
  { code: '06011', name: '积存垃圾渣土', bigClassCode: '06', bigClassName: '市容环境类', keywords: ['渣土'], common: true, urgent: false, hint: '看垃圾装在哪里', confusableWith: ['06010'] },
  { code: '06042', name: '垃圾站（箱）满溢', bigClassCode: '06', bigClassName: '市容环境类', keywords: ['垃圾桶'], common: false, urgent: false, hint: null, confusableWith: [] },
]

export function aCase(over: Partial<CaseDto> = {}): CaseDto {
  return {
    id: '11111111-1111-4111-8111-111111111111', caseNo: 'DL20261127-000001', state: 'dispatched', source: 'miniprogram',
    category: { code: '06010', name: '暴露垃圾', standardRef: 'GB/T 47678.5-2026' }, description: '人行道上有垃圾', anonymous: false,
    location: { lat: 38.892326, lng: 121.6386, address: null },
    grid: { code: '210202001010001', name: '海军广场街道第1社区网格01', level: 'grid' }, community: null, street: null,
    district: { code: '210202', name: '中山区', level: 'district' },
    responsible: { code: '210202001010001', name: '海军广场街道第1社区网格01', level: 'grid' }, complexity: 'simple',
    deadline: { dueAt: '2026-11-28T02:00:00.000Z', nationalDueAt: null, startedAt: '2026-11-27T02:00:00.000Z', calendar: 'natural', level: 'green', used: 0.1 },
    pendingExtension: null, reworkCount: 0, rating: null, mergedIntoId: null,
    createdAt: '2026-11-27T02:00:00.000Z', updatedAt: '2026-11-27T02:00:00.000Z', closedAt: null, version: 3,
    moderation: null, supervised: false, supervisionDueAt: null, locationPending: false, photos: [], events: [], allowedActions: [], ...over,
  }
}
