import type { PropsWithChildren } from 'react'
import { useLaunch } from '@tarojs/taro'
import { flushOutbox } from './services/outbox'
import { onNetworkBack } from './services/platform'
import './app.scss'

function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    // Reports queued on a weak network go out when the app starts and whenever the network comes back.
    void flushOutbox()
    onNetworkBack(() => void flushOutbox())
  })
  return children
}

export default App
