// Only the ECharts parts the leader pages draw (https://echarts.apache.org/handbook/en/basics/import/#shrinking-bundle-size):
// loaded with a dynamic import, so neither the main package nor the dashboard's first paint carries them.
import { use, init, registerMap, type EChartsType } from 'echarts/core'
import { BarChart, LineChart, MapChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([LineChart, BarChart, MapChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer])

export { init, registerMap }
export type { EChartsType }
