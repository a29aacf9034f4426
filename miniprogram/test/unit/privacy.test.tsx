// Issue 13 items 5 and 6 in the mini-program: the consent sheet in front of location and photos, the weapp
// privacy wiring, 关怀模式, and 注销 with its confirmation.
import { beforeEach, describe, expect, it, jest } from '@jest/globals'
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import Taro from '@tarojs/taro'
import type { MyDataDto, UserDto } from '@finecity/types'
import { storageMap } from './__mocks__/taro'
import AppShell from '../../src/components/AppShell'
import Mine from '../../src/pages/mine/index'
import MyDataPage from '../../src/packages/resident/pages/data/index'
import { PRIVACY_KEY, PRIVACY_VERSION, PrivacyDeclinedError, care, ensurePrivacy, locate, pickPhotos, privacy } from '../../src/services/platform'
import { session } from '../../src/services/session'
import type * as Platform from '../../src/services/platform'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the mock answers whatever shape each call needs
type AnyMock = jest.Mock<(...a: any[]) => any>
const mock = (f: unknown) => f as AnyMock
const request = mock(Taro.request)
const login = (roles: UserDto['roles']) => session.save({ token: 'tok', user: { id: 'u1', name: '李市民', roles, orgNodeCode: null } as UserDto })

const MY_DATA: MyDataDto = {
  account: { name: '李市民', mobile: null, officialAccountBound: false, createdAt: '2026-11-02 09:15:00' },
  subscriptions: [{ template: 'case_progress', credits: 2, longTerm: false }],
  points: { listed: true, entries: [{ caseNo: 'DL20261201-000007', kind: 'registered', points: 2, at: '2026-12-01 09:00:00' }] },
  reports: [
    { caseNo: 'DL20261201-000007', category: '暴露垃圾', description: '小区门口垃圾堆放', address: '长春路 12 号', lat: 38.91, lng: 121.61, anonymous: false, state: 'closed', reportedAt: '2026-12-01 08:30:00', rating: 5, ratingComment: '很快' },
    { caseNo: 'DL20261202-000003', category: '井盖缺失', description: '', address: null, lat: 38.9, lng: 121.6, anonymous: true, state: 'dispatched', reportedAt: '2026-12-02 10:00:00', rating: null, ratingComment: null },
  ],
  following: [],
  comments: [{ caseNo: 'DL20261201-000007', body: '谢谢', at: '2026-12-02 11:00:00' }],
  exportedAt: '2026-12-03 14:05:09',
}

const ok = (data: unknown) => Promise.resolve({ statusCode: 200, data, header: {} })
let deleteAnswer: () => Promise<unknown>
function routes(o: { url: string; method: string }) {
  if (o.url.startsWith('/api/v1/cases?')) return ok({ items: [], total: 0, page: 1, pageSize: 50 })
  if (o.url === '/api/v1/me/data') return ok(MY_DATA)
  if (o.url === '/api/v1/me/delete' && o.method === 'POST') return deleteAnswer()
  return Promise.resolve({ statusCode: 404, data: null, header: {} })
}

beforeEach(() => {
  storageMap.clear()
  session.logout()
  for (const f of Object.values(Taro)) if (typeof f === 'function' && 'mockClear' in f) (f as AnyMock).mockClear()
  request.mockReset().mockImplementation(routes)
  deleteAnswer = () => ok({ deleted: true, reportsKept: 2 })
  mock(Taro.getLocation).mockResolvedValue({ latitude: 38.89, longitude: 121.64, accuracy: 20 })
  mock(Taro.chooseMedia).mockResolvedValue({ tempFiles: [] })
  document.documentElement.classList.remove('care')
  shownPage = undefined
})

/** A page frame (it holds the consent sheet), as every page has. */
const page = () => render(<AppShell title='上报'><span>内容</span></AppShell>)

/** The page Taro has current (its $taroPath); none by default, as outside a page. */
let shownPage: string | undefined
Object.assign(Taro, { getCurrentInstance: jest.fn(() => ({ router: shownPage ? { $taroPath: shownPage } : null })) })
const HOME = '/pages/home/index?$taroTimestamp=1'
const REPORT = '/pages/report/index?$taroTimestamp=2'

