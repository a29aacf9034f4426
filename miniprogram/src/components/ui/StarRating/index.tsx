import { Text, View } from '@tarojs/components'
import Tap from '../../Tap'
import './index.scss'

const IS_H5 = process.env.TARO_ENV === 'h5'

/** What each score means, as the 12345 satisfaction survey words it (非常满意 … 非常不满意). */
export const SCORE_WORDS = ['非常不满意', '不满意', '一般', '满意', '非常满意'] as const

export interface StarRatingProps {
  /** The chosen score, 1–5; null until the person chooses (nothing is preselected). */
  value: number | null
  onChange: (score: number) => void
  /** The group's name, read before the choices. */
  label?: string
  /** Shown under the stars and announced (e.g. "请选择星级"). */
  error?: string
  /** Prefix of the options' ids: `${idPrefix}-1` … `${idPrefix}-5` (the e2e scenario taps score-N). */
  idPrefix?: string
}

/**
 * A 1–5 star rating as a real radio group (WAI-ARIA radio group pattern): each star is a radio with its
 * meaning as its name ("4 星，满意"), nothing is checked until the person chooses, Enter or Space picks the
 * focused star and the arrow keys move the choice (https://www.w3.org/WAI/ARIA/apg/patterns/radio/).
 * Each star is a 48-CSS-px target (WCAG 2.5.5).
 */
export default function StarRating({ value, onChange, label = '满意度', error, idPrefix = 'score' }: StarRatingProps) {
  const pick = (s: number) => {
    const next = Math.min(5, Math.max(1, s))
    onChange(next)
    if (IS_H5 && typeof document !== 'undefined') document.getElementById(`${idPrefix}-${next}`)?.focus()
  }
  const keys = IS_H5
    ? {
        onKeyDown: (e: { key: string; preventDefault: () => void }) => {
          const now = value ?? 0
          if (e.key === 'ArrowRight' || e.key === 'ArrowUp') { e.preventDefault(); pick(now + 1) }
          else if (e.key === 'ArrowLeft' || e.key === 'ArrowDown') { e.preventDefault(); pick(now ? now - 1 : 1) }
          else if (e.key === 'Home') { e.preventDefault(); pick(1) }
          else if (e.key === 'End') { e.preventDefault(); pick(5) }
        },
      }
    : {}
  return (
    <View className='star-rating'>
      <Text className='field__label' id={`${idPrefix}-label`}>{label}</Text>
      <View className='star-rating__stars' role='radiogroup' aria-label={label} {...(keys as object)}>
        {[1, 2, 3, 4, 5].map((s) => {
          const lit = value !== null && s <= value
          return (
            <Tap key={s} id={`${idPrefix}-${s}`} role='radio' selected={value === s} label={`${s} 星，${SCORE_WORDS[s - 1]}`}
              className={`star-rating__star ${lit ? 'star-rating__star--lit' : ''} ${value === s ? 'star-rating__star--on' : ''}`}
              onTap={() => pick(s)}>
              <Text className='star-rating__glyph' aria-hidden='true'>{lit ? '★' : '☆'}</Text>
            </Tap>
          )
        })}
      </View>
      <Text className={`star-rating__word ${error && value === null ? 'star-rating__word--error' : ''}`} aria-live='polite'>
        {value !== null ? `${value} 星 · ${SCORE_WORDS[value - 1]}` : error ?? '点击星星打分'}
      </Text>
    </View>
  )
}
