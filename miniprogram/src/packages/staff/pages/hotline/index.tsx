import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import { useLoad } from '@tarojs/taro'
import { PHOTO_LIMITS, TEXT_LIMITS, type HotlineFiledDto } from '@finecity/types'
import AppShell from '../../../../components/AppShell'
import CategoryPicker from '../../../../components/CategoryPicker'
import { TextArea, TextField } from '../../../../components/Field'
import PhotoPicker from '../../../../components/PhotoPicker'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import type { CategoryDto } from '../../../../lib/categories'
import { newIdempotencyKey } from '../../../../lib/ids'
import { api, errorText } from '../../../../services/api'
import { ui, windowWidth } from '../../../../services/platform'
import { channelsApi, type HotlineForm } from '../../channels-api'
import PlacePicker, { type PickedPlace } from '../../components/PlacePicker'
import FiledList from './FiledList'
import '../../channels.scss'

const EMPTY = { callerName: '', callerPhone: '', address: '', categoryCode: '', description: '', urgent: false }

/** What is missing before the form can go, in the order the operator fills it; null when complete. */
function missing(f: Omit<HotlineForm, 'point'>, place: PickedPlace | null): string | null {
  if (!f.callerName.trim()) return '请填写来电人姓名'
  if (!/^1[3-9]\d{9}$/.test(f.callerPhone.trim())) return '请填写来电人的 11 位手机号'
  if (!f.address.trim() && !place) return '请填写问题地址或选择地点'
  if (!f.categoryCode) return '请选择问题类别'
  if (!f.description.trim()) return '请描述问题'
  return null
}

/**
 * 12319 话务台 (issue 11, item 3): the operator files a case for a caller. The caller gets an SMS with the
 * case number and a link to follow it; the list below shows what was filed, callers masked.
 */
export default function Hotline() {
  const user = useRequiredUser('/packages/staff/pages/hotline/index')
  const [form, setForm] = useState(EMPTY)
  const [place, setPlace] = useState<PickedPlace | null>(null)
  const [photos, setPhotos] = useState<string[]>([])
  const [categories, setCategories] = useState<CategoryDto[]>([])
  const [key, setKey] = useState(() => newIdempotencyKey())
  const [sending, setSending] = useState(false)
  const [done, setDone] = useState<HotlineFiledDto | null>(null)
  const [page, setPage] = useState(1)
  const operator = !!user?.roles.includes('hotline')
  const list = useRemote(() => channelsApi.hotlineCases(page), operator, [page])
  const wide = windowWidth() >= 960
  const patch = (p: Partial<typeof EMPTY>) => setForm((f) => ({ ...f, ...p }))

  useLoad(() => {
    api.categories().then((r) => setCategories(r.categories), (err) => ui.toast(errorText(err)))
  })

  const submit = async () => {
    const problem = missing(form, place)
    if (problem) return ui.toast(problem)
    setSending(true)
    try {
      const r = await channelsApi.fileHotline({ ...form, point: place?.point ?? null }, photos, key)
      setDone(r)
      setForm(EMPTY)
      setPlace(null)
      setPhotos([])
      setKey(newIdempotencyKey())
      setPage(1)
      void list.reload()
    } catch (err) {
      // The same key on a retry: the server answers the case it already filed.
      ui.toast(errorText(err))
    } finally {
      setSending(false)
    }
  }

  if (!user) return <View className='page' />
  if (!operator) return <AppShell title='12319 话务台'><Text className='error'>仅 12319 话务员可使用话务台</Text></AppShell>
  return (
    <AppShell title='12319 话务台' tab='todo' className={`hotline ${wide ? 'channels--wide' : ''}`}>
      <View className='channels__columns'>
        <View className='channels__main'>
          {done && (
            <View id='hotline-result' className='card hotline__result' role='status'>
              <Text className='section-title'>{done.replayed ? '该来电已登记' : '已登记'}</Text>
              <Text className='muted'>案件编号（请告知来电人）</Text>
              <Text id='hotline-caseno' className='hotline__caseno'>{done.caseNo}</Text>
              <Text className='muted'>
                {done.smsSent ? '已向来电人发送短信，内含案件编号和办理进度查询链接。' : done.replayed ? '短信此前已发送。' : '短信发送失败，请口头告知来电人案件编号。'}
              </Text>
              {done.locationPending && <Text className='hint'>地址未能匹配到具体位置，案件已进入“待定位”，由调度员确定位置后派遣。</Text>}
            </View>
          )}
          <View className='card'>
            <Text className='section-title'>来电登记</Text>
            <TextField id='caller-name' label='来电人姓名' value={form.callerName} maxlength={20} placeholder='如：张先生' onChange={(v) => patch({ callerName: v })} />
            <TextField id='caller-phone' label='来电人手机号' type='number' value={form.callerPhone} maxlength={11} placeholder='11 位手机号，用于发送受理短信' onChange={(v) => patch({ callerPhone: v })} />
            <TextField id='hotline-address' label='问题地址' value={form.address} maxlength={TEXT_LIMITS.address} placeholder='如：中山区桃源街道某小区 3 号楼门前' onChange={(v) => patch({ address: v })} />
            <PlacePicker id='hotline-place' value={place} onChange={setPlace} emptyText='未选地点：按上面的地址匹配位置，匹配不到的进入待定位' />
            <CategoryPicker categories={categories} value={form.categoryCode} onChange={(code) => patch({ categoryCode: code })} />
            <TextArea id='hotline-description' label='问题描述' value={form.description} maxlength={TEXT_LIMITS.description} placeholder='记录来电人反映的情况' onChange={(v) => patch({ description: v })} />
            <Tap id='hotline-urgent' className={`toggle ${form.urgent ? 'toggle--on' : ''}`} role='switch' selected={form.urgent} onTap={() => patch({ urgent: !form.urgent })}>
              <Text>紧急问题</Text>
              <Text className='toggle__state' aria-hidden='true'>{form.urgent ? '是' : '否'}</Text>
            </Tap>
            <View className='section'>
              <PhotoPicker id='hotline-photos' label='照片（选填，来电人通过微信等发来的）' paths={photos} max={PHOTO_LIMITS.maxPerReport} onChange={setPhotos} />
            </View>
            <Tap id='hotline-submit' className='btn btn--primary btn--block' disabled={sending} onTap={submit}>
              <Text>{sending ? '提交中…' : '登记并发送短信'}</Text>
            </Tap>
          </View>
        </View>
        <View className='channels__aside'>
          <FiledList page={page} onPage={setPage} data={list.data} error={list.error} />
        </View>
      </View>
    </AppShell>
  )
}
