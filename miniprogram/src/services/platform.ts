// The only module that talks to Taro/wx APIs (services/ is the platform boundary). Everything
// above it — API client, session, outbox, pages — stays testable with a fake of this module.
import Taro from '@tarojs/taro'
import { PHOTO_LIMITS, SUBSCRIBE_RESULTS, type SubscribeResult } from '@finecity/types'
import { buildMultipart, newBoundary, sniffImageType, type MultipartFile } from '../lib/multipart'

export const IS_H5 = process.env.TARO_ENV === 'h5'
export const API_BASE: string = typeof FINECITY_API_BASE === 'string' ? FINECITY_API_BASE : ''

export interface HttpResponse {
  status: number
  data: unknown
  headers: Record<string, string>
}

/** Thrown when no HTTP answer came back at all (offline, DNS, timeout): the caller may retry. */
export class NetworkError extends Error {
  readonly retryable = true
}

export const storage = {
  get<T>(key: string): T | undefined {
    const v = Taro.getStorageSync(key) as T | ''
    return v === '' || v === undefined || v === null ? undefined : v
  },
  set(key: string, value: unknown): void {
    Taro.setStorageSync(key, value)
  },
  remove(key: string): void {
    Taro.removeStorageSync(key)
  },
}

export async function requestJson(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, header: Record<string, string> = {}): Promise<HttpResponse> {
  try {
    const res = await Taro.request({
      url: API_BASE + path,
      method,
      data: body as Taro.request.Option['data'],
      header: body === undefined ? header : { 'content-type': 'application/json', ...header },
      dataType: 'json',
      timeout: 15000,
    })
    return { status: res.statusCode, data: res.data, headers: (res.header ?? {}) as Record<string, string> }
  } catch (err) {
    throw new NetworkError(errMsg(err))
  }
}

/** multipart/form-data with several files in one request (reports, handle with after-photos). */
export async function postMultipart(path: string, fields: Record<string, string>, photoPaths: string[], header: Record<string, string> = {}): Promise<HttpResponse> {
  return IS_H5 ? postMultipartH5(path, fields, photoPaths, header) : postMultipartWeapp(path, fields, photoPaths, header)
}

async function postMultipartH5(path: string, fields: Record<string, string>, photoPaths: string[], header: Record<string, string>): Promise<HttpResponse> {
  let res: Response
  try {
    const form = new FormData()
    for (const [k, v] of Object.entries(fields)) form.append(k, v)
    for (const [i, p] of photoPaths.entries()) {
      const blob = await (await fetch(p)).blob()
      form.append('photos', blob, `photo-${i + 1}.${blob.type === 'image/png' ? 'png' : 'jpg'}`)
    }
    res = await fetch(API_BASE + path, { method: 'POST', body: form, headers: header })
  } catch (err) {
    throw new NetworkError(errMsg(err))
  }
  const text = await res.text()
  const headers: Record<string, string> = {}
  res.headers.forEach((v, k) => { headers[k] = v })
  return { status: res.status, data: parseJson(text), headers }
}

async function postMultipartWeapp(path: string, fields: Record<string, string>, photoPaths: string[], header: Record<string, string>): Promise<HttpResponse> {
  const fs = Taro.getFileSystemManager()
  const files: MultipartFile[] = photoPaths.map((p, i) => {
    const data = new Uint8Array(fs.readFileSync(p) as ArrayBuffer)
    const contentType = sniffImageType(data)
    return { field: 'photos', filename: `photo-${i + 1}.${contentType === 'image/png' ? 'png' : 'jpg'}`, contentType, data }
  })
  const boundary = newBoundary()
  const body = buildMultipart(fields, files, boundary)
  try {
    const res = await Taro.request({
      url: API_BASE + path,
      method: 'POST',
      data: body.buffer as ArrayBuffer,
      header: { ...header, 'content-type': `multipart/form-data; boundary=${boundary}` },
      dataType: 'json',
      timeout: 60000,
    })
    return { status: res.statusCode, data: res.data, headers: (res.header ?? {}) as Record<string, string> }
  } catch (err) {
    throw new NetworkError(errMsg(err))
  }
}

