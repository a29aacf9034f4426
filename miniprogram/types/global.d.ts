/// <reference types="@tarojs/taro" />

declare module '*.png'
declare module '*.scss'

/** Injected by config/index.ts (defineConstants): '' in H5 (same origin), the API host in the weapp. */
declare const FINECITY_API_BASE: string

declare namespace NodeJS {
  interface ProcessEnv {
    NODE_ENV: 'development' | 'production' | 'test'
    TARO_ENV: 'weapp' | 'h5' | 'swan' | 'alipay' | 'tt' | 'qq' | 'jd' | 'rn' | 'harmony' | 'jdrn'
    TARO_APP_API_BASE?: string
  }
}
