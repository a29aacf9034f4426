/** @jest-environment jsdom */
// Runs the REAL weapp bundle (dist/: Taro runtime + React + base.wxml compiled by the official wcc) in
// miniprogram-simulate, with a hand-written App/Page/wx host. It renders pages, taps and types, and
// asserts the wx.* calls. It is a smoke test of the shipped bundle, not a device test (no WXSS layout).
const path = require('path')
const simulate = require('miniprogram-simulate')
const { URL } = require('url')

const dist = path.resolve(__dirname, '../../dist')
const storage = {}
const calls = []
const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]).buffer
const accounts = [
  { code: 'sandbox:resident-01', openid: 'resident-01', role: 'resident', orgNodeCode: null, name: '市民演示账号01' },
  { code: 'sandbox:staff-210202001010001A', openid: 'staff-210202001010001A', role: 'inspector', orgNodeCode: '210202001010001', name: '网格员A' },
]
const categories = { standardRef: 'GB/T', categories: [{ code: '06010', name: '暴露垃圾', bigClassCode: '06', bigClassName: '市容环境类', keywords: [], common: true, urgent: false, hint: '看垃圾装在哪里', confusableWith: [] }] }
const aCase = { id: '11111111-1111-4111-8111-111111111111', caseNo: 'DL1', state: 'submitted' }

// The inspector's task (issue 12): a case dispatched to their grid, as GET /api/v1/cases/:id answers it.
const TASK_ID = '22222222-2222-4222-8222-222222222222'
const inspector = { id: 'i1', name: '网格员A', roles: ['inspector'], orgNodeCode: '210202001010001', duty: { slot: 'A', onDuty: true } }
const task = {
  id: TASK_ID, caseNo: 'DL20261203-000007', state: 'dispatched', source: 'miniprogram',
  category: { code: '06010', name: '暴露垃圾', standardRef: 'GB/T 47678.5' }, description: '人行道上一处井盖缺失', anonymous: false,
  location: { lat: 38.892326, lng: 121.6386, address: '人民路 23 号门前' },
  grid: { code: '210202001010001', name: '网格01', level: 'grid' }, community: null, street: null, district: { code: '210202', name: '中山区', level: 'district' },
  responsible: { code: '210202001010001', name: '网格01', level: 'grid' }, complexity: 'simple',
  deadline: { dueAt: '2026-12-04T02:00:00.000Z', nationalDueAt: null, startedAt: '2026-12-03T02:00:00.000Z', calendar: 'natural', level: 'green', used: 0.1 },
  pendingExtension: null, reworkCount: 0, rating: null, mergedIntoId: null, moderation: null, supervised: false, supervisionDueAt: null, locationPending: false,
  createdAt: '2026-12-03T02:00:00.000Z', updatedAt: '2026-12-03T02:00:00.000Z', closedAt: null, version: 3,
  photos: [], events: [], allowedActions: ['sign', 'return'],
}
const historyItem = { ...task, state: 'handled', allowedActions: undefined, myLastAction: { action: 'handle', at: '2026-12-03T06:05:00.000Z' } }

// The report page's pin picker (issue 13): the locator names the pin's place (outside 39°N: refused, as the
// server refuses it), and one registered case of 暴露垃圾 is near.
const place = { districtName: '中山区', streetName: '海军广场街道', communityName: '海军广场街道第1社区', gridName: '海军广场街道第1社区网格01', label: '中山区 · 海军广场街道 · 海军广场街道第1社区 · 海军广场街道第1社区网格01' }
const NEAR_ID = '33333333-3333-4333-8333-333333333333'
const nearbyCase = { id: NEAR_ID, category: { code: '06010', name: '暴露垃圾' }, distanceM: 28, point: { lat: 38.8926, lng: 121.6386 }, state: 'registered', thumbUrl: null, supporters: 0, following: false }
/** What wx.getLocation answers (GCJ-02). */
let located = { latitude: 38.8912, longitude: 121.6446 }
// The same points in the other datum, from the published GCJ-02 formula (Krasovsky ellipsoid, as in
// https://github.com/wandergis/coordtransform) computed outside this project: the GCJ-02 fix above inverted to
// WGS-84 (to 1e-9°, then rounded to the 6 decimals the app sends), and the task's WGS-84 point below in GCJ-02.
const LOCATED_WGS84 = { lat: '38.890408', lng: '121.639629' }
const TASK_GCJ02 = { latitude: 38.893118, longitude: 121.643569 }
const query = (url) => Object.fromEntries(new URL(url, 'http://x').searchParams)

