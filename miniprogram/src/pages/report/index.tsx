import { Text, View } from '@tarojs/components'
import { useEffect, useMemo, useReducer, useState } from 'react'
import { useLoad, useRouter } from '@tarojs/taro'
import { PHOTO_LIMITS, TEXT_LIMITS, type NearbyCaseDto, type NearbyDto } from '@finecity/types'
import AppShell from '../../components/AppShell'
import CategoryPicker from '../../components/CategoryPicker'
import CityMap from '../../components/CityMap'
import { TextArea, TextField } from '../../components/Field'
import NearbyList from '../../components/NearbyList'
import PhotoPicker from '../../components/PhotoPicker'
import Tap from '../../components/Tap'
import type { CategoryDto } from '../../lib/categories'
import { gcj02ToWgs84, round6, type LatLng } from '../../lib/coords'
import {
  NUDGE_M, PLACE_DEBOUNCE_MS, debounce, deviceText, initialPicker, nearbyMarkers, nearbyQuery, pickerReducer, pinBlocksSubmit,
  placeText, shouldLookUp, type Direction, type PickerEvent,
} from '../../lib/pin-picker'
import { useRequiredUser } from '../../hooks/use-session'
import { ApiError, api, errorText } from '../../services/api'
import { submitReport } from '../../services/outbox'
import { locate, nav, storage, ui } from '../../services/platform'
import './index.scss'
import { prefetchSubscribeTemplates, subscribeOnTap } from '../../services/subscribe'

const DRAFT = 'finecity.report-draft'

interface Draft {
  categoryCode: string
  description: string
  address: string
  anonymous: boolean
}

/** The arrow buttons: the keyboard's and the switch user's way to move the pin (the map itself is dragged). */
const NUDGES: { dir: Direction; glyph: string; word: string }[] = [
  { dir: 'north', glyph: '↑', word: '北' },
  { dir: 'west', glyph: '←', word: '西' },
  { dir: 'east', glyph: '→', word: '东' },
  { dir: 'south', glyph: '↓', word: '南' },
]

/** The place under the pin, asked once the map has rested; an answer for an older pin is dropped by the reducer. */
function usePlaceLookup(dispatch: (e: PickerEvent) => void) {
  return useMemo(() => debounce((seq: number, at: LatLng) => {
    api.placeAt(at).then(
      (place) => dispatch({ type: 'place', seq, place }),
      (err) => dispatch(err instanceof ApiError && err.code === 'location.outside_service_area'
        ? { type: 'refused', seq, message: err.message }
        : { type: 'failed', seq, message: errorText(err) }),
    )
  }, PLACE_DEBOUNCE_MS), [dispatch])
}

/** Open cases of the chosen category near an accepted pin; null until there is something to ask. */
function useNearby(q: ReturnType<typeof nearbyQuery>): NearbyDto | null {
  const key = q ? `${q.lat},${q.lng},${q.categoryCode}` : ''
  const [answer, setAnswer] = useState<{ key: string; dto: NearbyDto } | null>(null)
  useEffect(() => {
    if (!q) return
    let live = true
    // A failed look-up only hides the list: the report itself is never held up by it.
    api.nearby(q).then((dto) => { if (live) setAnswer({ key, dto }) }, () => { if (live) setAnswer(null) })
    return () => { live = false }
  }, [key])
  return answer && answer.key === key ? answer.dto : null
}