/** A spreadsheet the user picked for upload: a blob: URL in H5, a temp file path in the weapp. */
export interface PickedFile {
  path: string
  name: string
  size: number
}

const PICK = {
  spreadsheet: { accept: '.xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv', extension: ['xlsx', 'csv'] },
  geojson: { accept: '.geojson,.json,application/geo+json,application/json', extension: ['geojson', 'json'] },
}

/** H5: the browser's file dialog; weapp: a file from a chat (wx.chooseMessageFile), the only way to pick a document. */
export async function pickFile(kind: keyof typeof PICK): Promise<PickedFile | null> {
  if (!IS_H5) {
    const r = await Taro.chooseMessageFile({ count: 1, type: 'file', extension: PICK[kind].extension })
    const f = r.tempFiles[0]
    return f ? { path: f.path, name: f.name, size: f.size } : null
  }
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = PICK[kind].accept
    input.style.display = 'none'
    input.onchange = () => {
      const f = input.files?.[0]
      input.remove()
      resolve(f ? { path: URL.createObjectURL(f), name: f.name, size: f.size } : null)
    }
    document.body.appendChild(input)
    input.click()
  })
}

/** A picked file's text (UTF-8), e.g. a GeoJSON to preview before it is uploaded. */
export async function readTextFile(file: PickedFile): Promise<string> {
  if (IS_H5) return (await fetch(file.path)).text()
  return Taro.getFileSystemManager().readFileSync(file.path, 'utf8') as string
}

/** One file in the multipart field `file` (roster import); the answer's JSON is parsed. */
export async function uploadFile(path: string, file: PickedFile, header: Record<string, string>): Promise<HttpResponse> {
  if (!IS_H5) {
    try {
      const r = await Taro.uploadFile({ url: API_BASE + path, filePath: file.path, name: 'file', header, timeout: 60000 } as Taro.uploadFile.Option)
      return { status: r.statusCode, data: parseJson(r.data), headers: {} }
    } catch (err) {
      throw new NetworkError(errMsg(err))
    }
  }
  let res: Response
  try {
    const form = new FormData()
    form.append('file', await (await fetch(file.path)).blob(), file.name)
    res = await fetch(API_BASE + path, { method: 'POST', body: form, headers: header })
  } catch (err) {
    throw new NetworkError(errMsg(err))
  }
  return { status: res.status, data: parseJson(await res.text()), headers: {} }
}

/**
 * An authenticated download (template, export): H5 saves it through a download link; the weapp opens it
 * in WeChat's document viewer, from where it can be forwarded or saved. Returns an error message or null.
 */
export async function downloadFile(path: string, header: Record<string, string>, filename: string): Promise<string | null> {
  if (!IS_H5) {
    try {
      const r = await Taro.downloadFile({ url: API_BASE + path, header })
      if (r.statusCode !== 200) return `下载失败（${r.statusCode}）`
      await Taro.openDocument({ filePath: r.tempFilePath, fileType: 'xlsx', showMenu: true })
      return null
    } catch (err) {
      return errMsg(err)
    }
  }
  try {
    const res = await fetch(API_BASE + path, { headers: header })
    if (!res.ok) {
      const body = parseJson(await res.text()) as { error?: { message?: string } } | null
      return body?.error?.message ?? `下载失败（${res.status}）`
    }
    downloadBlob(await res.blob(), filename)
    return null
  } catch (err) {
    return `网络不可用：${errMsg(err)}`
  }
}

/** H5: hands `blob` to the browser as a download named `filename`. */
function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10000)
}

/**
 * A JSON document the person keeps (我的数据's export). H5: a file download. weapp: written to the user's
 * data folder and offered to send to a chat (wx.shareFileMessage, from where it can be saved); when that
 * is not possible, copied to the clipboard. Says what happened, or throws.
 */
