import { Text, View } from '@tarojs/components'
import { useCallback, useEffect, useState } from 'react'
import type { CaseCommentDto } from '@finecity/types'
import { shortTime } from '../../lib/time'
import { api, errorText } from '../../services/api'
import { ui } from '../../services/platform'
import { session } from '../../services/session'
import { TextArea } from '../Field'
import Tap from '../Tap'
import './index.scss'

/**
 * Talking on a case (网格员直接与领导对话). Staff write internal notes unless they tick 公开; a resident's
 * words are always public. @街道、@社区、@区、@领导、@网格员 or @姓名 notify the people named.
 */
export default function CommentsPanel({ caseId }: { caseId: string }) {
  const staff = !!session.user()?.orgNodeCode
  // Loaded when the panel mounts (after its case has loaded, so a page's useDidShow has already fired and
  // useRemote would never load it), and again for another case or after sending.
  const [data, setData] = useState<CaseCommentDto[] | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const reload = useCallback(async () => {
    try {
      setData(await api.comments(caseId))
      setLoadError(null)
    } catch (err) {
      setLoadError(errorText(err))
    }
  }, [caseId])
  useEffect(() => { void reload() }, [reload])
  const [body, setBody] = useState('')
  const [open, setOpen] = useState(false)
  const [busy, setBusy] = useState(false)
  const send = async () => {
    if (!body.trim()) return ui.toast('请填写留言内容')
    setBusy(true)
    try {
      await api.addComment(caseId, { body: body.trim(), ...(staff ? { public: open } : {}) })
      setBody('')
      ui.toast('已发送', 'success')
      await reload()
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const items = data ?? []
  return (
    <View className='card comments-panel' aria-label='留言'>
      <Text className='section-title'>{staff ? '留言沟通' : '回复与留言'}</Text>
      {loadError && <Text className='error'>{loadError}</Text>}
      {data && items.length === 0 && <Text className='muted'>{staff ? '暂无留言' : '暂无回复。办理人员的回复会显示在这里，您也可以补充情况。'}</Text>}
      {items.map((m) => (
        <View key={m.id} className={`comments-panel__item ${m.authorRole === 'resident' ? '' : 'comments-panel__item--staff'}`}>
          <Text className='muted'>{!staff && m.authorRole !== 'resident' ? `办理回复 · ${m.authorName}` : m.authorName} · {shortTime(m.at)}{staff ? (m.public ? ' · 公开' : ' · 内部') : ''}</Text>
          <Text className='case-view__desc'>{m.body}</Text>
        </View>
      ))}
      <TextArea id='comment-body' label='写留言' value={body} placeholder={staff ? '可用 @街道、@社区、@区、@领导、@网格员 或 @姓名 提醒相关人员' : '向办理人员补充情况'} onChange={setBody} />
      {staff && (
        <Tap id='comment-public' className={`chip chip--choice ${open ? 'chip--on' : ''}`} role='switch' selected={open} label='公开给市民' onTap={() => setOpen(!open)}>
          <Text>公开给市民</Text>
        </Tap>
      )}
      <Tap id='comment-send' className='btn btn--primary' disabled={busy} label='发送留言' onTap={() => void send()}>
        <Text>{busy ? '发送中…' : '发送留言'}</Text>
      </Tap>
    </View>
  )
}