function route(opts) {
  const url = opts.url.replace('http://127.0.0.1:3000', '')
  if (url === '/api/v1/me') return { statusCode: 200, data: { user: inspector } }
  if (url === '/api/v1/auth/wechat' && opts.data?.code === 'sandbox:staff-210202001010001A') return { statusCode: 200, data: { token: 't-inspector', user: inspector } }
  if (url === '/api/v1/tasks') return { statusCode: 200, data: { items: [task] } }
  if (url.startsWith('/api/v1/tasks/history')) return { statusCode: 200, data: { items: [historyItem], total: 1, page: 1, pageSize: 20 } }
  if (url === `/api/v1/cases/${TASK_ID}/comments`) return { statusCode: 200, data: { items: [] } }
  if (url === `/api/v1/cases/${TASK_ID}/actions/sign`) return { statusCode: 200, data: { case: { ...task, state: 'in_progress', allowedActions: ['handle', 'request-extension'] } } }
  if (url === `/api/v1/cases/${TASK_ID}`) return { statusCode: 200, data: { case: task } }
  if (url === '/api/v1/sandbox/accounts') return { statusCode: 200, data: { accounts } }
  if (url === '/api/v1/auth/wechat') return { statusCode: 200, data: { token: 't1', user: { id: 'u1', name: '市民演示账号01', roles: ['resident'], orgNodeCode: null } } }
  if (url === '/api/v1/categories') return { statusCode: 200, data: categories }
  if (url === '/api/v1/reports') return { statusCode: 201, data: { case: aCase } }
  if (url === '/api/v1/subscriptions/templates') return { statusCode: 200, data: { templates: { case_progress: 'tpl-progress' } } }
  if (url === '/api/v1/subscriptions') return { statusCode: 200, data: { credits: { case_progress: 1 } } }
  if (url.startsWith('/api/v1/map/place')) {
    return Number(query(url).lat) > 39
      ? { statusCode: 422, data: { error: { code: 'location.outside_service_area', message: '该位置不在大连市服务范围内' } } }
      : { statusCode: 200, data: place }
  }
  if (url.startsWith('/api/v1/cases/nearby')) return { statusCode: 200, data: { items: [nearbyCase], distanceM: 50, windowHours: 72 } }
  if (url === `/api/v1/cases/${NEAR_ID}/follow`) return { statusCode: 200, data: { caseId: NEAR_ID, following: true, supporters: 1 } }
  if (url.startsWith('/api/v1/cases')) return { statusCode: 200, data: { items: [], total: 0, page: 1, pageSize: 3 } }
  return { statusCode: 404, data: { error: { code: 'not_found', message: 'no' } } }
}
const results = {
  request: (o) => ({ ...route(o), header: {}, errMsg: 'request:ok' }),
  navigateTo: () => ({ errMsg: 'navigateTo:ok' }),
  redirectTo: () => ({ errMsg: 'redirectTo:ok' }),
  reLaunch: () => ({ errMsg: 'reLaunch:ok' }),
  showToast: () => ({ errMsg: 'showToast:ok' }),
  login: () => ({ code: 'wx-code-1', errMsg: 'login:ok' }),
  chooseMedia: () => ({ type: 'image', tempFiles: [{ tempFilePath: 'wxfile://tmp/a.jpg', size: 2048, fileType: 'image' }], errMsg: 'chooseMedia:ok' }),
  compressImage: () => ({ tempFilePath: 'wxfile://tmp/a-small.jpg', errMsg: 'compressImage:ok' }),
  getLocation: () => ({ ...located, accuracy: 20, errMsg: 'getLocation:ok' }),
  openLocation: () => ({ errMsg: 'openLocation:ok' }),
  requestSubscribeMessage: (o) => ({ errMsg: 'requestSubscribeMessage:ok', ...Object.fromEntries((o.tmplIds ?? []).map((id) => [id, 'accept'])) }),
}
const wxStub = {
  getStorageSync: (k) => storage[k] ?? '',
  setStorageSync: (k, v) => { storage[k] = v },
  removeStorageSync: (k) => { delete storage[k] },
  getSystemInfoSync: () => ({ platform: 'devtools', windowWidth: 375, windowHeight: 812, pixelRatio: 2, SDKVersion: '3.0.0' }),
  getWindowInfo: () => ({ windowWidth: 375, windowHeight: 812, pixelRatio: 2 }),
  getDeviceInfo: () => ({ platform: 'devtools' }),
  getAppBaseInfo: () => ({ SDKVersion: '3.0.0' }),
  canIUse: () => true,
  onNetworkStatusChange: () => {},
  // WeChat's <map> context: the pin picker moves the map back on 重新定位.
  createMapContext: (id) => ({
    moveToLocation: (o) => { calls.push(['moveToLocation', { id, ...o }]) },
    initMarkerCluster: () => {},
  }),
  getFileSystemManager: () => ({
    readFileSync: () => jpeg,
    saveFile: (o) => o.success({ savedFilePath: `wxfile://usr/${o.tempFilePath.split('/').pop()}` }),
    unlinkSync: () => {},
  }),
}
for (const [name, result] of Object.entries(results)) {
  wxStub[name] = (opts = {}) => {
    calls.push([name, opts])
    const res = result(opts)
    // The base library returns a promise when no callback is given; Taro relies on it for some APIs.
    if (!opts.success && !opts.fail && !opts.complete) return Promise.resolve(res)
    Promise.resolve().then(() => {
      if (opts.success) opts.success(res)
      if (opts.complete) opts.complete(res)
    })
  }
}

