import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { useState } from 'react'
import Taro from '@tarojs/taro'
import type { AdminCategoryDto, StaffDto } from '@finecity/types'
import { storageMap } from './__mocks__/taro'
import { session } from '../../src/services/session'
import { ApiError } from '../../src/services/api'
import { buildUpdate, clockText, draftOf } from '../../src/packages/admin/category-form'
import { errorsUnder, fieldErrors } from '../../src/packages/admin/form-errors'
import { dayText, emptySub, substituteErrors } from '../../src/packages/admin/duty-form'
import { gridTypeCounts, gridTypeText, snapshotText } from '../../src/packages/admin/labels'
import StaffPicker, { staffQueryHint } from '../../src/packages/admin/StaffPicker'

const GRID_TYPES = ['居民区', '商业区（公共区）', '海边', '工地']

const category = (o: Partial<AdminCategoryDto> = {}): AdminCategoryDto => ({
  code: '06010', name: '暴露垃圾', bigClassCode: '06', bigClassName: '市容环境', department: { code: 'DEPT-HW', name: '大连市环境卫生管理中心' },
  hint: null, enabled: true, urgent: false,
  limits: { dalian: { calendar: 'natural', hours: { simple: 24, complex: 72, urgent: 4 } }, national: { calendar: 'working', hours: { simple: 8, complex: 40, urgent: 2 } } },
  ownLimits: null, gridTypeLimits: {}, ...o,
})

describe('the category editor builds the request for what changed', () => {
  it('sends nothing for an untouched form, and asks for a reason', () => {
    const c = category()
    const d = draftOf(c, GRID_TYPES)
    expect(buildUpdate(c, d)).toEqual({ body: null, errors: { reason: '请填写修改原因' } })
    expect(buildUpdate(c, { ...d, reason: '核对' })).toEqual({ body: null, errors: { _: '没有修改任何内容' } })
  })

  it('sends the name, department, hint and enabled flag only when edited (an emptied hint removes it)', () => {
    const c = category({ hint: '旧提示' })
    const d = { ...draftOf(c, GRID_TYPES), name: ' 垃圾暴露 ', department: 'DEPT-YL', hint: '', enabled: false, mapTo: '06011', reason: '调整' }
    expect(buildUpdate(c, d).body).toEqual({ name: '垃圾暴露', department: 'DEPT-YL', hint: null, enabled: false, mapOpenCasesTo: '06011', reason: '调整' })
  })

  it('writes only the changed hours into the category\'s own limits, over what is stored', () => {
    const c = category({ ownLimits: { national: { calendar: 'working' } } })
    const d = draftOf(c, GRID_TYPES)
    d.limits.dalian.hours.simple = '12'
    d.reason = '新标准'
    expect(buildUpdate(c, d).body).toEqual({ limits: { national: { calendar: 'working' }, dalian: { hours: { simple: 12 } } }, reason: '新标准' })
  })

  it('gives a grid type only what differs from the category, removes a type switched off, and leaves untouched types out', () => {
    const c = category({ gridTypeLimits: { 工地: { dalian: { calendar: 'natural', hours: { simple: 48, complex: 72, urgent: 4 } }, national: category().limits.national } } })
    const d = draftOf(c, GRID_TYPES)
    expect(d.gridTypes['工地']!.dalian.hours.simple).toBe('48')
    expect(d.gridTypes['海边']).toBeNull()
    d.gridTypes['海边'] = { dalian: { calendar: 'working', hours: { simple: '12', complex: '72', urgent: '4' } }, national: d.limits.national }
    d.gridTypes['工地'] = null
    d.reason = '海边网格单独标准'
    expect(buildUpdate(c, d).body).toEqual({ gridTypeLimits: { 海边: { dalian: { calendar: 'working', hours: { simple: 12 } } }, 工地: null }, reason: '海边网格单独标准' })
  })

  it('refuses hours that are not a positive number of at most 90 days, under their fields, in Chinese', () => {
    const c = category()
    const d = draftOf(c, GRID_TYPES)
    d.gridTypes['居民区'] = { ...(JSON.parse(JSON.stringify(d.limits)) as typeof d.limits), dalian: { calendar: 'natural', hours: { simple: '3000', complex: '72', urgent: '4' } } }
    d.limits.national.hours.urgent = '0'
    d.limits.dalian.hours.complex = ''
    d.reason = 'x'
    const { body, errors } = buildUpdate(c, d)
    expect(body).toBeNull()
    expect(errors).toEqual({
      'limits.national.hours.urgent': '国家标准（紧急）请填写大于 0 的小时数',
      'limits.dalian.hours.complex': '大连标准（复杂）请填写大于 0 的小时数',
      'gridTypeLimits.居民区.dalian.hours.simple': '大连标准（简易）不能超过 90 天（2160 小时）',
    })
    expect(errorsUnder(errors, 'gridTypeLimits.居民区')).toEqual(['大连标准（简易）不能超过 90 天（2160 小时）'])
  })

  it('says a clock in words', () => {
    expect(clockText({ calendar: 'working', hours: { simple: 8, complex: 40, urgent: 0.5 } })).toBe('简易 8 / 复杂 40 / 紧急 0.5 小时（工作时）')
  })
})