describe('the consent sheet before location and photos (H5)', () => {
  it('asks once; agreeing lets the location through and is remembered with the guide\'s version', async () => {
    login(['resident'])
    page()
    const here = locate()
    const dialog = await screen.findByRole('dialog')
    expect(dialog.textContent).toContain('隐私保护提示')
    expect(Taro.getLocation).not.toHaveBeenCalled()
    fireEvent.click(screen.getByRole('button', { name: '同意并继续' }))
    await expect(here).resolves.toMatchObject({ lat: 38.89, lng: 121.64, datum: 'wgs84' })
    expect(storageMap.get(PRIVACY_KEY)).toMatchObject({ version: PRIVACY_VERSION })
    expect(screen.queryByRole('dialog')).toBeNull()
    await locate()
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(Taro.getLocation).toHaveBeenCalledTimes(2)
  })

  it('declining fails the location gently, opens no picker, says why, and asks again next time', async () => {
    login(['resident'])
    page()
    const here = locate()
    fireEvent.click(await screen.findByRole('button', { name: '不同意' }))
    await expect(here).rejects.toBeInstanceOf(PrivacyDeclinedError)
    expect(Taro.getLocation).not.toHaveBeenCalled()
    expect(mock(Taro.showToast).mock.calls[0]?.[0]).toMatchObject({ title: expect.stringContaining('您未同意') })
    expect(storageMap.has(PRIVACY_KEY)).toBe(false)

    const photos = pickPhotos(3)
    fireEvent.click(await screen.findByRole('button', { name: '不同意' }))
    await expect(photos).resolves.toEqual([])
    expect(Taro.chooseMedia).not.toHaveBeenCalled()
  })

  it('two uses at once share one question; Escape declines', async () => {
    login(['resident'])
    page()
    const a = ensurePrivacy()
    const b = ensurePrivacy()
    await screen.findByRole('dialog')
    expect(screen.getAllByRole('dialog')).toHaveLength(1)
    fireEvent.keyDown(screen.getByRole('dialog').parentElement!, { key: 'Escape' })
    await expect(Promise.all([a, b])).resolves.toEqual([false, false])
  })

  it('the guide can be read inside the sheet before answering', async () => {
    login(['resident'])
    page()
    void ensurePrivacy()
    fireEvent.click(await screen.findByRole('button', { name: '阅读《隐私保护指引》' }))
    expect(screen.getByRole('dialog').textContent).toContain('三、保存多久')
    fireEvent.click(screen.getByRole('button', { name: '同意并继续' }))
  })

  it('a new version of the guide asks again; withdrawing asks again', async () => {
    storageMap.set(PRIVACY_KEY, { version: '2020-01-01', at: 0 })
    expect(privacy.agreed()).toBe(false)
    privacy.remember()
    expect(privacy.agreed()).toBe(true)
    privacy.withdraw()
    expect(privacy.agreed()).toBe(false)
  })

  it('staff at work are not asked in H5', async () => {
    login(['inspector'])
    page()
    await expect(ensurePrivacy()).resolves.toBe(true)
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(storageMap.has(PRIVACY_KEY)).toBe(false)
  })

  it('a question asked while the page is still mounting waits for its sheet', async () => {
    login(['resident'])
    const early = ensurePrivacy()
    page()
    fireEvent.click(await screen.findByRole('button', { name: '同意并继续' }))
    await expect(early).resolves.toBe(true)
  })

  it('on stacked pages the question opens on the page in front, even when it asks before its own sheet mounted', async () => {
    login(['resident'])
    // Home is open, then 随手拍 opens the report page on top; home stays mounted, hidden.
    shownPage = HOME
    const home = render(<AppShell title='首页'><span>首页内容</span></AppShell>)
    shownPage = REPORT
    const here = locate() // the report page's useLoad, before its frame's effects ran
    const report = render(<AppShell title='上报'><span>上报内容</span></AppShell>)
    await within(report.container).findByRole('dialog')
    expect(within(home.container).queryByRole('dialog')).toBeNull()
    fireEvent.click(within(report.container).getByRole('button', { name: '同意并继续' }))
    await expect(here).resolves.toMatchObject({ lat: 38.89, datum: 'wgs84' })
    expect(privacy.agreed()).toBe(true)
  })

  it('a page closed with its question open declines it, and the page below asks on its own sheet', async () => {
    login(['resident'])
    shownPage = HOME
    const home = render(<AppShell title='首页'><span>首页内容</span></AppShell>)
    shownPage = REPORT
    const report = render(<AppShell title='上报'><span>上报内容</span></AppShell>)
    const there = locate()
    await within(report.container).findByRole('dialog')
    // Back to home with the sheet still open (the browser's back button).
    report.unmount()
    shownPage = HOME
    await expect(there).rejects.toBeInstanceOf(PrivacyDeclinedError)
    const photos = pickPhotos(1)
    fireEvent.click(await within(home.container).findByRole('button', { name: '同意并继续' }))
    await expect(photos).resolves.toEqual([])
    expect(Taro.chooseMedia).toHaveBeenCalledTimes(1)
  })

  it('with no sheet at all a resident\'s location is refused, not silently used', async () => {
    login(['resident'])
    await expect(locate()).rejects.toBeInstanceOf(PrivacyDeclinedError)
    expect(Taro.getLocation).not.toHaveBeenCalled()
  })
})