let appCfg
let currentRoute = ''
let currentQuery = {}
const pages = []
global.App = (cfg) => { appCfg = cfg }
global.getApp = () => appCfg
global.getCurrentPages = () => pages
global.Page = (cfg) => {
  const route = currentRoute
  const query = currentQuery
  const methods = {}
  for (const k of Object.keys(cfg)) if (typeof cfg[k] === 'function') methods[k] = cfg[k]
  global.Component({
    data: cfg.data || {},
    methods,
    lifetimes: {
      attached() {
        Object.assign(this, { route, __route__: route, options: query })
        pages.push(this)
        if (this.onLoad) this.onLoad(query)
        if (this.onShow) this.onShow()
      },
    },
  })
}
function mountPage(route, query = {}) {
  currentRoute = route
  currentQuery = query
  const id = simulate.load(path.join(dist, route), route.replace(/\W/g, '-') + Math.random().toString(36).slice(2), { rootPath: dist, compiler: 'official' })
  const comp = simulate.render(id)
  comp.attach(document.createElement('div'))
  return comp
}
// Rendering goes through Taro's runtime and setData; on a loaded 2-core CI machine 300 ms was not always enough.
const settle = () => simulate.sleep(1500)
const text = (c) => c.dom.textContent
const made = (name) => calls.filter((c) => c[0] === name).map((c) => c[1])

beforeAll(() => {
  global.wx = Object.assign(global.wx || {}, wxStub)
  require(path.join(dist, 'app.js'))
  if (appCfg.onLaunch) appCfg.onLaunch.call(appCfg, { path: 'pages/home/index', query: {} })
  if (appCfg.onShow) appCfg.onShow.call(appCfg, { path: 'pages/home/index', query: {} })
})

test('home renders 随手拍 first and opens the report page; a guest makes no API request', async () => {
  const home = mountPage('pages/home/index')
  await settle()
  expect(text(home)).toContain('随手拍')
  expect(made('request')).toHaveLength(0)
  home.querySelector('#snap').dispatchEvent('tap')
  await settle()
  expect(made('navigateTo').map((o) => o.url)).toContain('/pages/report/index')
})

// A page's script registers it once per run: the login page stays mounted for the inspector's sign-in below.
let loginPage
test('login offers wx.login and, with the sandbox on, the demo accounts', async () => {
  const login = mountPage('pages/login/index')
  loginPage = login
  await settle()
  expect(text(login)).toContain('微信一键登录')
  expect(text(login)).toContain('市民演示账号01')
  login.querySelector('#acct-resident-01').dispatchEvent('tap')
  await settle()
  const auth = made('request').find((o) => o.url.endsWith('/api/v1/auth/wechat'))
  expect(auth.data).toEqual({ code: 'sandbox:resident-01' })
  expect(storage['finecity.session'].token).toBe('t1')
  expect(made('reLaunch').map((o) => o.url)).toContain('/pages/home/index')
})

