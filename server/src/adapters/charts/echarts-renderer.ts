import * as echarts from 'echarts';
import sharp from 'sharp';
import type { ChartRenderer } from '../../usecases/assessment/chart-ports.js';

/**
 * Charts drawn on the server: ECharts server-side rendering to an SVG string
 * (https://echarts.apache.org/handbook/en/how-to/cross-platform/server/), then sharp (librsvg) to PNG.
 * The text is set in Noto Sans CJK SC (Debian fonts-noto-cjk, installed in CI) so Chinese renders; librsvg
 * finds it through fontconfig.
 *
 * WeCom group robots take an image as the base64 of a JPG or PNG of at most 2 MB
 * (https://developer.work.weixin.qq.com/document/path/91770, 图片类型): a PNG larger than that is drawn
 * again with a palette (quantised), which a flat bar chart survives without visible loss.
 */
export const CHART_FONT = 'Noto Sans CJK SC';
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
const MAX_SIDE = 4000;

export function svgOf(option: Record<string, unknown>, size: { width: number; height: number }): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: size.width, height: size.height });
  try {
    chart.setOption({ animation: false, backgroundColor: '#ffffff', textStyle: { fontFamily: CHART_FONT }, ...option });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

export function echartsRenderer(): ChartRenderer {
  return {
    async png(option, size) {
      if (!(size.width > 0 && size.height > 0 && size.width <= MAX_SIDE && size.height <= MAX_SIDE)) throw new RangeError(`chart size out of range: ${size.width}×${size.height}`);
      const svg = Buffer.from(svgOf(option, size), 'utf8');
      const png = await sharp(svg).png({ compressionLevel: 9 }).toBuffer();
      if (png.length <= MAX_IMAGE_BYTES) return png;
      const small = await sharp(svg).png({ compressionLevel: 9, palette: true, colours: 64 }).toBuffer();
      if (small.length <= MAX_IMAGE_BYTES) return small;
      throw new RangeError(`chart image is ${small.length} bytes, over the robot's 2 MB limit`);
    },
  };
}
