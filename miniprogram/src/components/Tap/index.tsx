import { View } from '@tarojs/components'
import type { ReactNode } from 'react'

/** What a tappable is to a screen reader: a button by default; a tab, radio choice or switch where it picks a state. */
export type TapRole = 'button' | 'link' | 'tab' | 'radio' | 'switch' | 'checkbox'

interface Props {
  id?: string
  className?: string
  /**
   * Accessible name, for content that is no name by itself (a symbol, a photo). Leave it out when the
   * visible text names the element: a label that differs from the text fails WCAG 2.5.3 (label in name).
   */
  label?: string
  role?: TapRole
  /** The state of a tab (aria-selected), a radio choice or switch (aria-checked), a toggle button (aria-pressed). */
  selected?: boolean
  disabled?: boolean
  onTap: () => void
  children: ReactNode
}

const IS_H5 = process.env.TARO_ENV === 'h5'

/** Where `selected` goes: tabs are selected, radio choices and switches checked, toggle buttons pressed. */
function stateAttr(role: TapRole): string | null {
  if (role === 'tab') return 'aria-selected'
  if (role === 'radio' || role === 'switch' || role === 'checkbox') return 'aria-checked'
  // WeChat has no aria-pressed: there a toggle button is told as selected.
  if (role === 'button') return IS_H5 ? 'aria-pressed' : 'aria-selected'
  return null
}

/**
 * The one tappable element. In H5 it is a keyboard-reachable control (role, tabindex, Enter/Space,
 * aria-label and state); in the weapp it is a <view> with WeChat's aria attributes (which Taro's templates
 * bind only through @tarojs/plugin-inject, see config/index.ts). Taro's H5 <Button> is neither focusable
 * nor announced, which is why it is not used.
 */
export default function Tap({ id, className, label, role = 'button', selected, disabled, onTap, children }: Props) {
  const fire = () => { if (!disabled) onTap() }
  const attr = stateAttr(role)
  const state = attr && selected !== undefined ? { [attr]: selected ? 'true' : 'false' } : {}
  const a11y = IS_H5
    ? {
        role,
        tabIndex: disabled ? -1 : 0,
        'aria-label': label,
        'aria-disabled': disabled ? 'true' : undefined,
        ...state,
        onKeyDown: (e: { key: string; preventDefault: () => void }) => {
          if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); fire() }
        },
      }
    : { 'aria-role': role, 'aria-label': label, 'aria-disabled': disabled ? 'true' : undefined, ...state }
  // An unset id would render as id="undefined" on every tappable.
  return (
    <View {...(id ? { id } : {})} className={`tap ${className ?? ''} ${disabled ? 'tap--disabled' : ''}`} onClick={fire} {...(a11y as object)}>
      {children}
    </View>
  )
}
