import { Text, View } from '@tarojs/components'
import Tap from '../../Tap'
import './index.scss'

export interface EmptyStateProps {
  /** What is empty, said as a fact ("暂无待办"). */
  title: string
  /** What the person can do about it, or why it is empty. */
  hint?: string
  /** One way forward, e.g. 去上报. */
  action?: { label: string; onTap: () => void }
  className?: string
}

/** A meaningful empty state: a calm mark, what is empty, why, and one way forward. */
export default function EmptyState({ title, hint, action, className }: EmptyStateProps) {
  return (
    <View className={`empty-state ${className ?? ''}`} role='status'>
      <View className='empty-state__icon' aria-hidden='true'>
        <View className='empty-state__tray' />
      </View>
      <Text className='empty-state__title'>{title}</Text>
      {hint ? <Text className='empty-state__hint'>{hint}</Text> : null}
      {action ? (
        <Tap className='btn btn--ghost empty-state__action' onTap={action.onTap}>{action.label}</Tap>
      ) : null}
    </View>
  )
}
