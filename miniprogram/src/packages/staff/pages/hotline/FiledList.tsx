import { Text, View } from '@tarojs/components'
import type { HotlineCaseDto, Page } from '@finecity/types'
import StateChip from '../../../../components/StateChip'
import { shortTime } from '../../../../lib/time'
import { HOTLINE_PAGE_SIZE } from '../../channels-api'
import { Pager } from '../../ChannelNav'

interface Props {
  page: number
  onPage: (page: number) => void
  data: Page<HotlineCaseDto> | null
  error: string | null
}

/** What this operator filed, newest first; callers' names and phones come masked from the server. */
export default function FiledList({ page, onPage, data, error }: Props) {
  return (
    <View className='section hotline__list' id='hotline-list'>
      <Text className='section-title'>已登记来电{data ? `（共 ${data.total} 件）` : ''}</Text>
      {error && <Text className='error'>{error}</Text>}
      {data && !data.items.length && <Text className='muted'>还没有登记的来电</Text>}
      {data?.items.map((c) => (
        <View key={c.caseId} className='card'>
          <View className='hotline__item-head'>
            <Text className='case-card__title'>{c.caseNo}</Text>
            <StateChip state={c.state} />
          </View>
          <Text className='hotline__caller'>来电人 {c.callerName} {c.callerPhone}</Text>
          <View className='hotline__meta'>
            <Text>{c.categoryName}</Text>
            <Text>{c.place}</Text>
            {c.urgent && <Text className='chip chip--orange'>紧急</Text>}
            <Text>{shortTime(c.createdAt)}</Text>
          </View>
          {c.address && <Text className='muted'>地址：{c.address}</Text>}
        </View>
      ))}
      {data && <Pager page={page} pages={Math.ceil(data.total / HOTLINE_PAGE_SIZE)} onPage={onPage} />}
    </View>
  )
}