const urls = (part) => made('request').map((o) => o.url.replace('http://127.0.0.1:3000', '')).filter((u) => u.includes(part))

test('report: photo, GCJ-02 pin, category, text → one multipart wx.request with an Idempotency-Key', async () => {
  const report = mountPage('pages/report/index')
  await settle()
  expect(made('getLocation')[0]).toMatchObject({ type: 'gcj02' })
  // The pin picker: the device's GCJ-02 point goes to the locator in WGS-84 (a few hundred metres apart), and
  // the place's name shows under the map.
  expect(urls('/api/v1/map/place')).toHaveLength(1)
  const asked = query(urls('/api/v1/map/place')[0])
  expect({ lat: asked.lat, lng: asked.lng }).toEqual(LOCATED_WGS84)
  expect(text(report)).toContain(`图钉位置：${place.label}`)
  expect(text(report)).toContain('已定位到您的位置（精度约 20 米）')
  report.querySelector('#pick-photos').dispatchEvent('tap')
  await settle()
  expect(made('compressImage')).toHaveLength(1)
  const option = report.querySelectorAll('.category-option')[0]
  option.dispatchEvent('tap')
  await settle()
  expect(text(report)).toContain('易混提示')
  // A category and an accepted pin: the nearby cases of that category, with 我也遇到; submitting stays possible.
  expect(urls('/api/v1/cases/nearby')).toEqual([`/api/v1/cases/nearby?lat=${LOCATED_WGS84.lat}&lng=${LOCATED_WGS84.lng}&categoryCode=06010`])
  expect(text(report)).toContain('约 30 米 · 已受理')
  expect(text(report)).toContain('已有 1 人反映')
  expect(report.querySelector(`#follow-${NEAR_ID}`)).not.toBeNull()
  expect(report.querySelector('#submit').dom.textContent).toBe('仍然提交上报')
  report.querySelector('#description').dispatchEvent('input', { detail: { value: '人行道上有垃圾' } })
  await settle()
  report.querySelector('#submit').dispatchEvent('tap')
  await simulate.sleep(800)
  const post = made('request').find((o) => o.url.endsWith('/api/v1/reports'))
  expect(post).toBeDefined()
  expect(post.method).toBe('POST')
  expect(post.header['content-type']).toMatch(/^multipart\/form-data; boundary=/)
  expect(post.header['Idempotency-Key']).toMatch(/^rpt-/)
  expect(post.header.authorization).toBe('Bearer t1')
  const body = Buffer.from(post.data).toString('latin1')
  expect(body).toContain('name="categoryCode"\r\n\r\n06010')
  // The pin (the GCJ-02 fix) converted back to WGS-84: both coordinates, not the unconverted 38.8912, 121.6446.
  expect(body).toContain(`name="lat"\r\n\r\n${LOCATED_WGS84.lat}\r\n`)
  expect(body).toContain(`name="lng"\r\n\r\n${LOCATED_WGS84.lng}\r\n`)
  expect(body).toContain('filename="photo-1.jpg"')
  expect(made('redirectTo').map((o) => o.url)).toContain(`/pages/case/index?id=${aCase.id}`)
  // The submit tap asked for subscribe-message consent with the prefetched template, and the answer went
  // to the server.
  expect(made('requestSubscribeMessage').map((o) => o.tmplIds)).toEqual([['tpl-progress']])
  const consent = made('request').find((o) => o.url.endsWith('/api/v1/subscriptions'))
  expect(consent?.data).toEqual({ results: { 'tpl-progress': 'accept' } })
  reportPage = report
})

