import { useEffect, useState } from 'react'
import type { OrgUnitDto } from '@finecity/types'
import { api } from '../services/api'

/**
 * The type-ahead over the caller's area (GET /api/v1/org/units?q=): asks after a 250 ms pause in typing and
 * drops answers to older text. null while nothing is typed; [] when nothing matched or the call failed.
 */
export function useUnitSearch(text: string): OrgUnitDto[] | null {
  const [found, setFound] = useState<OrgUnitDto[] | null>(null)
  useEffect(() => {
    const q = text.trim()
    if (!q) { setFound(null); return }
    let live = true
    const t = setTimeout(() => {
      api.searchUnits(q).then((items) => { if (live) setFound(items) }, () => { if (live) setFound([]) })
    }, 250)
    return () => { live = false; clearTimeout(t) }
  }, [text])
  return found
}
