import { Image, Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { CaseDto, PhotoDto } from '@finecity/types'
import type { LatLng } from '../../lib/coords'
import { ACTION_DONE, distanceText, LEVEL_LABEL } from '../../lib/labels'
import { shortTime } from '../../lib/time'
import { api, errorText } from '../../services/api'
import { ui } from '../../services/platform'
import ActionPanel from '../ActionPanel'
import CommentsPanel from '../CommentsPanel'
import DeadlineBadge from '../DeadlineBadge'
import StateChip from '../StateChip'
import Tap from '../Tap'
import Timeline from '../Timeline'
import Lightbox from '../ui/Lightbox'
import './index.scss'

interface Props {
  c: CaseDto
  onChange: (c: CaseDto) => void
  /** The inspector's on-site check-in, sent with sign and handle (task page). */
  checkIn?: LatLng | null
  /** The dispatch target when the page picks it too (the console's map). */
  target?: { code: string; name?: string }
  onTarget?: (code: string, name?: string) => void
}

/**
 * 公开 under a photo, for district and city staff (permission photo.publish): faces and number plates appear
 * in photos, so none is on the public pages until a person says so.
 */
function PublishSwitch({ caseId, p, onPublished }: { caseId: string; p: PhotoDto; onPublished: (p: PhotoDto) => void }) {
  const [busy, setBusy] = useState(false)
  const toggle = async () => {
    setBusy(true)
    try {
      const r = await api.publishPhoto(caseId, p.id, !p.published)
      onPublished({ ...p, published: r.published })
      ui.toast(r.published ? '照片已公开' : '照片已取消公开', 'success')
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Tap id={`publish-${p.id}`} className={`case-photos__publish ${p.published ? 'case-photos__publish--on' : ''}`} role='switch' selected={!!p.published} disabled={busy} onTap={toggle}>
      <Text>{p.published ? '已公开' : '公开'}</Text>
    </Tap>
  )
}

/** Photos of one kind, large enough to judge (the lightbox shows them full size, side by side). */
function Photos({ title, kind, photos, onOpen, publish }: {
  title: string; kind: 'before' | 'after'; photos: PhotoDto[]; onOpen: (p: PhotoDto) => void
  publish?: { caseId: string; onPublished: (p: PhotoDto) => void }
}) {
  return (
    <View className='case-photos__col'>
      <Text className='case-photos__title'>{title}</Text>
      {photos.length ? (
        <View className='case-photos__row'>
          {photos.map((p, i) => (
            <View key={p.id} className='case-photos__cell'>
              <Tap id={i === 0 ? `photo-${kind}` : undefined} className='case-photos__item' label={`放大对比${title}照片 ${i + 1}`} onTap={() => onOpen(p)}>
                <Image className={`thumb thumb--${kind} case-photos__img`} src={p.thumbUrl} mode='aspectFill' lazyLoad {...({ 'aria-hidden': 'true', alt: '' } as object)} />
              </Tap>
              {publish && <PublishSwitch caseId={publish.caseId} p={p} onPublished={publish.onPublished} />}
            </View>
          ))}
        </View>
      ) : (
        <Text className='muted case-photos__none'>{kind === 'after' ? '尚未处置' : '没有照片'}</Text>
      )}
    </View>
  )
}

/** 疑似重复: cases the duplicate rule found near this one, each with a one-click merge (ids merge-<caseNo>). */
function Duplicates({ c, onChange }: { c: CaseDto; onChange: (c: CaseDto) => void }) {
  const [busy, setBusy] = useState<string | null>(null)
  const list = c.duplicateCandidates ?? []
  if (!list.length || !(c.allowedActions ?? []).includes('merge')) return null
  const merge = async (d: { caseId: string; caseNo: string }) => {
    setBusy(d.caseId)
    try {
      const next = await api.act(c.id, 'merge', { intoCaseId: d.caseId })
      ui.toast(`${ACTION_DONE.merge}到 ${d.caseNo}`, 'success')
      onChange(next)
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(null)
    }
  }
  return (
    <View id='duplicates' className='card case-dups' role='region' aria-label='疑似重复案件'>
      <Text className='section-title'>疑似重复（{list.length}）</Text>
      <Text className='muted'>附近同类在办案件；合并后本案随之办结，进度以被合并的案件为准</Text>
      <View role='list' className='case-dups__list'>
        {list.map((d) => (
          <View key={d.caseId} role='listitem' className='case-dups__item'>
            <Text className='muted'>相距{distanceText(d.distanceM)}</Text>
            <Tap id={`merge-${d.caseNo}`} className='btn btn--ghost action-btn action-btn--small' disabled={!!busy} onTap={() => void merge(d)}>
              <Text>{busy === d.caseId ? '合并中…' : `合并到 ${d.caseNo}`}</Text>
            </Tap>
          </View>
        ))}
      </View>
    </View>
  )
}

/** One case as everybody sees it: summary, who holds it at which level, photos, duplicates, actions, timeline. */
export default function CaseView({ c, onChange, checkIn, target, onTarget }: Props) {
  const photos = c.photos ?? []
  const before = photos.filter((p) => p.kind === 'before')
  const after = photos.filter((p) => p.kind === 'after')
  const [shown, setShown] = useState<PhotoDto | null>(null)
  const publish = c.canPublishPhotos
    ? { caseId: c.id, onPublished: (p: PhotoDto) => onChange({ ...c, photos: photos.map((x) => (x.id === p.id ? p : x)) }) }
    : undefined
  return (
    <View className='case-view'>
      <View className='card'>
        <View className='row'>
          <Text id='case-category' className='case-view__title'>{c.category.name}</Text>
          <StateChip state={c.state} />
        </View>
        <Text id='case-no' className='muted'>{c.caseNo} · 上报于 {shortTime(c.createdAt)}</Text>
        <Text className='case-view__desc'>{c.description}</Text>
        <Text className='muted'>位置：{c.location.address ? `${c.location.address}${c.grid ? `（${c.grid.name}）` : ''}` : c.grid ? `${c.grid.name}（地图标记处）` : `北纬 ${c.location.lat.toFixed(5)}，东经 ${c.location.lng.toFixed(5)}`}</Text>
        {c.responsible && !['closed', 'rejected', 'merged'].includes(c.state) && (
          <Text id='case-holder' className='case-view__holder'>当前处理：{c.responsible.name}（{LEVEL_LABEL[c.responsible.level]}）</Text>
        )}
        <DeadlineBadge deadline={c.deadline} />
        {c.supervised && <Text id='case-supervised' className='hint'>督办案件{c.supervisionDueAt ? `，督办时限 ${shortTime(c.supervisionDueAt)}` : ''}</Text>}
        {c.pendingExtension && <Text className='hint'>延期申请待审批：{c.pendingExtension.hours} 小时，{c.pendingExtension.reason}</Text>}
        {c.rating && <Text id='case-rating' className='case-view__desc'>评价：{'★'.repeat(c.rating.score)}{c.rating.comment ? ` ${c.rating.comment}` : ''}</Text>}
      </View>
      {photos.length > 0 && (
        <View className='card case-photos'>
          <View className='case-photos__cols'>
            <Photos title='处置前' kind='before' photos={before} onOpen={setShown} publish={publish} />
            <Photos title='处置后' kind='after' photos={after} onOpen={setShown} publish={publish} />
          </View>
          <Tap id='photo-compare' className='link case-photos__compare' onTap={() => setShown(before[0] ?? after[0] ?? null)}><Text>前后对比（全尺寸）</Text></Tap>
        </View>
      )}
      <Lightbox open={!!shown} before={before} after={after} start={shown} onClose={() => setShown(null)} />
      <Duplicates c={c} onChange={onChange} />
      <ActionPanel key={`${c.id}-${c.version}`} c={c} onDone={onChange} checkIn={checkIn} target={target} onTarget={onTarget} />
      <View className='card'>
        <Text className='section-title'>办理过程</Text>
        <Timeline events={c.events ?? []} onPreview={setShown} />
      </View>
      <CommentsPanel caseId={c.id} />
    </View>
  )
}
