// Hand mock of @tarojs/taro for the unit tests (@tarojs/test-utils-react does not fit Taro 4).
import { useEffect } from 'react'
import { jest } from '@jest/globals'

const store = new Map<string, unknown>()
export const storageMap = store
export const routerParams: Record<string, string> = {}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test shapes the answers it needs
type AnyFn = (...args: any[]) => any
const fn = (impl?: AnyFn) => jest.fn<AnyFn>(impl ?? (() => Promise.resolve({ errMsg: 'ok' })))

const Taro = {
  request: fn(),
  chooseMedia: fn(),
  compressImage: fn(),
  getLocation: fn(),
  openLocation: fn(),
  login: fn(),
  navigateTo: fn(),
  redirectTo: fn(),
  reLaunch: fn(),
  navigateBack: fn(),
  getCurrentPages: jest.fn<AnyFn>(() => [{}]),
  previewImage: fn(),
  showToast: fn(),
  showModal: fn(() => Promise.resolve({ confirm: true })),
  setNavigationBarTitle: fn(),
  requestSubscribeMessage: fn(),
  onNetworkStatusChange: fn(() => undefined),
  getWindowInfo: fn(() => ({ windowWidth: 375 })),
  getSystemInfoSync: fn(() => ({ windowWidth: 375 })),
  getFileSystemManager: fn(),
  getStorageSync: fn((k: string) => (store.has(k) ? store.get(k) : '')),
  setStorageSync: fn((k: string, v: unknown) => { store.set(k, v) }),
  removeStorageSync: fn((k: string) => { store.delete(k) }),
}

export const useDidShow = (cb: () => void) => useEffect(() => { cb() }, [])
export const useLoad = (cb: () => void) => useEffect(() => { cb() }, [])
export const useLaunch = (cb: () => void) => useEffect(() => { cb() }, [])
export const useRouter = () => ({ params: routerParams })
export default Taro
