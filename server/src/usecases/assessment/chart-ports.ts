/**
 * Charts as images, for the group reports (a WeCom robot shows an image, not a script) and for the weapp's
 * leader pages. The option is an ECharts option object (https://echarts.apache.org/en/option.html); the
 * renderer draws it on the server (ECharts SSR to SVG, then PNG) with CJK fonts.
 */
export interface ChartRenderer {
  png(option: Record<string, unknown>, size: { width: number; height: number }): Promise<Buffer>;
}
