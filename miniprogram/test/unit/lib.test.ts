import { describe, expect, it } from '@jest/globals'
import { buildMultipart, sniffImageType, utf8 } from '../../src/lib/multipart'
import { gcj02ToWgs84, wgs84ToGcj02 } from '../../src/lib/coords'
import { searchCategories, confusables } from '../../src/lib/categories'
import { byUrgency, countLevels } from '../../src/lib/inbox'
import { newIdempotencyKey } from '../../src/lib/ids'
import { beijingDate, beijingMonth, dateRangeError, dueText, isDate } from '../../src/lib/time'
import { distanceM } from '../../src/lib/geo'
import { checkInLine, distanceText, dutyText, eventCheckIn } from '../../src/lib/labels'
import { rateText, unitSummary } from '../../src/lib/stats'
import { aCase, categories } from './fixtures'

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1')

describe('multipart body built by hand for the weapp', () => {
  it('holds every field and every file in one body, UTF-8 encoded, with the closing boundary', () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])
    const body = buildMultipart({ description: '井盖缺失', lat: '38.9' }, [
      { field: 'photos', filename: 'a.jpg', contentType: sniffImageType(jpeg), data: jpeg },
      { field: 'photos', filename: 'b.jpg', contentType: 'image/jpeg', data: jpeg },
    ], 'XyZ')
    const s = text(body)
    expect(s).toContain(`name="description"\r\n\r\n${Buffer.from('井盖缺失').toString('latin1')}\r\n`)
    expect(s.match(/name="photos"; filename=/g)).toHaveLength(2)
    expect(s).toContain('Content-Type: image/jpeg')
    expect(s.endsWith('--XyZ--\r\n')).toBe(true)
    expect(Buffer.from(utf8('大连😀')).toString('utf8')).toBe('大连😀')
  })
})

describe('coordinates', () => {
  it('turns a GCJ-02 map pin back into the WGS-84 point the API wants, to within a metre', () => {
    const wgs = { lat: 38.892326, lng: 121.6386 }
    const gcj = wgs84ToGcj02(wgs)
    expect(distanceM(wgs, gcj)).toBeGreaterThan(100) // the datum shift is real in Dalian
    expect(distanceM(wgs, gcj02ToWgs84(gcj))).toBeLessThan(1)
  })
})

describe('category search', () => {
  it('lists common matters first and finds by keyword; confusable pairs resolve to categories', () => {
    expect(searchCategories(categories, '').map((c) => c.code).slice(0, 2)).toEqual(['06010', '06011'])
    expect(searchCategories(categories, '井盖').map((c) => c.code)).toEqual(['01001'])
    expect(searchCategories(categories, '渣土').map((c) => c.code)).toEqual(['06011'])
    expect(confusables(categories, categories[1]!).map((c) => c.name)).toEqual(['积存垃圾渣土'])
  })
})

describe('inbox order', () => {
  const due = (level: 'green' | 'yellow' | 'red' | 'overdue', dueAt: string) => ({ dueAt, nationalDueAt: null, startedAt: '2026-11-27T00:00:00Z', calendar: 'natural' as const, level, used: 0.5 })
  it('sorts overdue, then red, yellow, green, then by due time', () => {
    const items = [aCase({ id: 'g', deadline: due('green', '2026-11-27T09:00:00Z') }), aCase({ id: 'o', deadline: due('overdue', '2026-11-27T07:00:00Z') }),
      aCase({ id: 'r2', deadline: due('red', '2026-11-27T12:00:00Z') }), aCase({ id: 'r1', deadline: due('red', '2026-11-27T10:00:00Z') })]
    expect(items.sort(byUrgency).map((c) => c.id)).toEqual(['o', 'r1', 'r2', 'g'])
    expect(countLevels(items)).toEqual({ overdue: 1, red: 2, yellow: 0, green: 1 })
  })
})

