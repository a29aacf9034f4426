import { Text, View } from '@tarojs/components'
import type { Doc } from './guide'

const heading = (level: number) => ({ role: 'heading', 'aria-level': level }) as object

/** A notice (the guide or the terms) as headings and paragraphs, its title at `level`. */
export default function DocView({ doc, level = 2, id }: { doc: Doc; level?: number; id?: string }) {
  return (
    <View className='doc' {...(id ? { id } : {})}>
      <Text className='doc__title' {...heading(level)}>{doc.title}</Text>
      <Text className='doc__p'>{doc.intro}</Text>
      {doc.sections.map((s) => (
        <View key={s.heading} className='doc__section'>
          <Text className='doc__heading' {...heading(level + 1)}>{s.heading}</Text>
          {s.paragraphs.map((p) => <Text key={p} className='doc__p'>{p}</Text>)}
        </View>
      ))}
    </View>
  )
}