// The same page (a page's script registers once per run), after the report above went out.
let reportPage
describe('the report page\'s pin picker (issue 13)', () => {
  test('an arrow button moves the pin 15 m north: one lookup after the map rests, for the moved point', async () => {
    const before = urls('/api/v1/map/place').length
    const lat0 = Number(query(urls('/api/v1/map/place').at(-1)).lat)
    reportPage.querySelector('#nudge-north').dispatchEvent('tap')
    reportPage.querySelector('#nudge-north').dispatchEvent('tap')
    await settle()
    expect(urls('/api/v1/map/place')).toHaveLength(before + 1)
    const lat1 = Number(query(urls('/api/v1/map/place').at(-1)).lat)
    expect((lat1 - lat0) * 111320).toBeCloseTo(30, 0)
  })

  // A drag cannot be simulated: WeChat's regionchange arrives as type 'end' (Taro listens to begin/end), which
  // miniprogram-simulate cannot dispatch. 重新定位 at another point moves the pin the same way.
  test('a position outside the service area: the map is moved there, the pin refused with the server\'s message, submitting blocked', async () => {
    located = { latitude: 39.6, longitude: 122.9 }
    reportPage.querySelector('#locate').dispatchEvent('tap')
    await settle()
    expect(made('moveToLocation').at(-1)).toMatchObject({ id: 'pin-map' })
    expect(made('moveToLocation').at(-1).latitude).toBeCloseTo(39.6, 3)
    expect(text(reportPage)).toContain('该位置不在大连市服务范围内，请移动图钉后再提交')
    // The photo, category and text are still there (the draft): only the pin stops the report.
    const sent = urls('/api/v1/reports').length
    reportPage.querySelector('#submit').dispatchEvent('tap')
    await settle()
    expect(urls('/api/v1/reports')).toHaveLength(sent)
  })

  test('我也遇到 follows the nearby case and opens its page', async () => {
    located = { latitude: 38.8912, longitude: 121.6446 }
    reportPage.querySelector('#locate').dispatchEvent('tap')
    await settle()
    expect(text(reportPage)).toContain(`图钉位置：${place.label}`)
    reportPage.querySelector(`#follow-${NEAR_ID}`).dispatchEvent('tap')
    await settle()
    const follow = made('request').find((o) => o.url.endsWith(`/api/v1/cases/${NEAR_ID}/follow`))
    expect(follow).toMatchObject({ method: 'POST' })
    expect(follow.header.authorization).toBe('Bearer t1')
    expect(made('redirectTo').map((o) => o.url)).toContain(`/pages/case/index?id=${NEAR_ID}`)
  })
})

describe('the inspector (issue 12)', () => {
  // Signed in the way a person does in the sandbox: the inspector's demo account on the login page.
  beforeAll(async () => {
    loginPage.querySelector('#acct-staff-210202001010001A').dispatchEvent('tap')
    await settle()
    expect(storage['finecity.session'].token).toBe('t-inspector')
  })

  test('task page: the case, 导航 in GCJ-02 through wx.openLocation, and 签收', async () => {
    const page = mountPage('packages/staff/pages/task/index', { id: TASK_ID })
    await settle()
    expect(text(page)).toContain('人行道上一处井盖缺失')
    expect(text(page)).toContain('人民路 23 号门前')
    page.querySelector(`#nav-${TASK_ID}`).dispatchEvent('tap')
    await settle()
    const open = made('openLocation').pop()
    // GCJ-02 is a few hundred metres off the WGS-84 point the API gives: the converted point, to about 0.5 m.
    expect(open.latitude).toBeCloseTo(TASK_GCJ02.latitude, 5)
    expect(open.longitude).toBeCloseTo(TASK_GCJ02.longitude, 5)
    expect(open.name).toBe('人民路 23 号门前')
    page.querySelector('#act-sign').dispatchEvent('tap')
    await settle()
    const sign = made('request').find((o) => o.url.endsWith(`/api/v1/cases/${TASK_ID}/actions/sign`))
    expect(sign).toMatchObject({ method: 'POST' })
    expect(sign.header.authorization).toBe('Bearer t-inspector')
    expect(text(page)).toContain('处置中')
  })

  test('inbox: 待办, then 已办 with what the inspector did, searched by case number', async () => {
    const page = mountPage('packages/staff/pages/inbox/index')
    await settle()
    expect(text(page)).toContain('DL20261203-000007')
    page.querySelector('#inbox-done').dispatchEvent('tap')
    await settle()
    expect(made('request').map((o) => o.url.replace('http://127.0.0.1:3000', ''))).toContain('/api/v1/tasks/history?pageSize=20')
    expect(text(page)).toContain('我已处置')
    page.querySelector('#history-search').dispatchEvent('input', { detail: { value: 'DL20261203-000007' } })
    await settle()
    expect(made('request').map((o) => o.url.replace('http://127.0.0.1:3000', ''))).toContain('/api/v1/tasks/history?q=DL20261203-000007&pageSize=20')
    page.querySelector(`#done-${TASK_ID}`).dispatchEvent('tap')
    await settle()
    expect(made('navigateTo').map((o) => o.url)).toContain(`/packages/staff/pages/task/index?id=${TASK_ID}`)
  })
})
