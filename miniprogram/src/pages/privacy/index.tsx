import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { useState } from 'react'
import AppShell, { shellKind } from '../../components/AppShell'
import DocView from '../../components/PrivacySheet/DocView'
import { PRIVACY_DATE, PRIVACY_GUIDE, SERVICE_TERMS } from '../../components/PrivacySheet/guide'
import Tap from '../../components/Tap'
import { IS_H5, nav, privacy, ui } from '../../services/platform'
import { session } from '../../services/session'
import './index.scss'

const DOCS = { privacy: PRIVACY_GUIDE, terms: SERVICE_TERMS } as const
type DocKey = keyof typeof DOCS

/** 隐私保护指引 and 用户服务协议 (?doc=terms opens the terms), with the person's choices below them. */
export default function PrivacyPage() {
  const { params } = useRouter()
  const [doc, setDoc] = useState<DocKey>(params.doc === 'terms' ? 'terms' : 'privacy')
  return (
    <AppShell title='隐私保护指引' className='privacy page--column'>
      <View className='chips' role='tablist' aria-label='选择文件'>
        {(Object.keys(DOCS) as DocKey[]).map((k) => (
          <Tap key={k} id={`doc-${k}`} role='tab' selected={k === doc} className={`chip chip--choice ${k === doc ? 'chip--on' : ''}`} onTap={() => setDoc(k)}>
            <Text>{DOCS[k].title}</Text>
          </Tap>
        ))}
      </View>
      <View className='card' role='tabpanel' aria-label={DOCS[doc].title}>
        <DocView doc={DOCS[doc]} />
      </View>
      <Choices />
    </AppShell>
  )
}

/** Where the rights are used: 我的数据 (access, export, 注销), and withdrawing the agreement. */
function Choices() {
  const [agreed, setAgreed] = useState(privacy.agreed())
  const resident = !!session.user() && shellKind(session.user()) === 'resident'
  const withdraw = async () => {
    if (!(await ui.confirm('撤回同意', '撤回后，上报时将不能使用定位、拍照和相册，直到您再次同意。已经上报的问题不受影响。'))) return
    privacy.withdraw()
    setAgreed(false)
    ui.toast('已撤回同意')
  }
  return (
    <View className='card privacy__choices'>
      <Text className='section-title' {...({ role: 'heading', 'aria-level': 2 } as object)}>您的选择</Text>
      {resident && (
        <Tap id='privacy-my-data' role='link' className='link privacy__link' onTap={() => void nav.to('/packages/resident/pages/data/index')}>
          <Text>查看、导出我的数据，或注销账号</Text>
        </Tap>
      )}
      {IS_H5
        ? agreed
          ? (
            <View className='privacy__consent'>
              <Text className='muted'>您已同意{PRIVACY_DATE}版的隐私保护指引。</Text>
              <Tap id='privacy-withdraw' className='btn btn--warn' onTap={() => void withdraw()}><Text>撤回同意</Text></Tap>
            </View>
          )
          : <Text className='muted'>您尚未同意本指引。第一次使用定位、拍照或相册时，我们会先请您阅读并选择是否同意。</Text>
        : <Text className='muted'>在微信中，可在小程序右上角“…” → “设置”中关闭位置、相册和相机权限。</Text>}
    </View>
  )
}