export async function saveJson(filename: string, text: string): Promise<'downloaded' | 'shared' | 'copied'> {
  if (IS_H5) {
    downloadBlob(new Blob([text], { type: 'application/json' }), filename)
    return 'downloaded'
  }
  try {
    const filePath = `${(Taro.env as { USER_DATA_PATH: string }).USER_DATA_PATH}/${filename}`
    Taro.getFileSystemManager().writeFileSync(filePath, text, 'utf8')
    await Taro.shareFileMessage({ filePath, fileName: filename })
    return 'shared'
  } catch {
    await Taro.setClipboardData({ data: text })
    return 'copied'
  }
}

export interface PickedPhoto {
  path: string
  size: number
}

/** Take or choose photos, compressed for upload (≤ 1600 px edge, JPEG), as the server re-encodes anyway. */
export async function pickPhotos(max: number): Promise<PickedPhoto[]> {
  // Declined: as if the person cancelled the picker (the sheet has said why nothing opened).
  if (!(await ensurePrivacy())) return []
  const res = await Taro.chooseMedia({ count: max, mediaType: ['image'], sourceType: ['album', 'camera'], sizeType: ['compressed'] })
  const out: PickedPhoto[] = []
  for (const f of res.tempFiles.slice(0, max)) out.push(await compress(f.tempFilePath, f.size))
  return out
}

async function compress(path: string, size: number): Promise<PickedPhoto> {
  if (IS_H5) return compressInBrowser(path, size)
  try {
    const r = await Taro.compressImage({ src: path, quality: 75 })
    return { path: r.tempFilePath, size }
  } catch {
    return { path, size }
  }
}

async function compressInBrowser(path: string, size: number): Promise<PickedPhoto> {
  try {
    const img = await new Promise<HTMLImageElement>((resolve, reject) => {
      const i = new Image()
      i.onload = () => resolve(i)
      i.onerror = () => reject(new Error('image decode failed'))
      i.src = path
    })
    const scale = Math.min(1, PHOTO_LIMITS.maxEdge / Math.max(img.naturalWidth, img.naturalHeight))
    const canvas = document.createElement('canvas')
    canvas.width = Math.max(1, Math.round(img.naturalWidth * scale))
    canvas.height = Math.max(1, Math.round(img.naturalHeight * scale))
    canvas.getContext('2d')!.drawImage(img, 0, 0, canvas.width, canvas.height)
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.8))
    if (!blob || blob.size >= size) return { path, size }
    return { path: URL.createObjectURL(blob), size: blob.size }
  } catch {
    return { path, size }
  }
}

/**
 * Keep a picked photo beyond this page: H5 blob: URLs die with the tab, so they become data: URLs;
 * weapp temp files are copied to USER_DATA_PATH.
 */
export async function persistPhoto(path: string): Promise<string> {
  if (IS_H5) {
    if (path.startsWith('data:')) return path
    const blob = await (await fetch(path)).blob()
    return new Promise((resolve, reject) => {
      const r = new FileReader()
      r.onload = () => resolve(String(r.result))
      r.onerror = () => reject(r.error)
      r.readAsDataURL(blob)
    })
  }
  // FileSystemManager methods take callbacks only (no promise form).
  return new Promise((resolve) => {
    Taro.getFileSystemManager().saveFile({
      tempFilePath: path,
      success: (r) => resolve(r.savedFilePath),
      fail: () => resolve(path),
    })
  })
}

export function discardPhoto(path: string): void {
  if (IS_H5 || !path.includes('usr')) return
  try {
    Taro.getFileSystemManager().unlinkSync(path)
  } catch {
    /* already gone */
  }
}

export interface Position {
  lat: number
  lng: number
  accuracy?: number
}

