import { Button, Text, View } from '@tarojs/components'
import { useDidShow } from '@tarojs/taro'
import { useEffect, useRef, useState } from 'react'
import { IS_H5, PRIVACY_AGREE_ID, currentPage, openPrivacyContract, privacy, ui, type PrivacyAsker } from '../../services/platform'
import Tap from '../Tap'
import DocView from './DocView'
import { PRIVACY_GUIDE } from './guide'
import './index.scss'

/**
 * The consent sheet: shown when a page first needs location, the camera or the album (services/platform.ts
 * asks it). Agreeing lets that use go on; declining makes it fail gently and the question comes back next time.
 * weapp: the agree button is WeChat's open-type="agreePrivacyAuthorization", the tap WeChat checks.
 */
export default function PrivacySheet() {
  const [open, setOpen] = useState(false)
  const [full, setFull] = useState(false)
  const answer = useRef<((yes: boolean) => void) | null>(null)

  // One asker per sheet, kept with the page it is rendered on: pages below the top one stay mounted
  // (H5's router and the weapp both keep them), and a question must open on the page in front. The page is
  // the one Taro has current while this first renders (it is set as the page loads, before it renders).
  const [page] = useState(currentPage)
  const asker = useRef<PrivacyAsker>(() => new Promise<boolean>((resolve) => {
    answer.current = resolve
    setFull(false)
    setOpen(true)
  }))
  useEffect(() => {
    const uninstall = privacy.install(asker.current, page)
    return () => {
      uninstall()
      // The page closed with the question open: nobody can answer it here, so it counts as not agreed.
      answer.current?.(false)
      answer.current = null
    }
  }, [page])
  // Back on this page (the one above it closed, or a tab came back): this sheet is on top again.
  useDidShow(() => void privacy.install(asker.current, page))

  // H5: focus goes into the sheet, so keyboard and screen-reader users land on the question.
  useEffect(() => {
    if (!open || !IS_H5) return
    const t = setTimeout(() => document.getElementById('privacy-sheet-title')?.focus(), 0)
    return () => clearTimeout(t)
  }, [open])

  const done = (yes: boolean) => {
    setOpen(false)
    answer.current?.(yes)
    answer.current = null
    if (!yes) ui.toast('您未同意，定位、拍照和相册暂不能使用；需要时可再次同意')
  }
  const readGuide = () => {
    if (!openPrivacyContract()) setFull((f) => !f)
  }
  if (!open) return null
  const h5Keys = IS_H5 ? { onKeyDown: (e: { key: string }) => { if (e.key === 'Escape') done(false) } } : {}
  return (
    <View className='privacy-sheet' {...h5Keys}>
      <View className='privacy-sheet__panel' role='dialog' aria-modal='true' aria-labelledby='privacy-sheet-title'>
        <Text id='privacy-sheet-title' className='privacy-sheet__title' {...({ role: 'heading', 'aria-level': 2, ...(IS_H5 ? { tabIndex: -1 } : {}) } as object)}>隐私保护提示</Text>
        <View className='privacy-sheet__body'>
          <Text className='privacy-sheet__p'>上报问题需要使用您的位置和照片：位置用来确定问题在哪里、派给所在网格处理；照片用来说明问题。手机号码只在您愿意接受回访时才留下。</Text>
          <Text className='privacy-sheet__p'>请阅读《隐私保护指引》，了解我们收集哪些信息、谁能看到、保存多久，以及如何查阅、删除和撤回同意。</Text>
          <Tap id='privacy-read' className='link privacy-sheet__read' role={IS_H5 ? 'button' : 'link'} selected={IS_H5 ? full : undefined} onTap={readGuide}>
            <Text>{full ? '收起《隐私保护指引》' : '阅读《隐私保护指引》'}</Text>
          </Tap>
          {full && <View className='privacy-sheet__full'><DocView doc={PRIVACY_GUIDE} level={3} /></View>}
        </View>
        <View className='privacy-sheet__actions'>
          <Tap id='privacy-disagree' className='btn btn--ghost privacy-sheet__btn' onTap={() => done(false)}><Text>不同意</Text></Tap>
          {IS_H5
            ? <Tap id={PRIVACY_AGREE_ID} className='btn btn--primary privacy-sheet__btn' onTap={() => done(true)}><Text>同意并继续</Text></Tap>
            : (
              <Button id={PRIVACY_AGREE_ID} className='btn btn--primary btn--native privacy-sheet__btn' openType='agreePrivacyAuthorization'
                onAgreePrivacyAuthorization={() => done(true)}>同意并继续</Button>
            )}
        </View>
      </View>
    </View>
  )
}
