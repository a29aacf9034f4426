import { Map, Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import { useLoad, useRouter } from '@tarojs/taro'
import { PHOTO_LIMITS, TEXT_LIMITS } from '@finecity/types'
import AppShell from '../../components/AppShell'
import CategoryPicker from '../../components/CategoryPicker'
import { TextArea, TextField } from '../../components/Field'
import PhotoPicker from '../../components/PhotoPicker'
import Tap from '../../components/Tap'
import type { CategoryDto } from '../../lib/categories'
import { gcj02ToWgs84, round6, type LatLng } from '../../lib/coords'
import { useRequiredUser } from '../../hooks/use-session'
import { api, errorText } from '../../services/api'
import { submitReport } from '../../services/outbox'
import { IS_H5, locate, nav, storage, ui } from '../../services/platform'
import './index.scss'
import { prefetchSubscribeTemplates, subscribeOnTap } from '../../services/subscribe'

const DRAFT = 'finecity.report-draft'

interface Draft {
  categoryCode: string
  description: string
  address: string
  anonymous: boolean
}

interface Spot {
  /** What the API gets (WGS-84). */
  wgs: LatLng
  /** What the weapp <map> draws (GCJ-02); equal to wgs in H5. */
  shown: LatLng
  accuracy?: number
}

export default function Report() {
  const user = useRequiredUser('/pages/report/index')
  // Opened from an inspector's patrol page: the same form; the server records the source 'patrol'.
  const patrol = useRouter().params.from === 'patrol'
  const [categories, setCategories] = useState<CategoryDto[]>([])
  const [draft, setDraft] = useState<Draft>(() => storage.get<Draft>(DRAFT) ?? { categoryCode: '', description: '', address: '', anonymous: false })
  const [photos, setPhotos] = useState<string[]>([])
  const [spot, setSpot] = useState<Spot | null>(null)
  const [locating, setLocating] = useState(false)
  const [sending, setSending] = useState(false)

  // The text of an unfinished report survives leaving the page or a crash.
  useEffect(() => storage.set(DRAFT, draft), [draft])
  const patch = (p: Partial<Draft>) => setDraft((d) => ({ ...d, ...p }))

  const findMe = async () => {
    setLocating(true)
    try {
      const p = await locate()
      const here = { lat: p.lat, lng: p.lng }
      setSpot({ wgs: p.datum === 'wgs84' ? here : gcj02ToWgs84(here), shown: here, accuracy: p.accuracy })
    } catch {
      // The platform's reason is its own (often English) errMsg: say what to do instead.
      ui.toast('没能定位，请允许使用位置后点“重新定位”')
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
  // weapp: tap the map to move the pin where the problem is.
  const movePin = (e: { detail: { latitude?: number; longitude?: number } }) => {
    const { latitude, longitude } = e.detail
    if (latitude === undefined || longitude === undefined) return
    const shown = { lat: latitude, lng: longitude }
    setSpot({ wgs: gcj02ToWgs84(shown), shown })
  }

  const submit = async () => {
    if (!photos.length) return ui.toast('请至少拍一张照片')
    if (!spot) return ui.toast('还没有定位，请点“重新定位”')
    if (!draft.categoryCode) return ui.toast('请选择问题类别')
    if (!draft.description.trim()) return ui.toast('请简单描述问题')
    // Before any await: WeChat shows the consent dialog only within the tap. Its answer is posted in the
    // background; a refusal or failure never stops the report.
    await subscribeOnTap(['case_progress'])
    setSending(true)
    try {
      const r = await submitReport({ ...draft, anonymous: draft.anonymous && !patrol, description: draft.description.trim(), address: draft.address.trim() || undefined, lat: round6(spot.wgs.lat), lng: round6(spot.wgs.lng) }, photos)
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

  if (!user) return <View className='page' />
  return (
    <AppShell title={patrol ? '巡查上报' : '随手拍上报'} tab={patrol ? 'patrol' : 'report'} className='report page--column'>
      <PhotoPicker id='pick-photos' label='现场照片' paths={photos} max={PHOTO_LIMITS.maxPerReport} onChange={setPhotos} />
      <View className='field'>
        <View className='row'>
          <Text className='field__label'>问题位置</Text>
          <Tap id='locate' className='link' label='重新定位' disabled={locating} onTap={findMe}><Text>{locating ? '定位中…' : '重新定位'}</Text></Tap>
        </View>
        {!IS_H5 && spot && (
          <Map id='pin-map' className='pin-map' latitude={spot.shown.lat} longitude={spot.shown.lng} scale={17} showLocation onTap={movePin as never} onError={() => ui.toast('地图加载失败')}
            markers={[{ id: 1, latitude: spot.shown.lat, longitude: spot.shown.lng, width: 30, height: 40, iconPath: '' }] as never} />
        )}
        <Text id='location-text' className='muted report__located'>
          {spot ? `已定位到您当前的位置${spot.accuracy ? `（精度约 ${Math.round(spot.accuracy)} 米）` : ''}${IS_H5 ? '' : '，点地图可调整位置'}` : '尚未定位'}
        </Text>
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
      <Tap id='submit' className='btn btn--primary btn--block' disabled={sending} label='提交上报' onTap={submit}>
        <Text>{sending ? '提交中…' : '提交上报'}</Text>
      </Tap>
    </AppShell>
  )
}
