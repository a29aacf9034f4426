import { Input, Text, Textarea, View } from '@tarojs/components'

const IS_H5 = process.env.TARO_ENV === 'h5'

interface Common {
  id: string
  label: string
  value: string
  placeholder?: string
  maxlength?: number
  onChange: (v: string) => void
}

// The label is visible text and, in H5, the native control's accessible name (Taro's H5 <Label for>
// does not link to the inner <input>).
const nativeA11y = (label: string) => (IS_H5 ? { nativeProps: { 'aria-label': label } } : { ariaLabel: label })

export function TextField({ id, label, value, placeholder, maxlength, onChange, type }: Common & { type?: 'text' | 'number' | 'digit' }) {
  return (
    <View className='field'>
      <Text className='field__label'>{label}</Text>
      <Input id={id} className='field__input' type={type ?? 'text'} value={value} placeholder={placeholder} maxlength={maxlength}
        onInput={(e) => onChange(e.detail.value)} {...nativeA11y(label)} />
    </View>
  )
}

export function TextArea({ id, label, value, placeholder, maxlength, onChange }: Common) {
  return (
    <View className='field'>
      <Text className='field__label'>{label}</Text>
      <Textarea id={id} className='field__textarea' value={value} placeholder={placeholder} maxlength={maxlength ?? 500}
        onInput={(e) => onChange(e.detail.value)} {...nativeA11y(label)} />
    </View>
  )
}