describe('the weapp wiring (wx.onNeedPrivacyAuthorization, wx.requirePrivacyAuthorize)', () => {
  type Resolve = (o: { event: string; buttonId?: string }) => void
  /** platform.ts loaded as the weapp build loads it, with WeChat's privacy APIs present. */
  function weapp(requireOk: boolean) {
    const env = process.env.TARO_ENV
    process.env.TARO_ENV = 'weapp'
    let listener: ((resolve: Resolve) => void) | undefined
    let mod: typeof Platform | undefined
    let T: Record<string, AnyMock> = {}
    jest.isolateModules(() => {
      // The isolated registry has its own Taro mock: WeChat's privacy APIs go on that one.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- isolateModules loads a fresh copy synchronously
      T = (require('@tarojs/taro') as { default: Record<string, AnyMock> }).default
      T.onNeedPrivacyAuthorization = jest.fn((l: (resolve: Resolve) => void) => { listener = l })
      T.requirePrivacyAuthorize = jest.fn((o: { success: () => void; fail: () => void }) => (requireOk ? o.success() : o.fail()))
      T.getLocation!.mockResolvedValue({ latitude: 38.89, longitude: 121.64, accuracy: 20 })
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above: platform.ts as the weapp build loads it
      mod = require('../../src/services/platform')
    })
    process.env.TARO_ENV = env
    return { platform: mod!, taro: T, fire: (r: Resolve) => listener!(r) }
  }

  it('registers the listener at start; the sheet\'s answer is passed on with the agree button\'s id', async () => {
    const { platform, fire } = weapp(true)
    const answers: unknown[] = []
    fire((o) => answers.push(o))
    await waitFor(() => expect(answers).toEqual([{ event: 'disagree' }]), { timeout: 2000 })

    let reply: (yes: boolean) => void = () => {}
    const off = platform.privacy.install(() => new Promise((r) => { reply = r }))
    answers.length = 0
    fire((o) => answers.push(o))
    expect(answers).toEqual([{ event: 'exposureAuthorization' }])
    reply(true)
    await waitFor(() => expect(answers).toEqual([{ event: 'exposureAuthorization' }, { event: 'agree', buttonId: 'privacy-agree' }]))

    answers.length = 0
    fire((o) => answers.push(o))
    reply(false)
    await waitFor(() => expect(answers).toEqual([{ event: 'exposureAuthorization' }, { event: 'disagree' }]))
    off()
  })

  it('WeChat\'s question raised before the page in front mounted its sheet opens there, not on the hidden page below', async () => {
    const { platform, taro, fire } = weapp(true)
    let shown = HOME
    taro.getCurrentInstance = jest.fn(() => ({ router: { $taroPath: shown } }))
    const asked: string[] = []
    let reply: (yes: boolean) => void = () => {}
    const offHome = platform.privacy.install(() => { asked.push('home'); return new Promise(() => {}) }, HOME)
    shown = REPORT
    const answers: unknown[] = []
    fire((o) => answers.push(o))
    expect(answers).toEqual([])
    const offReport = platform.privacy.install(() => { asked.push('report'); return new Promise((r) => { reply = r }) }, REPORT)
    expect(answers).toEqual([{ event: 'exposureAuthorization' }])
    reply(true)
    await waitFor(() => expect(answers).toEqual([{ event: 'exposureAuthorization' }, { event: 'agree', buttonId: 'privacy-agree' }]))
    expect(asked).toEqual(['report'])
    offReport()
    offHome()
  })

  it('ensurePrivacy asks WeChat (requirePrivacyAuthorize): success lets the call go on, a refusal stops it', async () => {
    const agreed = weapp(true)
    await expect(agreed.platform.locate()).resolves.toMatchObject({ datum: 'gcj02' })
    expect(agreed.taro.requirePrivacyAuthorize).toHaveBeenCalledTimes(1)
    const refused = weapp(false)
    await expect(refused.platform.ensurePrivacy()).resolves.toBe(false)
    await expect(refused.platform.locate()).rejects.toBeInstanceOf(refused.platform.PrivacyDeclinedError)
    expect(refused.taro.getLocation).not.toHaveBeenCalled()
  })
})

