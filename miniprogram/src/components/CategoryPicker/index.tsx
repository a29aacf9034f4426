import { Text, View } from '@tarojs/components'
import { useMemo, useState } from 'react'
import { confusables, searchCategories, type CategoryDto } from '../../lib/categories'
import { TextField } from '../Field'
import Tap from '../Tap'

interface Props {
  categories: CategoryDto[]
  value: string
  onChange: (code: string) => void
}

/** Search by name or keyword; common matters first; a chosen matter shows its "easily confused" hint. */
export default function CategoryPicker({ categories, value, onChange }: Props) {
  const [query, setQuery] = useState('')
  const [open, setOpen] = useState(!value)
  const chosen = categories.find((c) => c.code === value)
  const results = useMemo(() => searchCategories(categories, query, query ? 40 : 12), [categories, query])
  const pick = (c: CategoryDto) => {
    onChange(c.code)
    setOpen(false)
    setQuery('')
  }
  return (
    <View className='field category-picker'>
      <Text className='field__label'>问题类别</Text>
      {chosen && !open ? (
        <View className='category-picker__chosen'>
          <View className='row'>
            <Text id='category-chosen' className='category-picker__name'>{chosen.name}</Text>
            <Tap className='link' label='更换问题类别' onTap={() => setOpen(true)}><Text>更换</Text></Tap>
          </View>
          <Text className='muted'>{chosen.bigClassName}</Text>
          {chosen.hint && <Text className='hint'>易混提示：{chosen.hint}</Text>}
          {confusables(categories, chosen).length > 0 && (
            <View className='chips'>
              <Text className='muted'>是不是：</Text>
              {confusables(categories, chosen).map((c) => (
                <Tap key={c.code} className='chip chip--choice' label={`改选${c.name}`} onTap={() => pick(c)}><Text>{c.name}</Text></Tap>
              ))}
            </View>
          )}
        </View>
      ) : (
        <View className='category-picker__panel'>
          <TextField id='category-search' label='搜索类别' value={query} placeholder='如：垃圾、井盖、占道' onChange={setQuery} />
          {!query && <Text className='muted'>常见问题</Text>}
          {/* A list of buttons, each named by its text (category, then its big class): Tab and Enter pick one. */}
          {results.length > 0 ? (
            <View className='category-picker__list' role='list' aria-label='问题类别'>
              {results.map((c) => (
                <View key={c.code} role='listitem'>
                  <Tap className={`category-option ${c.code === value ? 'category-option--on' : ''}`} selected={c.code === value} onTap={() => pick(c)}>
                    <Text className='category-option__name'>{c.name}</Text>
                    <Text className='muted'>{c.bigClassName}</Text>
                  </Tap>
                </View>
              ))}
            </View>
          ) : (
            <Text className='muted'>没有找到，换个说法试试</Text>
          )}
        </View>
      )}
    </View>
  )
}