export default function Report() {
  const user = useRequiredUser('/pages/report/index')
  // Opened from an inspector's patrol page: the same form; the server records the source 'patrol'.
  const patrol = useRouter().params.from === 'patrol'
  const [categories, setCategories] = useState<CategoryDto[]>([])
  const [draft, setDraft] = useState<Draft>(() => storage.get<Draft>(DRAFT) ?? { categoryCode: '', description: '', address: '', anonymous: false })
  const [photos, setPhotos] = useState<string[]>([])
  const [picker, dispatch] = useReducer(pickerReducer, undefined, initialPicker)
  const [locating, setLocating] = useState(false)
  const [sending, setSending] = useState(false)
  const [followingId, setFollowingId] = useState<string | null>(null)
  const lookUp = usePlaceLookup(dispatch)
  const nearby = useNearby(nearbyQuery(picker, draft.categoryCode))

  // The text of an unfinished report survives leaving the page or a crash.
  useEffect(() => storage.set(DRAFT, draft), [draft])
  const patch = (p: Partial<Draft>) => setDraft((d) => ({ ...d, ...p }))

  const ready = shouldLookUp(picker)
  useEffect(() => {
    if (!ready) return
    if (picker.via === 'device') lookUp.now(picker.seq, picker.pin)
    else lookUp(picker.seq, picker.pin)
  }, [picker.seq, ready])
  useEffect(() => () => lookUp.cancel(), [lookUp])

  const findMe = async () => {
    setLocating(true)
    try {
      const p = await locate()
      const here = { lat: p.lat, lng: p.lng }
      const at = p.datum === 'wgs84' ? { lat: round6(here.lat), lng: round6(here.lng) } : gcj02ToWgs84(here)
      dispatch({ type: 'located', at, accuracy: p.accuracy })
    } catch {
      // The platform's reason is its own (often English) errMsg: say what to do instead.
      dispatch({ type: 'denied' })
      ui.toast('没能定位，请拖动地图选择问题位置')
    } finally {
      setLocating(false)
    }
  }
  useLoad(() => {
    if (patrol) void ui.setTitle('巡查上报')
    api.categories().then((r) => setCategories(r.categories), (err) => ui.toast(errorText(err)))
    void findMe()
    void prefetchSubscribeTemplates()
  })

  // 我也遇到: follow the case instead of reporting it again, then see it.
  const follow = async (c: NearbyCaseDto) => {
    // Before any await: WeChat asks for subscribe-message consent only within the tap.
    await subscribeOnTap(['case_progress'])
    setFollowingId(c.id)
    try {
      await api.follow(c.id)
      storage.remove(DRAFT)
      ui.toast('已关注，进展会通知您', 'success')
      nav.redirect(`/pages/case/index?id=${c.id}`)
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setFollowingId(null)
    }
  }

  const submit = async () => {
    if (!photos.length) return ui.toast('请至少拍一张照片')
    const refused = pinBlocksSubmit(picker)
    if (refused) return ui.toast(refused)
    if (!draft.categoryCode) return ui.toast('请选择问题类别')
    if (!draft.description.trim()) return ui.toast('请简单描述问题')
    // Before any await: WeChat shows the consent dialog only within the tap. Its answer is posted in the
    // background; a refusal or failure never stops the report.
    await subscribeOnTap(['case_progress'])
    setSending(true)
    try {
      const r = await submitReport({ ...draft, anonymous: draft.anonymous && !patrol, description: draft.description.trim(), address: draft.address.trim() || undefined, lat: round6(picker.pin.lat), lng: round6(picker.pin.lng) }, photos)
      storage.remove(DRAFT)
      if (r.status === 'sent') {
        ui.toast('上报成功', 'success')
        nav.redirect(`/pages/case/index?id=${r.case.id}`)
      } else {
        ui.toast('网络不佳，已保存，网络恢复后自动提交')
        nav.relaunch('/pages/home/index')
      }
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setSending(false)
    }
  }

  const markers = useMemo(() => nearbyMarkers(nearby?.items ?? []), [nearby])

  if (!user) return <View className='page' />
  const blocked = picker.place === 'outside'
  // With cases listed above, the button says that a new report is still welcome.
  const submitText = nearby?.items.length ? '仍然提交上报' : '提交上报'
  return (
    <AppShell title={patrol ? '巡查上报' : '随手拍上报'} tab={patrol ? 'patrol' : 'report'} className='report page--column'>
      <PhotoPicker id='pick-photos' label='现场照片' paths={photos} max={PHOTO_LIMITS.maxPerReport} onChange={setPhotos} />
      <View className='field'>
        <View className='row'>
          <Text className='field__label'>问题位置</Text>
          <Tap id='locate' className='link' label='重新定位' disabled={locating} onTap={findMe}><Text>{locating ? '定位中…' : '重新定位'}</Text></Tap>
        </View>
        <Text id='location-text' className={`muted report__located ${picker.device === 'denied' ? 'report__located--denied' : ''}`}>{deviceText(picker)}</Text>
        <CityMap
          id='pin-map'
          label='问题位置地图：拖动地图，中心的图钉即问题位置'
          center={picker.view.at}
          recenter={picker.view.n}
          zoom={17}
          height={280}
          showUser={picker.device === 'located'}
          centrePin='问题位置图钉（地图中心）'
          markers={markers}
          onMove={(at) => dispatch({ type: 'moved', at })}
        />
        <Text id='pin-place' className={`report__place report__place--${picker.place}`} aria-live='polite'>{placeText(picker)}</Text>
        <View className='report__nudge' role='group' aria-label={`微调图钉，每次约 ${NUDGE_M} 米`}>
          <Text className='muted report__nudge-hint' aria-hidden='true'>微调图钉：</Text>
          {NUDGES.map((n) => (
            <Tap key={n.dir} id={`nudge-${n.dir}`} className='report__nudge-btn' label={`图钉向${n.word}移 ${NUDGE_M} 米`} onTap={() => dispatch({ type: 'nudged', dir: n.dir })}>
              <Text aria-hidden='true'>{n.glyph}</Text>
            </Tap>
          ))}
        </View>
        <TextField id='address' label='详细地址（选填）' value={draft.address} maxlength={TEXT_LIMITS.address} placeholder='如：中山路 100 号门前' onChange={(v) => patch({ address: v })} />
      </View>
      <CategoryPicker categories={categories} value={draft.categoryCode} onChange={(code) => patch({ categoryCode: code })} />
      <TextArea id='description' label='问题描述' value={draft.description} maxlength={TEXT_LIMITS.description} placeholder='简单说说看到了什么' onChange={(v) => patch({ description: v })} />
      {/* An inspector's patrol find is their work, never anonymous. */}
      {!patrol && (
        <Tap id='anonymous' className={`toggle ${draft.anonymous ? 'toggle--on' : ''}`} role='switch' selected={draft.anonymous} onTap={() => patch({ anonymous: !draft.anonymous })}>
          <Text>匿名上报</Text>
          {/* A screen reader hears the switch's own on/off state (aria-checked). */}
          <Text className='toggle__state' aria-hidden='true'>{draft.anonymous ? '已开启' : '未开启'}</Text>
        </Tap>
      )}
      {nearby && (
        <NearbyList items={nearby.items} distanceM={nearby.distanceM} windowHours={nearby.windowHours} busyId={followingId}
          onFollow={(c) => void follow(c)} onOpen={(c) => nav.redirect(`/pages/case/index?id=${c.id}`)} />
      )}
      {blocked && <Text id='submit-blocked' className='error'>{placeText(picker)}，请移动图钉后再提交</Text>}
      <Tap id='submit' className='btn btn--primary btn--block' disabled={sending || blocked} label={submitText} onTap={submit}>
        <Text>{sending ? '提交中…' : submitText}</Text>
      </Tap>
    </AppShell>
  )
}
