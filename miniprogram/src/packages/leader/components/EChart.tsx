import { View } from '@tarojs/components'
import { useEffect, useRef, useState } from 'react'
import type { AssessmentMapDto } from '@finecity/types'
import type * as EchartsSetup from './echarts-setup'
import { labelPoint } from './label-point'

type Setup = typeof EchartsSetup
type Chart = ReturnType<Setup['init']>

interface Props {
  id: string
  className: string
  /** What a screen reader hears for the canvas; the figures are also in the page's tables. */
  label: string
  option: Record<string, unknown> | null
  /** A map to register before the option that draws it (series-map `map: geo.name`). */
  geo?: { name: string; json: AssessmentMapDto }
  /** A click on a map region or a bar, by its name. */
  onPick?: (name: string) => void
}

/**
 * One ECharts canvas (H5 only: the weapp shows the same figures as tables). ECharts itself is imported
 * on first use, so it stays out of the main package and out of the pages that draw no chart.
 * A map's region tap points (pixels) are written to data-regions, for keyboardless checks and tests.
 */
export default function EChart({ id, className, label, option, geo, onPick }: Props) {
  const box = useRef<HTMLElement>(null)
  const [chart, setChart] = useState<{ ec: Setup; c: Chart } | null>(null)
  const pick = useRef(onPick)
  pick.current = onPick
  /** Writes where each region of the drawn map is (pixels in the box), after every draw and resize. */
  const marks = useRef<() => void>(() => undefined)

  useEffect(() => {
    let gone = false
    let made: Chart | null = null
    let watch: ResizeObserver | null = null
    const resize = () => made?.resize()
    // The import sits inside this constant branch so the weapp build (TARO_ENV 'weapp') drops it and never bundles ECharts.
    if (process.env.TARO_ENV === 'h5') {
      // The box changes size with the layout (a panel spanning rows, the window, a screenshot's viewport).
      watch = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(resize)
      void import('./echarts-setup').then((ec) => {
        if (gone || !box.current) return
        made = ec.init(box.current as HTMLElement)
        made.on('click', (p) => { if (typeof p.name === 'string' && p.name) pick.current?.(p.name) })
        made.on('finished', () => marks.current())
        window.addEventListener('resize', resize)
        watch?.observe(box.current as HTMLElement)
        setChart({ ec, c: made })
      })
    }
    return () => {
      gone = true
      window.removeEventListener('resize', resize)
      watch?.disconnect()
      made?.dispose()
    }
  }, [])

  useEffect(() => {
    if (!chart || !option) return
    if (geo) chart.ec.registerMap(geo.name, geo.json as never)
    marks.current = () => {
      const el = box.current as HTMLElement | null
      if (!geo || !el || chart.c.isDisposed()) return
      const regions = geo.json.features.map((f) => {
        const [x, y] = chart.c.convertToPixel({ seriesIndex: 0 }, labelPoint(f.geometry)) as unknown as number[]
        return { name: f.properties.name, x: Math.round(x ?? 0), y: Math.round(y ?? 0) }
      })
      el.setAttribute('data-regions', JSON.stringify(regions))
    }
    chart.c.setOption(option as never, { notMerge: true })
    marks.current()
  }, [chart, option, geo])

  return <View id={id} ref={box as never} className={className} role='img' aria-label={label} />
}