describe('the API\'s refusals next to their fields', () => {
  it('reads the 422 of categories, the 422 of the rota, a 400 and the 409 of a category with open cases', () => {
    expect(fieldErrors(new ApiError(422, 'category.invalid', '有 2 处错误', { fields: [{ field: 'name', message: '名称重复' }, { field: 'limits.dalian.hours.urgent', message: '紧急不能长于简易' }] })))
      .toEqual({ name: '名称重复', 'limits.dalian.hours.urgent': '紧急不能长于简易' })
    expect(fieldErrors(new ApiError(422, 'duty.invalid', '值班设置不正确', [{ field: 'substitutes.0.userId', message: '替班人须为在岗的工作人员' }, { field: 'substitutes.0.userId', message: '另一条' }])))
      .toEqual({ 'substitutes.0.userId': '替班人须为在岗的工作人员；另一条' })
    expect(fieldErrors(new ApiError(400, 'request.invalid', '请求参数不正确', [{ path: 'reason', message: '请填写修改原因', code: 'too_small' }]))).toEqual({ reason: '请填写修改原因' })
    expect(fieldErrors(new ApiError(409, 'category.has_open_cases', '该类别还有 3 件在办案件，请指定改到哪个类别后再停用', { openCases: 3 })))
      .toEqual({ mapOpenCasesTo: '该类别还有 3 件在办案件，请指定改到哪个类别后再停用' })
    expect(fieldErrors(new Error('网络'))).toEqual({})
  })
})

describe('a new substitute', () => {
  it('needs a person picked and two dates in order', () => {
    expect(substituteErrors(emptySub())).toEqual({ userId: '请先查找并选择替班人员', from: '请按 2026-12-01 的格式填写开始日期', to: '请按 2026-12-01 的格式填写结束日期' })
    const person = { id: 'u1', name: '张三' } as StaffDto
    expect(substituteErrors({ post: 'B', person, from: '2026-12-10', to: '2026-12-03' })).toEqual({ to: '结束日期不能早于开始日期' })
    expect(substituteErrors({ post: 'B', person, from: '2026-12-01', to: '2026-12-03' })).toEqual({})
    expect(dayText('2026-12-05')).toBe('12月5日')
  })
})

