import { Text, View } from '@tarojs/components'
import { useEffect } from 'react'
import Tap from '../../../../components/Tap'
import { KEY_TEXT, SHORTCUTS } from './keymap'

/** The `?` overlay: every shortcut, in a modal dialog (Esc or 关闭 closes it; the focus stays inside). */
export default function ShortcutHelp({ onClose }: { onClose: () => void }) {
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null
    const t = setTimeout(() => (document.getElementById('shortcuts-close') as HTMLElement | null)?.focus(), 0)
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' || e.key === '?') { e.preventDefault(); e.stopPropagation(); onClose() }
      // One focusable control inside: Tab stays on it.
      if (e.key === 'Tab') { e.preventDefault(); (document.getElementById('shortcuts-close') as HTMLElement | null)?.focus() }
    }
    document.addEventListener('keydown', onKey, true)
    return () => { clearTimeout(t); document.removeEventListener('keydown', onKey, true); opener?.focus?.() }
  }, [])
  return (
    <View className='shortcuts' onClick={onClose}>
      <View id='shortcuts' className='shortcuts__dialog' role='dialog' aria-modal='true' aria-labelledby='shortcuts-title' onClick={(e) => e.stopPropagation()}>
        <View className='shortcuts__head'>
          <Text id='shortcuts-title' className='shortcuts__title'>键盘快捷键</Text>
          <Tap id='shortcuts-close' className='btn btn--ghost action-btn action-btn--small' onTap={onClose}><Text>关闭</Text></Tap>
        </View>
        <View className='shortcuts__list' role='list'>
          {SHORTCUTS.map((s) => (
            <View key={s.text} className='shortcuts__item' role='listitem'>
              <View className='shortcuts__keys'>
                {s.keys.map((k) => <Text key={k} className='kbd'>{KEY_TEXT[k] ?? k}</Text>)}
              </View>
              <Text className='shortcuts__text'>{s.text}</Text>
            </View>
          ))}
        </View>
        <Text className='muted shortcuts__note'>在输入框中打字时快捷键不生效；Esc 关闭</Text>
      </View>
    </View>
  )
}
