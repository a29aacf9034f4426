import { Image, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import type { PhotoDto } from '@finecity/types'
import Tap from '../../Tap'
import './index.scss'

const IS_H5 = process.env.TARO_ENV === 'h5'

export interface LightboxProps {
  /** Shown while true; onClose sets it false. */
  open: boolean
  before: PhotoDto[]
  after: PhotoDto[]
  /** The photo that was tapped: its column starts on it. */
  start?: PhotoDto | null
  onClose: () => void
}

/** Zoom steps of the comparison (1 = fit the column). */
export const ZOOM_STEPS = [1, 1.5, 2, 3, 4] as const

/** The next zoom step up (+1) or down (-1), staying within ZOOM_STEPS. */
export function nextZoom(current: number, dir: 1 | -1): number {
  const i = ZOOM_STEPS.findIndex((z) => z >= current)
  const at = i < 0 ? ZOOM_STEPS.length - 1 : i
  return ZOOM_STEPS[Math.min(ZOOM_STEPS.length - 1, Math.max(0, at + dir))]!
}

const FOCUSABLE = '[tabindex="0"], button, input, textarea, select, a[href]'

/**
 * Full-size 处置前 / 处置后 comparison. Weapp: WeChat's own viewer (Taro.previewImage) with every photo,
 * which pinches to zoom. H5: a modal dialog with the two photos side by side at full size, zoom buttons and
 * the mouse wheel, Esc to close, and the focus kept inside while it is open (WAI-ARIA APG dialog pattern,
 * https://www.w3.org/WAI/ARIA/apg/patterns/dialog-modal/); the focus goes back where it was on close.
 */
export default function Lightbox({ open, before, after, start, onClose }: LightboxProps) {
  const [zoom, setZoom] = useState(1)
  const [bi, setBi] = useState(0)
  const [ai, setAi] = useState(0)
  const opener = useRef<Element | null>(null)

  useEffect(() => {
    if (!open) return
    setZoom(1)
    setBi(Math.max(0, before.findIndex((p) => p.id === start?.id)))
    setAi(Math.max(0, after.findIndex((p) => p.id === start?.id)))
    if (!IS_H5) {
      const urls = [...before, ...after].map((p) => p.url)
      if (urls.length) void Taro.previewImage({ urls, current: start?.url ?? urls[0]! })
      onClose()
      return
    }
    opener.current = document.activeElement
    const dialog = () => document.getElementById('lightbox')
    const t = setTimeout(() => (document.getElementById('lightbox-close') as HTMLElement | null)?.focus(), 0)
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); onClose(); return }
      if (e.key === '+' || e.key === '=') { e.preventDefault(); setZoom((z) => nextZoom(z, 1)); return }
      if (e.key === '-') { e.preventDefault(); setZoom((z) => nextZoom(z, -1)); return }
      if (e.key !== 'Tab') return
      const items = Array.from(dialog()?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? []).filter((el) => el.getAttribute('aria-disabled') !== 'true')
      if (!items.length) return
      const first = items[0]!
      const last = items[items.length - 1]!
      const inside = dialog()?.contains(document.activeElement)
      if (e.shiftKey && (document.activeElement === first || !inside)) { e.preventDefault(); last.focus() }
      else if (!e.shiftKey && (document.activeElement === last || !inside)) { e.preventDefault(); first.focus() }
    }
    document.addEventListener('keydown', onKey, true)
    return () => {
      clearTimeout(t)
      document.removeEventListener('keydown', onKey, true)
      ;(opener.current as HTMLElement | null)?.focus?.()
    }
  }, [open])

  if (!open || !IS_H5) return null
  const wheel = (e: { deltaY: number; preventDefault: () => void }) => { e.preventDefault(); setZoom((z) => nextZoom(z, e.deltaY < 0 ? 1 : -1)) }
  const column = (title: string, photos: PhotoDto[], i: number, setI: (n: number) => void, kind: 'before' | 'after') => (
    <View className='lightbox__col' role='group' aria-label={title}>
      <View className='lightbox__col-head'>
        <Text className='lightbox__col-title'>{title}</Text>
        {photos.length > 1 && (
          <View className='lightbox__pager'>
            <Tap id={`lightbox-${kind}-prev`} className='lightbox__btn' label={`${title}上一张`} disabled={i === 0} onTap={() => setI(i - 1)}><Text aria-hidden='true'>‹</Text></Tap>
            <Text className='lightbox__count'>{i + 1}/{photos.length}</Text>
            <Tap id={`lightbox-${kind}-next`} className='lightbox__btn' label={`${title}下一张`} disabled={i >= photos.length - 1} onTap={() => setI(i + 1)}><Text aria-hidden='true'>›</Text></Tap>
          </View>
        )}
      </View>
      <View className='lightbox__frame' {...({ onWheel: wheel } as object)}>
        {photos[i] ? (
          <View className='lightbox__zoom' style={{ width: `${zoom * 100}%`, height: `${zoom * 100}%` }}>
            <Image id={`lightbox-${kind}`} className={`lightbox__img lightbox__img--${kind}`} src={photos[i]!.url} mode='aspectFit' {...({ 'aria-label': `${title}照片 ${i + 1}` } as object)} />
          </View>
        ) : (
          <Text className='lightbox__none lightbox__none--centre'>{kind === 'after' ? '尚无处置后照片' : '没有上报照片'}</Text>
        )}
      </View>
    </View>
  )
  return (
    <View className='lightbox' onClick={onClose}>
      <View id='lightbox' className='lightbox__dialog' role='dialog' aria-modal='true' aria-labelledby='lightbox-title'
        onClick={(e) => e.stopPropagation()}>
        <View className='lightbox__head'>
          <Text id='lightbox-title' className='lightbox__title'>处置前后照片对比</Text>
          <View className='lightbox__tools'>
            <Tap id='lightbox-zoom-out' className='lightbox__btn' label='缩小' disabled={zoom <= ZOOM_STEPS[0]} onTap={() => setZoom(nextZoom(zoom, -1))}><Text aria-hidden='true'>−</Text></Tap>
            <Text className='lightbox__count' aria-live='polite'>{Math.round(zoom * 100)}%</Text>
            <Tap id='lightbox-zoom-in' className='lightbox__btn' label='放大' disabled={zoom >= ZOOM_STEPS[ZOOM_STEPS.length - 1]!} onTap={() => setZoom(nextZoom(zoom, 1))}><Text aria-hidden='true'>＋</Text></Tap>
            <Tap id='lightbox-zoom-reset' className='lightbox__btn lightbox__btn--text' onTap={() => setZoom(1)}><Text>还原</Text></Tap>
            <Tap id='lightbox-close' className='lightbox__btn lightbox__btn--text' onTap={onClose}><Text>关闭</Text></Tap>
          </View>
        </View>
        <View className='lightbox__cols'>
          {column('处置前', before, bi, setBi, 'before')}
          {column('处置后', after, ai, setAi, 'after')}
        </View>
        <Text className='lightbox__hint'>滚轮或 + / − 缩放，Esc 关闭</Text>
      </View>
    </View>
  )
}
