import { Text, View } from '@tarojs/components'
import { useEffect, useState } from 'react'
import type { StaffDto } from '@finecity/types'
import { TextField } from '../../components/Field'
import Tap from '../../components/Tap'
import { adminApi } from './api'
import { rolesText } from './labels'

/** How many people the type-ahead offers at once (type more of the name to narrow it). */
export const STAFF_PICKER_SIZE = 8

export interface StaffSearch {
  /** Only this unit and those below it (inside the admin's scope). */
  orgNodeCode?: string
  status?: StaffDto['status']
}

/** What the search field should say instead of asking: a mobile is matched only in full. */
export function staffQueryHint(text: string): string | null {
  const q = text.trim()
  if (/^\d+$/.test(q) && q.length !== 11) return '按手机号查找请输入完整的 11 位号码，或输入姓名'
  return null
}

/**
 * The type-ahead over the admin's people (GET /api/v1/admin/staff?q=): asks after a 250 ms pause in typing,
 * drops answers to older text, and asks nothing while the field is empty (a page that shows the picker makes
 * no call on load). null while nothing is typed; [] when nothing matched or the call failed.
 */
export function useStaffSearch(text: string, { orgNodeCode, status }: StaffSearch): { found: StaffDto[] | null; total: number; failed: string | null } {
  const [state, setState] = useState<{ found: StaffDto[] | null; total: number; failed: string | null }>({ found: null, total: 0, failed: null })
  useEffect(() => {
    const q = text.trim()
    if (!q || staffQueryHint(q)) { setState({ found: null, total: 0, failed: null }); return }
    let live = true
    const t = setTimeout(() => {
      adminApi.staff({ q, orgNodeCode, status, page: 1, pageSize: STAFF_PICKER_SIZE }).then(
        (r) => { if (live) setState({ found: r.items, total: r.total, failed: null }) },
        () => { if (live) setState({ found: [], total: 0, failed: '查找失败，请稍后重试' }) },
      )
    }, 250)
    return () => { live = false; clearTimeout(t) }
  }, [text, orgNodeCode, status])
  return state
}

/** "网格员 · 海军广场第1社区网格01 · A 岗": who the person is, in words. */
export function staffLine(s: StaffDto): string {
  return [rolesText(s.roles), s.orgNodeName, s.post ? `${s.post} 岗` : null].filter(Boolean).join(' · ')
}

interface Props {
  /** Prefix of the element ids: `${id}-search`, `${id}-opt-<userId>`, `${id}-chosen`, `${id}-clear`. */
  id: string
  /** What is picked, e.g. 替班人员 or 操作人. */
  label: string
  value: StaffDto | null
  onChange: (s: StaffDto | null) => void
  search?: StaffSearch
  placeholder?: string
  /** A refusal from the API about this field, shown under it. */
  error?: string
}

/**
 * Picks one person by name (or full mobile): the admin types, the matches are listed with their role, unit
 * and post, and the one picked is shown by name with 清除 to pick again. The page gets the whole StaffDto;
 * no id is typed or shown.
 */
export default function StaffPicker({ id, label, value, onChange, search = {}, placeholder, error }: Props) {
  const [text, setText] = useState('')
  const { found, total, failed } = useStaffSearch(value ? '' : text, search)
  const hint = staffQueryHint(text)

  if (value) {
    return (
      <View className='field staff-picker'>
        <Text className='field__label'>{label}</Text>
        <View className='staff-picker__chosen'>
          <Text id={`${id}-chosen`}><Text className='staff-picker__name'>{value.name}</Text><Text className='muted'>{staffLine(value)}</Text></Text>
          <Tap id={`${id}-clear`} className='link' label={`清除${label}：${value.name}`} onTap={() => { onChange(null); setText('') }}><Text>清除</Text></Tap>
        </View>
        {error && <View className='field-error' role='alert'><Text>{error}</Text></View>}
      </View>
    )
  }
  return (
    <View className='staff-picker'>
      <TextField id={`${id}-search`} label={label} value={text} placeholder={placeholder ?? '输入姓名或完整手机号'} maxlength={40} onChange={setText} />
      {hint && <Text className='muted'>{hint}</Text>}
      {found !== null && (
        <View className='staff-picker__list' role='list' aria-label={`${label}：查找结果`}>
          {found.map((s) => (
            <View key={s.id} role='listitem'>
              <Tap id={`${id}-opt-${s.id}`} className='staff-picker__option' onTap={() => { onChange(s); setText('') }}>
                <Text className='staff-picker__name'>{s.name}</Text>
                <Text className='muted'>{staffLine(s)}</Text>
              </Tap>
            </View>
          ))}
          {!found.length && <Text className='muted staff-picker__none'>{failed ?? `没有找到“${text.trim()}”`}</Text>}
          {total > found.length && <Text className='muted staff-picker__none'>共 {total} 人，只列出前 {found.length} 人，请输入更完整的姓名</Text>}
        </View>
      )}
      {error && <View className='field-error' role='alert'><Text>{error}</Text></View>}
    </View>
  )
}