/** WGS-84 in H5 (browser geolocation); GCJ-02 in the weapp, because that is what <map> draws. */
export async function locate(): Promise<Position & { datum: 'wgs84' | 'gcj02' }> {
  if (!(await ensurePrivacy())) throw new PrivacyDeclinedError()
  const datum = IS_H5 ? 'wgs84' : 'gcj02'
  const r = await Taro.getLocation({ type: datum, isHighAccuracy: true })
  return { lat: r.latitude, lng: r.longitude, accuracy: r.accuracy, datum }
}

// ---- Privacy: the resident agrees to the 隐私保护指引 before location, camera or album are used ----
// weapp: WeChat holds the agreement. A privacy API called before it (or wx.requirePrivacyAuthorize) raises
// onNeedPrivacyAuthorization; the sheet then shows, and WeChat lets the call go on only after a tap on a
// <button open-type="agreePrivacyAuthorization"> whose id is passed back
// (https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html).
// H5: the same sheet, and the agreement kept in storage with the guide's version, so a new version asks again.

/** The 隐私保护指引's version: raise it when the guide changes, and every resident is asked again. */
export const PRIVACY_VERSION = '2026-12-03'
export const PRIVACY_KEY = 'finecity.privacy'
/** The id of the sheet's agree button (weapp: WeChat checks this very button was tapped). */
export const PRIVACY_AGREE_ID = 'privacy-agree'

/** Thrown by locate() when the person declined the privacy guide: no crash, a plain failure. */
export class PrivacyDeclinedError extends Error {
  constructor() {
    super('未同意隐私保护指引，暂不能使用定位、相机和相册')
  }
}

/** What the sheet answers: agreed or not. Installed by the PrivacySheet mounted in every page's AppShell. */
export type PrivacyAsker = () => Promise<boolean>

/**
 * The page now shown, by Taro's id for it ($taroPath: unique per opened page, set when the page loads and
 * again whenever it shows). Undefined outside a page (no router yet).
 */
export function currentPage(): string | undefined {
  if (typeof Taro.getCurrentInstance !== 'function') return undefined
  return Taro.getCurrentInstance()?.router?.$taroPath ?? undefined
}

/**
 * The sheets of the pages on the stack: pages below the top one stay mounted, hidden (H5's router and the
 * weapp both keep them), so every sheet is kept with the page it sits on, and a question goes to the sheet
 * of the page now shown — never to a hidden one, where nobody could answer it.
 */
interface Sheet { ask: PrivacyAsker; page: string | undefined }
const sheets: Sheet[] = []
/** The question each sheet has open: a second caller while it is open waits for the same answer. */
const asking = new Map<PrivacyAsker, Promise<boolean>>()
/**
 * Questions whose page has no sheet yet: a page's useLoad runs before its frame's effects do, so a page
 * that locates on load asks before its own sheet is mounted. They go to that sheet once it is.
 */
let waiting: { resolve: (yes: boolean) => void; shown?: () => void; timer: ReturnType<typeof setTimeout> }[] = []
/** How long a question waits for its page's sheet; with none (a page without AppShell) the answer is no. */
const SHEET_WAIT_MS = 800
let exempt: () => boolean = () => false

export const privacy = {
  /**
   * A mounted sheet, on the page it was rendered on (`page`, see currentPage()); installed again when its
   * page shows, it goes back on top. Questions waiting for that page go to it. Returns its uninstaller.
   */
  install(a: PrivacyAsker, page: string | undefined = currentPage()): () => void {
    const was = sheets.findIndex((s) => s.ask === a)
    if (was >= 0) sheets.splice(was, 1)
    sheets.push({ ask: a, page })
    const still: typeof waiting = []
    for (const w of waiting) {
      const sheet = sheetShown()
      if (!sheet) { still.push(w); continue }
      clearTimeout(w.timer)
      void askSheet(sheet, w.shown).then(w.resolve)
    }
    waiting = still
    return () => {
      const i = sheets.findIndex((s) => s.ask === a)
      if (i >= 0) sheets.splice(i, 1)
    }
  },
  /**
   * H5: who is not asked. Staff use location and photos for their work under their unit's rules, which
   * PIPL art. 13 (2) allows without consent (human-resources management); the weapp asks everyone, as WeChat does.
   */
  exemptWhen(fn: () => boolean): void {
    exempt = fn
  },
  /** H5: agreed to the current version of the guide. */
  agreed(): boolean {
    return storage.get<{ version?: string }>(PRIVACY_KEY)?.version === PRIVACY_VERSION
  },
  remember(): void {
    storage.set(PRIVACY_KEY, { version: PRIVACY_VERSION, at: Date.now() })
  },
  /** 撤回同意: the next use of location or photos asks again (weapp: WeChat's own setting holds it). */
  withdraw(): void {
    storage.remove(PRIVACY_KEY)
  },
}

