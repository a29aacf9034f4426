import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { CaseDto, Page } from '@finecity/types'
import CaseCard from '../../../../components/CaseCard'
import CaseView from '../../../../components/CaseView'
import { TextField } from '../../../../components/Field'
import Tap from '../../../../components/Tap'
import { useRemote } from '../../../../hooks/use-remote'
import { useRequiredUser } from '../../../../hooks/use-session'
import { api, errorText } from '../../../../services/api'
import { nav, ui, windowWidth } from '../../../../services/platform'
import { QUEUES } from './queues'
import ChannelNav from '../../ChannelNav'

const countText = (p: Page<CaseDto>): string => `共 ${p.total} 件${p.total > p.items.length ? `，显示前 ${p.items.length} 件` : ''}`

/**
 * The dispatcher's desk. Wide screens (H5 on a desktop) show the queue and the chosen case side by side;
 * phones open the case on its own page.
 */
export default function Console() {
  const user = useRequiredUser('/packages/staff/pages/console/index')
  const [queue, setQueue] = useState(QUEUES[0]!.key)
  const [q, setQ] = useState('')
  const [search, setSearch] = useState('')
  const [selected, setSelected] = useState<CaseDto | null>(null)
  const wide = windowWidth() >= 960
  const current = QUEUES.find((x) => x.key === queue)!
  const list = useRemote(() => api.listCases({ pageSize: 50, ...current.query, q: search || undefined }), !!user, [queue, search])

  const open = async (c: CaseDto) => {
    if (!wide) return void nav.to(`/packages/staff/pages/task/index?id=${c.id}`)
    try {
      setSelected(await api.getCase(c.id))
    } catch (err) {
      ui.toast(errorText(err))
    }
  }
  const changed = (c: CaseDto) => {
    setSelected(c)
    void list.reload()
  }
  return (
    <View className={`page console ${wide ? 'console--wide' : ''}`}>
      <View className='console__side'>
        {/* 待定位 and failed partner callbacks (issue 11) sit beside the queues for city and district platforms. */}
        {user && user.roles.some((r) => r === 'city' || r === 'district') && <ChannelNav current='console' user={user} />}
        <View className='chips' role='tablist' aria-label='工作队列'>
          {QUEUES.map((x) => (
            <Tap key={x.key} id={`queue-${x.key}`} className={`chip chip--choice ${x.key === queue ? 'chip--on' : ''}`} role='tab' selected={x.key === queue} label={x.label} onTap={() => { setQueue(x.key); setSelected(null) }}>
              <Text>{x.label}</Text>
            </Tap>
          ))}
        </View>
        <View className='row console__search'>
          <TextField id='console-search' label='搜索案件号或描述' value={q} placeholder='如 DL2026 或 井盖' onChange={setQ} />
          <Tap id='console-search-go' className='btn btn--ghost' label='搜索' onTap={() => setSearch(q.trim())}><Text>搜索</Text></Tap>
        </View>
        <Text className='muted'>{list.data ? countText(list.data) : '加载中…'}</Text>
        {list.error && <Text className='error'>{list.error}</Text>}
        {list.data?.items.map((c) => (
          <View key={c.id} className={selected?.id === c.id ? 'console__item--on' : ''}>
            <CaseCard c={c} onOpen={open} />
          </View>
        ))}
      </View>
      {wide && (
        <View className='console__detail'>
          {selected ? <CaseView c={selected} onChange={changed} /> : <Text className='muted'>从左侧选择一个案件</Text>}
        </View>
      )}
    </View>
  )
}