describe('check-in, duty and figures in words', () => {
  const event = (data: Record<string, unknown>) => ({ seq: 4, action: 'sign' as const, fromState: 'dispatched' as const, toState: 'in_progress' as const, actor: { id: 'u', role: 'inspector' as const }, at: '2026-11-27T08:00:00Z', note: null, photos: [], data })
  it('reads the check-in the server recorded and says how far it was', () => {
    expect(eventCheckIn(event({ checkIn: { lat: 38.9, lng: 121.6, distanceM: 34.6, onSite: true } }))).toMatchObject({ distanceM: 34.6, onSite: true })
    expect(eventCheckIn(event({}))).toBeNull()
    expect(eventCheckIn(event({ checkIn: { lat: 38.9 } }))).toBeNull()
    expect(checkInLine({ lat: 38.9, lng: 121.6, distanceM: 34.6, onSite: true })).toBe('现场打卡：距问题点约 35 米')
    expect(checkInLine({ lat: 38.9, lng: 121.6, distanceM: 1234, onSite: false })).toBe('不在现场（约 1.2 公里）')
    expect(distanceText(999.6)).toBe('约 1.0 公里')
  })
  it('names the A/B post and whether it is on duty today', () => {
    expect(dutyText({ slot: 'A', onDuty: true })).toBe('A 岗 · 今日值班')
    expect(dutyText({ slot: 'B', onDuty: false })).toBe('B 岗 · 今日备班')
  })
  it('shows the on-time rate, or a dash when nothing closed, and reads a ranked unit aloud', () => {
    expect(rateText(95.5)).toBe('95.5%')
    expect(rateText(null)).toBe('—')
    const u = { code: '210202', name: '中山区', level: 'district' as const, reported: 12, closed: 10, closedOnTime: 9, onTimeRate: 90, open: 5, overdue: 1 }
    expect(unitSummary(u, 1)).toBe('第 1 名 中山区，按期结案率 90%，办结 10 件其中按期 9 件，上报 12 件，超时 1 件')
  })
})

describe('small helpers', () => {
  it('makes idempotency keys the server accepts', () => {
    const k = newIdempotencyKey()
    expect(k).toMatch(/^[A-Za-z0-9_.:-]{8,100}$/)
    expect(newIdempotencyKey()).not.toBe(k)
  })
  it('says how long is left or how late it is', () => {
    const d = { dueAt: '2026-11-27T10:30:00Z', nationalDueAt: null, startedAt: '2026-11-27T00:00:00Z', calendar: 'natural' as const, level: 'red' as const, used: 0.8 }
    expect(dueText(d, new Date('2026-11-27T08:00:00Z'))).toBe('剩 2 小时 30 分')
    expect(dueText({ ...d, level: 'overdue' }, new Date('2026-11-27T13:30:00Z'))).toBe('超时 3 小时 0 分')
  })
})

describe('Beijing calendar dates for filters', () => {
  // 2026-12-31 17:30 UTC is already 2027-01-01 01:30 in Beijing.
  const late = new Date('2026-12-31T17:30:00Z')
  it('counts days and months on the Beijing calendar, whatever the device zone', () => {
    expect(beijingDate(late)).toBe('2027-01-01')
    expect(beijingDate(late, -1)).toBe('2026-12-31')
    expect(beijingDate(late, -366)).toBe('2025-12-31')
    expect(beijingMonth(late)).toBe('2027-01')
  })
  it('takes only real calendar days and a from no later than to', () => {
    expect([isDate('2026-12-03'), isDate('2028-02-29'), isDate('2026-02-29'), isDate('2026-12-3'), isDate('2026-13-01')]).toEqual([true, true, false, false, false])
    expect(dateRangeError('', '')).toBeNull()
    expect(dateRangeError('2026-12-01', '2026-12-03')).toBeNull()
    expect(dateRangeError('2026-02-30', '')).toBe('日期格式为 2026-12-03')
    expect(dateRangeError('2026-12-03', '2026-12-01')).toBe('开始日期不能晚于结束日期')
  })
})