describe('关怀模式', () => {
  it('the switch in 我的 turns it on at once, marks the page and <html>, and is kept on this device', async () => {
    login(['resident'])
    const { container } = render(<Mine />)
    const sw = screen.getByRole('switch', { name: /关怀模式/ })
    expect(sw.getAttribute('aria-checked')).toBe('false')
    expect(container.querySelector('.shell')!.classList.contains('care')).toBe(false)
    fireEvent.click(sw)
    expect(screen.getByRole('switch', { name: /关怀模式/ }).getAttribute('aria-checked')).toBe('true')
    expect(care.on()).toBe(true)
    expect(container.querySelector('.shell')!.classList.contains('care')).toBe(true)
    expect(document.documentElement.classList.contains('care')).toBe(true)
    fireEvent.click(screen.getByRole('switch', { name: /关怀模式/ }))
    expect(care.on()).toBe(false)
    expect(storageMap.has('finecity.care')).toBe(false)
    expect(document.documentElement.classList.contains('care')).toBe(false)
  })

  it('我的 links a resident to 我的积分, 我的数据 and the guide; staff get the guide and the switch only', () => {
    login(['resident'])
    const { unmount } = render(<Mine />)
    expect(screen.getAllByRole('link').map((l) => l.textContent)).toEqual(['我的积分', '我的数据', '隐私保护指引'])
    fireEvent.click(screen.getByRole('link', { name: '我的积分' }))
    expect(Taro.navigateTo).toHaveBeenCalledWith({ url: '/packages/resident/pages/points/index' })
    unmount()
    login(['inspector'])
    render(<Mine />)
    expect(screen.getAllByRole('link').map((l) => l.textContent)).toEqual(['隐私保护指引'])
    expect(screen.getByRole('switch', { name: /关怀模式/ })).toBeTruthy()
  })
})

describe('我的数据 and 注销', () => {
  it('shows the data readably: account, reports with their state, comments and subscriptions in words', async () => {
    login(['resident'])
    render(<MyDataPage />)
    await screen.findByText('我的上报（2）')
    const text = document.body.textContent!
    for (const s of ['未留', '11月2日 09:15', '暴露垃圾', '已办结', '已派遣', '匿名上报', '我的评价：5 星，很快', '谢谢', '办理进度通知', '还可接收 2 次']) expect(text).toContain(s)
    expect(text).not.toContain('case_progress')
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}/)
  })

  it('注销 explains what happens first; 不注销 leaves everything as it was', async () => {
    login(['resident'])
    render(<MyDataPage />)
    fireEvent.click(await screen.findByRole('button', { name: '注销账号' }))
    const group = screen.getByRole('group', { name: '确认注销账号' })
    expect(group.textContent).toContain('您上报的 2 个问题继续办理并保留')
    expect(group.textContent).toContain('您将退出登录')
    fireEvent.click(screen.getByRole('button', { name: '不注销' }))
    expect(screen.queryByRole('group', { name: '确认注销账号' })).toBeNull()
    expect(request.mock.calls.some(([o]) => (o as { url: string }).url === '/api/v1/me/delete')).toBe(false)
    expect(session.user()).not.toBeNull()
  })

  it('confirmed: POST /me/delete {confirm: true}, signed out, back to the home page', async () => {
    login(['resident'])
    render(<MyDataPage />)
    fireEvent.click(await screen.findByRole('button', { name: '注销账号' }))
    await act(async () => { fireEvent.click(screen.getByRole('button', { name: '确认注销' })) })
    const call = request.mock.calls.find(([o]) => (o as { url: string }).url === '/api/v1/me/delete')![0] as { method: string; data: unknown; header: Record<string, string> }
    expect(call).toMatchObject({ method: 'POST', data: { confirm: true }, header: { authorization: 'Bearer tok' } })
    await waitFor(() => expect(Taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/home/index' }))
    expect(session.user()).toBeNull()
    expect(storageMap.has('finecity.session')).toBe(false)
  })

  it('a refused deletion keeps the session and says why', async () => {
    deleteAnswer = () => Promise.resolve({ statusCode: 403, data: { error: { code: 'auth.forbidden', message: '工作人员账号不能在此注销' } }, header: {} })
    login(['resident'])
    render(<MyDataPage />)
    fireEvent.click(await screen.findByRole('button', { name: '注销账号' }))
    await act(async () => { fireEvent.click(screen.getByRole('button', { name: '确认注销' })) })
    await waitFor(() => expect(mock(Taro.showToast).mock.calls.map(([o]) => (o as { title: string }).title)).toContain('工作人员账号不能在此注销'))
    expect(session.user()).not.toBeNull()
    expect(Taro.reLaunch).not.toHaveBeenCalled()
    expect(screen.getByRole('button', { name: '确认注销' })).toBeTruthy()
  })
})
