import type { MapGeometryDto } from '@finecity/types'

type Pt = [number, number]

function inside([x, y]: Pt, ring: Pt[]): boolean {
  let hit = false
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit
  }
  return hit
}

const span = (ring: Pt[]) => {
  const xs = ring.map((p) => p[0])
  const ys = ring.map((p) => p[1])
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) }
}

/**
 * A point inside a region's largest part, near the middle of its extent: where a label goes and where a
 * finger (or a test) taps it. The middle of the extent when it is inside, else the nearest inside point of a
 * 15 × 15 lattice over the extent.
 */
export function labelPoint(g: MapGeometryDto): Pt {
  const outers = (g.type === 'Polygon' ? [g.coordinates] : g.coordinates).map((p) => p[0]!)
  const area = (r: Pt[]) => { const s = span(r); return (s.x1 - s.x0) * (s.y1 - s.y0) }
  const ring = outers.reduce((a, b) => (area(b) > area(a) ? b : a))
  const s = span(ring)
  const mid: Pt = [(s.x0 + s.x1) / 2, (s.y0 + s.y1) / 2]
  if (inside(mid, ring)) return mid
  let best: Pt = ring[0]!
  let bestD = Infinity
  for (let i = 1; i < 15; i++) {
    for (let j = 1; j < 15; j++) {
      const p: Pt = [s.x0 + ((s.x1 - s.x0) * i) / 15, s.y0 + ((s.y1 - s.y0) * j) / 15]
      const d = (p[0] - mid[0]) ** 2 + (p[1] - mid[1]) ** 2
      if (d < bestD && inside(p, ring)) { best = p; bestD = d }
    }
  }
  return best
}
