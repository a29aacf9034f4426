import { Text, View } from '@tarojs/components'
import { useEffect, useRef, useState } from 'react'
import type { TaskHistoryItemDto } from '@finecity/types'
import { TextField } from '../../../../components/Field'
import StateChip from '../../../../components/StateChip'
import Tap from '../../../../components/Tap'
import EmptyState from '../../../../components/ui/EmptyState'
import { ACTION_LABEL } from '../../../../lib/labels'
import { shortTime } from '../../../../lib/time'
import { errorText } from '../../../../services/api'
import { inspectorApi } from '../../inspector-api'

/** Typing settles for this long before the search is asked (one request per pause, not per key). */
const DEBOUNCE_MS = 300

/** One 已办 row: the case as it is now, and what the inspector last did on it and when. */
function HistoryCard({ c, onOpen }: { c: TaskHistoryItemDto; onOpen: (id: string) => void }) {
  return (
    <Tap id={`done-${c.id}`} className='card case-card history-card' onTap={() => onOpen(c.id)}>
      <View className='case-card__head'>
        <Text className='case-card__title'>{c.category.name}</Text>
        <StateChip state={c.state} />
      </View>
      <Text className='case-card__desc'>{c.description}</Text>
      {c.location.address && <Text className='muted'>{c.location.address}</Text>}
      <View className='case-card__meta'>
        <Text className='muted'>{c.caseNo}</Text>
        <Text className='history-card__mine'>我已{ACTION_LABEL[c.myLastAction.action]} · {shortTime(c.myLastAction.at)}</Text>
      </View>
    </Tap>
  )
}

/** 已办: cases this inspector signed, handled, returned or asked an extension for, newest first, searchable and paged. */
export default function HistoryList({ onOpen }: { onOpen: (id: string) => void }) {
  const [q, setQ] = useState('')
  const [items, setItems] = useState<TaskHistoryItemDto[]>([])
  const [total, setTotal] = useState<number | null>(null)
  const [page, setPage] = useState(1)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const asked = useRef(0)

  const load = async (query: string, p: number) => {
    const ticket = ++asked.current
    setBusy(true)
    try {
      const res = await inspectorApi.history(query, p)
      if (ticket !== asked.current) return // a newer search answered first
      setItems((prev) => (p === 1 ? res.items : [...prev, ...res.items]))
      setTotal(res.total)
      setPage(p)
      setError(null)
    } catch (err) {
      if (ticket === asked.current) setError(errorText(err))
    } finally {
      if (ticket === asked.current) setBusy(false)
    }
  }

  const first = useRef(true)
  useEffect(() => {
    if (first.current) {
      first.current = false
      void load('', 1)
      return
    }
    const t = setTimeout(() => void load(q, 1), DEBOUNCE_MS)
    return () => clearTimeout(t)
  }, [q])

  const more = total !== null && items.length < total
  return (
    <View id='history' className='history' role='tabpanel' aria-label='已办'>
      <TextField id='history-search' label='搜索已办' value={q} placeholder='案件编号、描述或地址' maxlength={50} onChange={setQ} />
      {error && <Text className='error'>{error}</Text>}
      {total !== null && total > 0 && (
        <Text id='history-total' className='muted history__total' aria-live='polite'>{q.trim() ? `找到 ${total} 件` : `共 ${total} 件`}</Text>
      )}
      {total === 0 && !busy && (
        q.trim()
          ? <EmptyState title='没有找到相关案件' hint='换个案件编号、描述或地址的关键词试试' />
          : <EmptyState title='还没有已办任务' hint='签收、处置、退回或申请延期过的案件会列在这里' />
      )}
      {items.map((c) => <HistoryCard key={c.id} c={c} onOpen={onOpen} />)}
      {more && (
        <Tap id='history-more' className='btn btn--ghost btn--block' disabled={busy} onTap={() => void load(q, page + 1)}>
          <Text>{busy ? '加载中…' : `加载更多（还有 ${total! - items.length} 件）`}</Text>
        </Tap>
      )}
      {total === null && busy && <Text className='muted'>加载中…</Text>}
    </View>
  )
}

