import { useCallback, useEffect, useRef, useState } from 'react'
import { useDidShow } from '@tarojs/taro'
import { errorText } from '../services/api'

/**
 * Load on every show (a page comes back after an action elsewhere) and when `deps` change, with error
 * text. One request per trigger: the first show and the first deps run are the same load.
 */
export function useRemote<T>(load: () => Promise<T>, enabled: boolean, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const latest = useRef(load)
  latest.current = load
  const reload = useCallback(async () => {
    if (!enabled) return
    setLoading(true)
    try {
      setData(await latest.current())
      setError(null)
    } catch (err) {
      setError(errorText(err))
    } finally {
      setLoading(false)
    }
  }, [enabled])
  useDidShow(() => void reload())
  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      return
    }
    void reload()
  }, [enabled, ...deps])
  return { data, setData, error, loading, reload }
}
