import { describe, expect, it } from '@jest/globals';
import { charCount, normaliseTemplateData, normaliseValue, valueTypeOf } from './wechat-values.js';

describe('WeChat template value normalisation', () => {
  it('reads the type from the data key prefix', () => {
    expect(valueTypeOf('thing2')).toBe('thing');
    expect(valueTypeOf('character_string1')).toBe('character_string');
    expect(valueTypeOf('phone_number12')).toBe('phone_number');
    expect(valueTypeOf('car_number3')).toBe('car_number');
    expect(valueTypeOf('keyword1')).toBeNull();
    expect(valueTypeOf('thing')).toBeNull();
  });

  it('keeps a thing within 20 characters, ending a cut one with an ellipsis', () => {
    expect(normaliseValue('thing', '暴露垃圾')).toBe('暴露垃圾');
    const long = '中山区桃源街道第三社区网格七号楼前人行道上的暴露垃圾堆放';
    const out = normaliseValue('thing', long);
    expect(charCount(out)).toBe(20);
    expect(out.endsWith('…')).toBe(true);
    expect(out.startsWith('中山区桃源街道')).toBe(true);
    expect(normaliseValue('thing', 'x'.repeat(20))).toBe('x'.repeat(20));
  });

  it('flattens newlines and control characters and never sends an empty value', () => {
    expect(normaliseValue('thing', '第一行\n第二行\t 结束')).toBe('第一行 第二行 结束');
    expect(normaliseValue('thing', '   ')).toBe('无');
    expect(normaliseValue('phrase', '')).toBe('无');
  });

  it('counts characters as code points, so an emoji is one', () => {
    const v = `${'问'.repeat(19)}😀`;
    expect(normaliseValue('thing', v)).toBe(v);
  });

  it('keeps a character_string to 32 of [A-Za-z0-9_-.]', () => {
    expect(normaliseValue('character_string', 'DL20261127-000123')).toBe('DL20261127-000123');
    expect(normaliseValue('character_string', '案件 DL2026/11#27')).toBe('DL20261127');
    expect(normaliseValue('character_string', 'A'.repeat(40))).toHaveLength(32);
  });

  it('keeps a phrase to at most 5 Chinese characters', () => {
    expect(normaliseValue('phrase', '已受理')).toBe('已受理');
    expect(normaliseValue('phrase', '处理中(2)')).toBe('处理中');
    expect(normaliseValue('phrase', '已经办结完成了')).toBe('已经办结完');
  });

  it('formats an instant as YYYY-MM-DD HH:mm in Asia/Shanghai', () => {
    expect(normaliseValue('time', '2026-11-25T02:00:00Z')).toBe('2026-11-25 10:00');
    expect(normaliseValue('time', '2026-11-25T20:30:00.000Z')).toBe('2026-11-26 04:30');
    expect(normaliseValue('time', '2026-11-25T10:00:00+08:00')).toBe('2026-11-25 10:00');
    expect(normaliseValue('time', '2026-11-25T09:15')).toBe('2026-11-25 09:15');
    expect(normaliseValue('time', '2026-11-25T02:00:00Z~2026-11-25T04:00:00Z')).toBe('2026-11-25 10:00~2026-11-25 12:00');
    expect(normaliseValue('time', '14:30')).toBe('14:30');
    expect(normaliseValue('date', '2026-11-25')).toBe('2026-11-25');
  });

  it('makes numbers, letters, symbols, amounts, phone numbers, names and car numbers legal', () => {
    expect(normaliseValue('number', '共 12 件')).toBe('12');
    expect(normaliseValue('number', '3.25')).toBe('3.25');
    expect(normaliseValue('number', 'none')).toBe('0');
    expect(normaliseValue('letter', 'A-B c1')).toBe('ABc');
    expect(normaliseValue('symbol', '★abc☆!!??')).toBe('★☆!!?');
    expect(normaliseValue('amount', '1,200.5')).toBe('1200.5元');
    expect(normaliseValue('phone_number', '0411 6585 1314')).toBe('041165851314');
    expect(normaliseValue('phone_number', '0411-65851314')).toBe('0411-65851314');
    expect(normaliseValue('name', '张三')).toBe('张三');
    expect(normaliseValue('name', '欧阳网格员甲乙丙丁戊己庚')).toBe('欧阳网格员甲乙丙丁戊');
    expect(normaliseValue('name', 'Grid Inspector Wang Xiaoming')).toBe('Grid Inspector Wang');
    expect(normaliseValue('car_number', '辽B·12345')).toBe('辽B12345');
    expect(normaliseValue('car_number', '辽b 1234学')).toBe('辽B1234学');
    expect(normaliseValue('car_number', '辽B中12345')).toBe('辽B12345');
  });

  it('passes keys of no known type through, trimmed', () => {
    expect(normaliseValue(null, '  请及时处理  ')).toBe('请及时处理');
  });

  it('normalises a whole template payload by key', () => {
    expect(
      normaliseTemplateData({
        character_string1: 'DL20261127-000123',
        thing2: '道路不洁',
        phrase3: '已受理',
        time4: '2026-11-27T01:05:00Z',
        thing5: '',
      }),
    ).toEqual({ character_string1: 'DL20261127-000123', thing2: '道路不洁', phrase3: '已受理', time4: '2026-11-27 09:05', thing5: '无' });
  });
});
