import { describe, expect, it } from '@jest/globals'
import type { AuditEntryDto, OrgImportFinding } from '@finecity/types'
import { actionText, actorText, beijingTime, beijingToday, entityText, snapshotText } from '../../src/packages/admin/labels'
import { findingTone, previewSvg, shapesOfFile, shapesOfTree } from '../../src/packages/admin/geo-preview'

const entry = (o: Partial<AuditEntryDto>): AuditEntryDto => ({
  id: 1, at: '2026-12-02T05:57:00.000Z', actorId: 'u1', actorName: '张三', actorRole: 'admin', action: 'staff.import', entityType: 'user', entityId: 'x', entityName: null,
  orgNodeCode: '210200', before: null, after: null, note: null, ...o,
})

describe('the admin console in words', () => {
  it('shows times in Beijing time whatever the device zone, without ISO', () => {
    expect(beijingTime('2026-12-02T05:57:00.000Z')).toBe('2026-12-02 13:57')
    expect(beijingTime('2026-12-31T16:30:00Z')).toBe('2027-01-01 00:30')
    expect(beijingToday(new Date('2026-11-30T17:00:00Z'))).toEqual({ year: 2026, month: 12, day: 1 })
  })

  it('names every audit action and entity in Chinese, never with its code', () => {
    for (const a of ['staff.import', 'staff.invite', 'staff.invite_resend', 'staff.bind', 'staff.bind_refused', 'staff.deactivate', 'case.handover', 'duty.update', 'calendar.update', 'staff.something_new', 'org.new_thing']) {
      expect(actionText(a)).toMatch(/^[\u4e00-\u9fa5]+$/)
    }
    expect(entityText('user')).toBe('人员')
    expect(entityText('unknown_thing')).toBe('其他')
    expect(actorText(entry({}))).toBe('张三 · 管理员')
    expect(actorText(entry({ actorName: null, actorRole: 'system' }))).toBe('系统')
  })

  it('summarises before/after snapshots in Chinese: statuses, roles, posts, rota changes; ids and openids left out', () => {
    const after = { name: '王五', mobile: '139****1234', roles: ['inspector'], orgNodeCode: '210202001010001', post: 'A', wecomUserid: null, status: 'invited' }
    expect(snapshotText(after)).toBe('姓名 王五；手机 139****1234；角色 网格员；单位编码 210202001010001；A 岗；状态 待激活')
    expect(snapshotText({ status: 'active', openid: 'o-secret', via: 'invite_code' })).toBe('状态 已激活；已绑定微信；方式 短信激活码')
    expect(snapshotText({ openid: 'o-secret' })).not.toContain('o-secret')
    expect(snapshotText({ rule: 'alternate_weeks', overrides: [{ date: '2026-12-15', slot: 'B' }, { date: '2026-12-16', slot: null }] }))
      .toBe('值班规则 单双周轮值（双周 A 岗）；指定日期 12-15 B 岗，12-16 按规则')
    expect(snapshotText({ invitationId: 7, expiresAt: '2026-12-09T02:00:00.000Z' })).toBe('有效期至 2026-12-09 10:00')
    expect(snapshotText(null)).toBe('—')
  })
})

describe('grid polygon preview', () => {
  const square = (x: number, y: number) => [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]]
  const file = JSON.stringify({
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { code: 'G1', name: '一' }, geometry: { type: 'Polygon', coordinates: square(121.6, 38.9) } },
      { type: 'Feature', properties: { code: 'G2', name: '二' }, geometry: { type: 'MultiPolygon', coordinates: [square(121.62, 38.9)] } },
      { type: 'Feature', properties: { code: 'G3' }, geometry: null },
    ],
  })

  it('reads polygons and multipolygons from a file and a tree; an unreadable file draws nothing', () => {
    expect(shapesOfFile(file).map((s) => s.code)).toEqual(['G1', 'G2'])
    expect(shapesOfFile('not json')).toEqual([])
    expect(shapesOfTree({ code: 'C', name: '社区', level: 'community', parentCode: null, gridType: null, hasChildren: true, children: [
      { code: 'G1', name: '一', level: 'grid', parentCode: 'C', gridType: null, hasChildren: false, geometry: { type: 'Polygon', coordinates: square(121.6, 38.9) } },
    ] })).toHaveLength(1)
    expect(previewSvg([])).toBeNull()
  })

  it('draws every shape inside the box, the ones with errors in red', () => {
    const findings: OrgImportFinding[] = [{ code: 'G2', kind: 'overlap', message: '重叠', severity: 'error' }, { code: 'G2', kind: 'gap', message: '缝隙', severity: 'warning' }]
    const svg = decodeURIComponent(previewSvg(shapesOfFile(file), findingTone(findings), 720, 480)!.split(',').slice(1).join(','))
    expect(svg.match(/<path /g)).toHaveLength(2)
    expect(svg).toContain('stroke="#d93025"')
    for (const n of svg.matchAll(/([\d.]+),([\d.]+)/g)) {
      expect(Number(n[1])).toBeLessThanOrEqual(720)
      expect(Number(n[2])).toBeLessThanOrEqual(480)
    }
  })
})
