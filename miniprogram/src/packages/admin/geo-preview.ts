// A drawn preview of grid polygons (GeoJSON, WGS-84 [lng, lat], RFC 7946) as an SVG data URI: the tree's
// grids, or an import file's features with the ones that have error findings in red. Pure code.
import type { OrgImportFinding, OrgTreeNodeDto } from '@finecity/types'

export interface Shape {
  code: string
  name: string
  /** Outer and inner rings of every polygon, as [lng, lat] pairs. */
  rings: number[][][]
}

type Geometry = { type?: unknown; coordinates?: unknown } | null | undefined

function ringsOf(g: Geometry): number[][][] {
  if (!g || !Array.isArray(g.coordinates)) return []
  const polys = g.type === 'Polygon' ? [g.coordinates] : g.type === 'MultiPolygon' ? g.coordinates : []
  const out: number[][][] = []
  for (const poly of polys as unknown[]) {
    if (!Array.isArray(poly)) continue
    for (const ring of poly) {
      if (!Array.isArray(ring)) continue
      const pts = ring.filter((p): p is number[] => Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number' && Number.isFinite(p[0]) && Number.isFinite(p[1]))
      if (pts.length >= 3) out.push(pts)
    }
  }
  return out
}

/** The grids below a tree node (its children, when they carry geometry). */
export function shapesOfTree(node: OrgTreeNodeDto): Shape[] {
  const nodes = node.geometry ? [node] : (node.children ?? [])
  return nodes.map((n) => ({ code: n.code, name: n.name, rings: ringsOf(n.geometry) })).filter((s) => s.rings.length)
}

/** The features of an import file; an unreadable file gives no shapes (the server's findings say why). */
export function shapesOfFile(text: string): Shape[] {
  let json: unknown
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch {
    return []
  }
  const features = (json as { features?: unknown })?.features
  if (!Array.isArray(features)) return []
  return features.map((f, i) => {
    const props = ((f as { properties?: Record<string, unknown> })?.properties ?? {}) as Record<string, unknown>
    return { code: String(props.code ?? `#${i + 1}`), name: String(props.name ?? ''), rings: ringsOf((f as { geometry?: Geometry })?.geometry) }
  }).filter((s) => s.rings.length)
}

/** Codes that have an error (red) or only warnings (amber). */
export function findingTone(findings: OrgImportFinding[]): Map<string, 'error' | 'warning'> {
  const tone = new Map<string, 'error' | 'warning'>()
  for (const f of findings) if (f.severity === 'error' || !tone.has(f.code)) tone.set(f.code, f.severity)
  return tone
}

const FILL = { ok: ['#d6e6ff', '#0958d9'], error: ['#fde2e0', '#d93025'], warning: ['#fff1c2', '#b7791f'] } as const

/**
 * The shapes in a box of `width` × `height` (equirectangular, longitudes shrunk by cos(latitude) so squares
 * stay square at Dalian's 39° N), as a data: URI an <image> shows on H5 and in the weapp alike.
 */
export function previewSvg(shapes: Shape[], tone: Map<string, 'error' | 'warning'> = new Map(), width = 720, height = 480): string | null {
  const pts = shapes.flatMap((s) => s.rings.flat())
  if (!pts.length) return null
  const lngs = pts.map((p) => p[0]!)
  const lats = pts.map((p) => p[1]!)
  const [minLng, maxLng, minLat, maxLat] = [Math.min(...lngs), Math.max(...lngs), Math.min(...lats), Math.max(...lats)]
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180)
  const pad = 12
  const spanX = Math.max((maxLng - minLng) * k, 1e-9)
  const spanY = Math.max(maxLat - minLat, 1e-9)
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY)
  const ox = (width - spanX * scale) / 2
  const oy = (height - spanY * scale) / 2
  const xy = (p: number[]) => `${(ox + (p[0]! - minLng) * k * scale).toFixed(1)},${(oy + (maxLat - p[1]!) * scale).toFixed(1)}`
  const paths = shapes.map((s) => {
    const [fill, stroke] = FILL[tone.get(s.code) ?? 'ok']
    const d = s.rings.map((r) => `M${r.map(xy).join('L')}Z`).join('')
    return `<path d="${d}" fill="${fill}" stroke="${stroke}" stroke-width="1.5" fill-rule="evenodd"/>`
  })
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f8fafc"/>${paths.join('')}</svg>`
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
}
