/**
 * The console's keyboard shortcuts: one list, read by the key handler and by the `?` overlay. An action's
 * shortcut does what a click on its button does (the element ids below), so it follows the same rules;
 * none fires while the person types in a field.
 */
export type Command =
  | { kind: 'next' }
  | { kind: 'prev' }
  | { kind: 'select' }
  | { kind: 'search' }
  | { kind: 'help' }
  | { kind: 'click'; ids: string[] }

export interface Shortcut {
  keys: string[]
  /** What a person reads in the overlay. */
  text: string
  command: Command
}

export const SHORTCUTS: Shortcut[] = [
  { keys: ['j', 'ArrowDown'], text: '下一件', command: { kind: 'next' } },
  { keys: ['k', 'ArrowUp'], text: '上一件', command: { kind: 'prev' } },
  { keys: ['x'], text: '选中或取消选中当前案件', command: { kind: 'select' } },
  { keys: ['/'], text: '搜索', command: { kind: 'search' } },
  { keys: ['r'], text: '受理立案', command: { kind: 'click', ids: ['act-register'] } },
  { keys: ['d'], text: '派遣', command: { kind: 'click', ids: ['act-dispatch'] } },
  { keys: ['p'], text: '核查通过，结案', command: { kind: 'click', ids: ['act-verify-pass'] } },
  { keys: ['y'], text: '同意延期', command: { kind: 'click', ids: ['act-decide-extension-yes'] } },
  { keys: ['m'], text: '合并到第一件疑似重复', command: { kind: 'click', ids: ['__first-merge'] } },
  { keys: ['n'], text: '不予受理', command: { kind: 'click', ids: ['open-reject'] } },
  { keys: ['b'], text: '退回', command: { kind: 'click', ids: ['open-return'] } },
  { keys: ['u'], text: '上报上级', command: { kind: 'click', ids: ['open-escalate'] } },
  { keys: ['g'], text: '挂账', command: { kind: 'click', ids: ['open-suspend'] } },
  { keys: ['s'], text: '督办', command: { kind: 'click', ids: ['open-supervise'] } },
  { keys: ['e'], text: '申请延期', command: { kind: 'click', ids: ['open-request-extension'] } },
  { keys: ['o'], text: '前后照片对比', command: { kind: 'click', ids: ['photo-compare'] } },
  { keys: ['?'], text: '显示快捷键', command: { kind: 'help' } },
]

/** Keys as the overlay shows them. */
export const KEY_TEXT: Record<string, string> = { ArrowDown: '↓', ArrowUp: '↑' }

export interface KeyEventLike {
  key: string
  ctrlKey?: boolean
  metaKey?: boolean
  altKey?: boolean
  target?: unknown
}

/** True while focus is in something that takes typing: an input, a text area, a select, editable content. */
export function isTyping(target: unknown): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean; getAttribute?: (n: string) => string | null } | null
  if (!el || typeof el !== 'object') return false
  const tag = (el.tagName ?? '').toUpperCase()
  if (['INPUT', 'TEXTAREA', 'SELECT', 'TARO-INPUT-CORE', 'TARO-TEXTAREA-CORE'].includes(tag)) return true
  if (el.isContentEditable) return true
  const role = el.getAttribute?.('role')
  return role === 'textbox' || role === 'combobox' || role === 'searchbox'
}

/** The shortcut a key press means here, or null (typing, a modifier held, or no such key). */
export function commandFor(e: KeyEventLike): Command | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null
  if (isTyping(e.target)) return null
  return SHORTCUTS.find((s) => s.keys.includes(e.key))?.command ?? null
}
