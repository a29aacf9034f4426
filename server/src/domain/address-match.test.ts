import { describe, expect, it } from '@jest/globals';
import { foldAddress, matchAddress, type NamedPlace } from './address-match.js';

const places: NamedPlace[] = [
  { code: '210200', name: '大连市', level: 'city', path: '/210200/' },
  { code: '210202', name: '中山区', level: 'district', path: '/210200/210202/' },
  { code: '210203', name: '西岗区', level: 'district', path: '/210200/210203/' },
  { code: 'S1', name: '人民路街道', level: 'street', path: '/210200/210202/S1/' },
  { code: 'C1', name: '人民路街道第1社区', level: 'community', path: '/210200/210202/S1/C1/' },
  { code: 'C12', name: '人民路街道第12社区', level: 'community', path: '/210200/210202/S1/C12/' },
  { code: 'D1', name: '中山区城管综合服务抢修小分队', level: 'department', path: '/210200/210202/D1/' },
  { code: 'X1', name: '白云街道', level: 'street', path: '/210200/210202/X1/' },
  { code: 'Y1', name: '白云', level: 'community', path: '/210200/210202/X1/Y1/' },
];

describe('matchAddress', () => {
  it('picks the longest name contained in the address', () => {
    expect(matchAddress('辽宁省大连市中山区人民路街道第12社区东港商务区5号', places)?.code).toBe('C12');
    expect(matchAddress('大连市中山区人民路街道第1社区', places)?.code).toBe('C1');
    expect(matchAddress('大连市中山区人民路街道 港湾街口', places)?.code).toBe('S1');
    expect(matchAddress('大连市西岗区某小区门口', places)?.code).toBe('210203');
  });

  it('never matches the city alone, a handling unit, or nothing', () => {
    expect(matchAddress('大连市某地', places)).toBeNull();
    expect(matchAddress('中山区城管综合服务抢修小分队门口', places)?.code).toBe('210202');
    expect(matchAddress('北京市朝阳区', places)).toBeNull();
    expect(matchAddress('   ', places)).toBeNull();
  });

  it('prefers the longer name over a shorter deeper one, and the deeper at equal length', () => {
    expect(matchAddress('白云街道口', places)?.code).toBe('X1');
    const tie: NamedPlace[] = [
      { code: 'S', name: '星海湾街道', level: 'street', path: '/a/S/' },
      { code: 'C', name: '星海湾街道', level: 'community', path: '/a/S/C/' },
    ];
    expect(matchAddress('星海湾街道', tie)?.code).toBe('C');
  });

  it('folds full-width characters and spaces', () => {
    expect(foldAddress('人民路街道　第１２社区')).toBe('人民路街道第12社区');
    expect(matchAddress('中山区 人民路街道 第１２社区', places)?.code).toBe('C12');
  });
});