/** The sheet on the page now shown (the latest one installed when no page is known), if it is mounted. */
function sheetShown(): Sheet | undefined {
  const page = currentPage()
  for (let i = sheets.length - 1; i >= 0; i--) if (page === undefined || sheets[i]!.page === page) return sheets[i]
  return undefined
}

function askSheet(sheet: Sheet, shown?: () => void): Promise<boolean> {
  shown?.()
  let q = asking.get(sheet.ask)
  if (!q) {
    q = sheet.ask().finally(() => { asking.delete(sheet.ask) })
    asking.set(sheet.ask, q)
  }
  return q
}

/** Asks on the page now shown; `shown` is told when a sheet opens (or is open already) for this question. */
function ask(shown?: () => void): Promise<boolean> {
  const sheet = sheetShown()
  if (sheet) return askSheet(sheet, shown)
  return new Promise((resolve) => {
    const w = { resolve, shown, timer: setTimeout(() => { waiting = waiting.filter((x) => x !== w); resolve(false) }, SHEET_WAIT_MS) }
    waiting.push(w)
  })
}

/** True once the person has agreed (asking them now if they have not); false when they decline. */
export async function ensurePrivacy(): Promise<boolean> {
  if (!IS_H5) return requireAuthorizeWeapp()
  if (privacy.agreed() || exempt()) return true
  const yes = await ask()
  if (yes) privacy.remember()
  return yes
}

function requireAuthorizeWeapp(): Promise<boolean> {
  // Base libraries before 2.32.3 have no privacy check: nothing to ask.
  if (typeof Taro.requirePrivacyAuthorize !== 'function') return Promise.resolve(true)
  return new Promise((resolve) => Taro.requirePrivacyAuthorize({ success: () => resolve(true), fail: () => resolve(false) }))
}

/** weapp: WeChat's "agreement needed" event shows the sheet; its answer lets the pending call go on or fail. */
export function wirePrivacyWeapp(): void {
  if (IS_H5 || typeof Taro.onNeedPrivacyAuthorization !== 'function') return
  Taro.onNeedPrivacyAuthorization((resolve) => {
    // WeChat is told the sheet was shown (exposure) once the page in front has one to show it.
    void ask(() => resolve({ event: 'exposureAuthorization' })).then((yes) => resolve(yes ? { event: 'agree', buttonId: PRIVACY_AGREE_ID } : { event: 'disagree' }))
  })
}

/** weapp: WeChat's own page of the guide as declared in the mini-program's admin console. */
export function openPrivacyContract(): boolean {
  if (IS_H5 || typeof Taro.openPrivacyContract !== 'function') return false
  Taro.openPrivacyContract({})
  return true
}

/** 关怀模式 (large text, high contrast): kept on this device. */
export const CARE_KEY = 'finecity.care'
const careListeners = new Set<(on: boolean) => void>()
export const care = {
  on: (): boolean => storage.get<boolean>(CARE_KEY) === true,
  set(on: boolean): void {
    if (on) storage.set(CARE_KEY, true)
    else storage.remove(CARE_KEY)
    careListeners.forEach((l) => l(on))
  },
  /** Every mounted page frame follows the switch at once (the weapp keeps the pages below the top one). */
  subscribe(listener: (on: boolean) => void): () => void {
    careListeners.add(listener)
    return () => { careListeners.delete(listener) }
  },
}

