import { View } from '@tarojs/components'
import type { ReactNode } from 'react'

interface Props {
  id?: string
  className?: string
  label?: string
  disabled?: boolean
  onTap: () => void
  children: ReactNode
}

const IS_H5 = process.env.TARO_ENV === 'h5'

/**
 * The one tappable element. In H5 it is a keyboard-reachable button (role, tabindex, Enter/Space,
 * aria-label); in the weapp it is a <view> with WeChat's aria attributes. Taro's H5 <Button> is neither
 * focusable nor announced, which is why it is not used.
 */
export default function Tap({ id, className, label, disabled, onTap, children }: Props) {
  const fire = () => { if (!disabled) onTap() }
  const a11y = IS_H5
    ? {
        role: 'button',
        tabIndex: disabled ? -1 : 0,
        'aria-label': label,
        'aria-disabled': disabled ? 'true' : undefined,
        onKeyDown: (e: { key: string; preventDefault: () => void }) => {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); fire() }
        },
      }
    : { ariaRole: 'button', ariaLabel: label }
  return (
    <View id={id} className={`tap ${className ?? ''} ${disabled ? 'tap--disabled' : ''}`} onClick={fire} {...(a11y as object)}>
      {children}
    </View>
  )
}
