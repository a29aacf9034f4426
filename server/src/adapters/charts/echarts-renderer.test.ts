import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { rankingChart } from '../../domain/assessment/report-text.js';
import { echartsRenderer, MAX_IMAGE_BYTES } from './echarts-renderer.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const titled = (text: string) => ({ title: { text, left: 'center', top: 'middle', textStyle: { fontSize: 48 } } });

/** The pixels that are not background: how much ink a picture holds. */
async function ink(png: Buffer): Promise<number> {
  const { data } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  return data.reduce((n, v) => n + (v < 200 ? 1 : 0), 0);
}

describe('the ECharts renderer', () => {
  const charts = echartsRenderer();

  it('draws a ranking bar chart as a PNG within the WeCom robot image limit, at the size asked', async () => {
    const names = Array.from({ length: 37 }, (_, i) => `第${i + 1}街道`);
    const png = await charts.png(rankingChart('大连市各街道综合指标值排名', '2026年11月', names.map((name, i) => ({ name, value: 100 - i })), '综合指标值'), { width: 900, height: 1452 });
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(png.length).toBeLessThanOrEqual(MAX_IMAGE_BYTES);
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', width: 900, height: 1452 });
  });

  it('renders Chinese text with glyphs (not blanks or boxes of one shape)', async () => {
    const size = { width: 600, height: 200 };
    const cjk = await charts.png(titled('按期结案率'), size);
    const blanks = await charts.png(titled('　　　　　'), size);
    const other = await charts.png(titled('综合指标值'), size);
    expect(await ink(blanks)).toBe(0);
    expect(await ink(cjk)).toBeGreaterThan(500);
    // Two different words draw different pictures: the font has the glyphs, not one "missing glyph" box for all.
    expect(cjk.equals(other)).toBe(false);
    expect(Math.abs((await ink(cjk)) - (await ink(other)))).toBeGreaterThan(0);
  });

  it('refuses a size no robot image could have', async () => {
    await expect(charts.png(titled('x'), { width: 0, height: 100 })).rejects.toThrow(RangeError);
  });
});