/** weapp only: wx.login → a one-time code for POST /api/v1/auth/wechat. */
export async function wechatLoginCode(): Promise<string | null> {
  if (IS_H5) return null
  const r = await Taro.login()
  return r.code || null
}

export const nav = {
  to: (url: string) => Taro.navigateTo({ url }).catch(() => Taro.redirectTo({ url })),
  redirect: (url: string) => Taro.redirectTo({ url }),
  relaunch: (url: string) => Taro.reLaunch({ url }),
  back: () => Taro.navigateBack().catch(() => Taro.reLaunch({ url: '/pages/home/index' })),
  preview: (urls: string[], current: string) => Taro.previewImage({ urls, current }),
  /** Pages on the stack: 1 when this page was opened directly (a link from a message), so back has nowhere to go. */
  depth: (): number => Taro.getCurrentPages().length,
}

export function windowWidth(): number {
  try {
    return Taro.getWindowInfo().windowWidth
  } catch {
    return Taro.getSystemInfoSync().windowWidth
  }
}

/**
 * H5: Taro's toast is a plain <div> a screen reader never hears, so every toast is also put in a polite
 * live region (role=status, visually hidden). WeChat's own toast is announced by the system.
 */
function announce(text: string): void {
  if (!IS_H5 || typeof document === 'undefined') return
  let live = document.getElementById('finecity-live')
  if (!live) {
    live = document.createElement('div')
    live.id = 'finecity-live'
    live.setAttribute('role', 'status')
    live.setAttribute('aria-live', 'polite')
    live.style.cssText = 'position:absolute;left:0;top:0;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap'
    document.body.appendChild(live)
  }
  // Cleared first, so the same message twice in a row is read twice.
  live.textContent = ''
  const region = live
  setTimeout(() => { region.textContent = text }, 50)
}

export const ui = {
  toast: (title: string, icon: 'success' | 'none' = 'none') => {
    announce(title)
    return Taro.showToast({ title, icon, duration: 2500 })
  },
  confirm: async (title: string, content: string): Promise<boolean> => (await Taro.showModal({ title, content, confirmText: '确定', cancelText: '取消' })).confirm,
  setTitle: (title: string) => Taro.setNavigationBarTitle({ title }),
}


/**
 * wx.requestSubscribeMessage: what the user answered per template. WeChat accepts it only inside a tap,
 * so call this synchronously from the tap handler (the API is invoked before this function's first await).
 * H5 has no such API: resolves to {} there, as it does on refusal or failure — it never rejects.
 */
export async function requestSubscribe(templateIds: string[]): Promise<Record<string, SubscribeResult>> {
  if (IS_H5 || !templateIds.length) return {}
  try {
    const r = (await Taro.requestSubscribeMessage({ tmplIds: templateIds } as unknown as Taro.requestSubscribeMessage.Option)) as unknown as Record<string, unknown>
    const out: Record<string, SubscribeResult> = {}
    for (const id of templateIds) {
      const v = r?.[id]
      if (typeof v === 'string' && (SUBSCRIBE_RESULTS as readonly string[]).includes(v)) out[id] = v as SubscribeResult
    }
    return out
  } catch {
    return {} // main switch off, unsupported base library, …: reporting goes on without notices
  }
}

export function onNetworkBack(cb: () => void): void {
  Taro.onNetworkStatusChange((r) => { if (r.isConnected) cb() })
}

function errMsg(err: unknown): string {
  if (err && typeof err === 'object' && 'errMsg' in err) return String((err as { errMsg: unknown }).errMsg)
  return err instanceof Error ? err.message : String(err)
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null
  } catch {
    return text
  }
}

// Registered at start-up, before any page can call a privacy API.
wirePrivacyWeapp()