describe('grid types and category changes in words', () => {
  it('names grid types in Chinese, never a code', () => {
    expect(gridTypeText('商业区(公共区)')).toBe('商业区（公共区）')
    expect(gridTypeText(null)).toBe('未设类型')
    expect(gridTypeText('residential')).toBe('其他类型')
    expect(gridTypeCounts([{ level: 'grid', gridType: null }, { level: 'grid', gridType: '海边' }, { level: 'grid', gridType: '居民区' }, { level: 'grid', gridType: '居民区' }, { level: 'community' }]))
      .toBe('居民区 2 个、海边 1 个、未设类型 1 个')
  })

  it('summarises a category\'s and its limits\' audit snapshots', () => {
    expect(snapshotText({ name: '垃圾暴露', hint: '请拍清位置', enabled: false, version: 3 }, 'category')).toBe('名称 垃圾暴露；提示 请拍清位置；停用；第 3 版')
    expect(snapshotText({ own: null, byGridType: { 海边: { dalian: { calendar: 'working', hours: { simple: 12 } } } }, version: 4 }, 'category'))
      .toBe('类别时限 按大类和默认时限；海边网格 大连标准 按工作时计 简易 12 小时；第 4 版')
    expect(snapshotText({ name: '网格01', parentCode: '210202001010', gridType: '海边', geometry: { type: 'Polygon' } }, 'org_node')).toBe('名称 网格01；网格类型 海边')
    expect(snapshotText({ name: '网格01', gridType: null }, 'org_node')).toBe('名称 网格01；网格类型 未设类型')
    expect(snapshotText({ holidays: [{ date: '2026-12-24', name: '临时' }], workdays: [], recompute: { requested: true, examined: 5, changed: 2, caseNos: ['DL1', 'DL2'] } }))
      .toBe('休息日 1 天；调休上班 0 天；重算在办案件时限：检查 5 件，调整 2 件')
  })
})

type Req = { url: string; method: string }
const request = Taro.request as unknown as jest.Mock<(o: Req) => Promise<unknown>>
const person = (id: string, name: string): StaffDto => ({
  id, name, mobile: '139****0001', roles: ['inspector'], orgNodeCode: '210202001010002', orgNodeName: '第1社区网格02', post: 'B', status: 'active', wecomUserid: null,
})

function Harness({ onPick }: { onPick: (s: StaffDto | null) => void }) {
  const [v, setV] = useState<StaffDto | null>(null)
  return <StaffPicker id='sub-person' label='替班人员' value={v} search={{ orgNodeCode: '210202', status: 'active' }} onChange={(s) => { setV(s); onPick(s) }} />
}

describe('the staff type-ahead', () => {
  beforeEach(() => {
    jest.useFakeTimers()
    storageMap.clear()
    request.mockReset().mockImplementation(() => Promise.resolve({ statusCode: 200, data: { items: [person('u2', '李四'), person('u3', '李四海')], total: 2 }, header: {} }))
    session.save({ token: 'tok', user: { id: 'a1', name: '管理员', roles: ['admin'], orgNodeCode: '210200' } })
  })

  it('asks nothing until a name is typed, then lists people by name with role, unit and post; the one picked shows by name', async () => {
    const onPick = jest.fn()
    render(<Harness onPick={onPick} />)
    expect(request).not.toHaveBeenCalled()
    fireEvent.change(screen.getByLabelText('替班人员'), { target: { value: '李四' } })
    await act(async () => { jest.advanceTimersByTime(300) })
    expect(request.mock.calls.map((c) => c[0].url)).toEqual(['/api/v1/admin/staff?q=%E6%9D%8E%E5%9B%9B&orgNodeCode=210202&status=active&page=1&pageSize=8'])
    expect(screen.getByText('网格员 · 第1社区网格02 · B 岗', { selector: '#sub-person-opt-u3 span' })).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: /李四海/ }))
    expect(onPick).toHaveBeenCalledWith(expect.objectContaining({ id: 'u3', name: '李四海' }))
    expect(document.querySelector('#sub-person-chosen')!.textContent).toContain('李四海')
    expect(document.body.textContent).not.toContain('u3')
    fireEvent.click(screen.getByRole('button', { name: '清除替班人员：李四海' }))
    expect(onPick).toHaveBeenLastCalledWith(null)
    expect(screen.getByLabelText('替班人员')).toBeTruthy()
    jest.useRealTimers()
  })

  it('does not ask with part of a mobile number', () => {
    expect(staffQueryHint('1390000')).toContain('11 位')
    expect(staffQueryHint('13900000001')).toBeNull()
    expect(staffQueryHint('张')).toBeNull()
  })
})
