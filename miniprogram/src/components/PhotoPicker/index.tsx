import { Image, Text, View } from '@tarojs/components'
import { errorText } from '../../services/api'
import { IS_H5, pickPhotos, ui } from '../../services/platform'
import Tap from '../Tap'

interface Props {
  id: string
  label: string
  paths: string[]
  max: number
  onChange: (paths: string[]) => void
}

export default function PhotoPicker({ id, label, paths, max, onChange }: Props) {
  const add = async () => {
    try {
      const picked = await pickPhotos(max - paths.length)
      onChange([...paths, ...picked.map((p) => p.path)].slice(0, max))
    } catch (err) {
      if (!/cancel/.test(errorText(err))) ui.toast('没能选到照片，请重试或换一张')
    }
  }
  return (
    <View className='field'>
      <Text className='field__label'>{label}（{paths.length}/{max}）</Text>
      <View className='photo-grid'>
        {paths.map((p, i) => (
          <View key={p} className='photo-grid__cell'>
            <Image className='photo-grid__img' src={p} mode='aspectFill' {...(IS_H5 ? { nativeProps: { alt: `${label}第 ${i + 1} 张` } } : {})} />
            <Tap className='photo-grid__remove' label={`删除第 ${i + 1} 张照片`} onTap={() => onChange(paths.filter((x) => x !== p))}>
              <Text aria-hidden='true'>×</Text>
            </Tap>
          </View>
        ))}
        {paths.length < max && (
          <Tap id={id} className='photo-grid__add' onTap={add}>
            <Text className='photo-grid__plus' aria-hidden='true'>＋</Text>
            <Text className='muted'>拍照/相册</Text>
          </Tap>
        )}
      </View>
    </View>
  )
}
