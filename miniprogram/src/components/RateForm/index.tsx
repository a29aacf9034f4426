import { Text, View } from '@tarojs/components'
import { useState } from 'react'
import type { CaseDto } from '@finecity/types'
import { ACTION_DONE } from '../../lib/labels'
import { api, errorText } from '../../services/api'
import { ui } from '../../services/platform'
import { TextArea } from '../Field'
import Tap from '../Tap'
import StarRating from '../ui/StarRating'
import './index.scss'

const CHOOSE = '请先选择星级'

interface Props {
  c: CaseDto
  onDone: (c: CaseDto) => void
}

/** The resident's rating of a closed case: 1–5 stars (nothing preselected) and an optional comment. */
export default function RateForm({ c, onDone }: Props) {
  const [score, setScore] = useState<number | null>(null)
  const [comment, setComment] = useState('')
  const [error, setError] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    if (score === null) {
      setError(CHOOSE)
      return ui.toast(CHOOSE)
    }
    setBusy(true)
    try {
      const next = await api.act(c.id, 'rate', { score, comment: comment.trim() || undefined })
      ui.toast(ACTION_DONE.rate, 'success')
      onDone(next)
    } catch (err) {
      ui.toast(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <View className='card rate-form'>
      <Text className='section-title'>评价办理结果</Text>
      <StarRating value={score} onChange={(s) => { setScore(s); setError(undefined) }} error={error} />
      <TextArea id='rate-comment' label='评价内容（选填）' value={comment} placeholder='说说办理得怎么样' maxlength={200} onChange={setComment} />
      <Tap id='act-rate' className='btn btn--primary btn--block rate-form__submit' disabled={busy} onTap={() => void submit()}>
        <Text>{busy ? '提交中…' : '提交评价'}</Text>
      </Tap>
    </View>
  )
}
