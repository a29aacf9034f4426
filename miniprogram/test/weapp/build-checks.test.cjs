/** @jest-environment node */
// The weapp build as WeChat would receive it: every page's files, the official WXML/WXSS compilers, and
// miniprogram-ci's offline compile and size check. test/run.mjs builds dist/ first when it is stale.
const { spawnSync } = require('child_process')
const fs = require('fs')
const path = require('path')
const compiler = require('miniprogram-compiler')

const dist = path.resolve(__dirname, '../../dist')
const appJson = () => JSON.parse(fs.readFileSync(path.join(dist, 'app.json'), 'utf8'))

function packageBytes(dir, skip = []) {
  let n = 0
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (skip.includes(p) || e.name.startsWith('.') || e.name.endsWith('.LICENSE.txt')) continue
    n += e.isDirectory() ? packageBytes(p, skip) : fs.statSync(p).size
  }
  return n
}

describe('weapp build output', () => {
  it('has the app files and every page of app.json (and its sub-packages) as .js/.json/.wxml', () => {
    for (const f of ['app.js', 'app.json', 'app.wxss', 'base.wxml']) expect(fs.existsSync(path.join(dist, f))).toBe(true)
    const app = appJson()
    const pages = [...app.pages, ...app.subPackages.flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))]
    expect(pages).toHaveLength(29)
    // Privacy calls wait for the user's agreement (wx.requirePrivacyAuthorize; issue 13).
    expect(app.__usePrivacyCheck__).toBe(true)
    const missing = pages.flatMap((p) => ['.js', '.json', '.wxml'].map((x) => p + x)).filter((f) => !fs.existsSync(path.join(dist, f)))
    expect(missing).toEqual([])
  })

  it('binds WeChat\'s aria attributes in the templates, so Tap\'s roles, names and states reach the screen reader', () => {
    // Taro's own templates bind none (config/index.ts adds them with @tarojs/plugin-inject).
    const wxml = fs.readFileSync(path.join(dist, 'base.wxml'), 'utf8')
    const view = wxml.match(/<view [^>]*bindtap="eh"[^>]*>/)?.[0] ?? ''
    for (const a of ['aria-role', 'aria-label', 'aria-checked', 'aria-selected', 'aria-disabled', 'aria-hidden']) expect(view).toContain(`${a}="{{`)
    expect(wxml.match(/<input [^>]*>/)?.[0]).toContain('aria-label="{{')
  })

  it('ships the map marker icons as files in the code package, where the built code points (no data URIs)', () => {
    const js = fs.readdirSync(dist, { recursive: true }).filter((f) => String(f).endsWith('.js')).map((f) => fs.readFileSync(path.join(dist, String(f)), 'utf8')).join('\n')
    const icons = [...new Set(js.match(/\/assets\/map-pins\/\$\{[^}]+\}\.png|\/assets\/map-pins\/[a-z]+\.png/g) ?? [])]
    expect(icons.length).toBeGreaterThan(0)
    for (const c of ['green', 'yellow', 'red', 'overdue', 'none']) expect(fs.existsSync(path.join(dist, 'assets/map-pins', `${c}.png`))).toBe(true)
    expect(js).not.toMatch(/iconPath:\s*"data:image/)
  })

  it('compiles every WXML and WXSS file with the official wcc/wcsc compilers', () => {
    const wxml = compiler.wxmlToJs(dist)
    expect(() => new Function(wxml)).not.toThrow()
    const wxss = compiler.wxssToJs(dist)
    expect(() => new Function(wxss)).not.toThrow()
  })

  it('keeps the main package within 500 KB, well under WeChat\'s 2 MB limit (staff, leader and admin pages are sub-packages)', () => {
    const main = packageBytes(dist, appJson().subPackages.map((s) => path.join(dist, s.root)))
    console.log(`weapp main package: ${main} bytes`)
    // Issue 10: the main package stays ≤ 500 KB (ECharts lives only in the H5 leader chunk, never in the weapp).
    expect(main).toBeLessThanOrEqual(500 * 1024)
  })

  it('passes miniprogram-ci\'s offline compile and code-quality check', () => {
    const r = spawnSync(process.execPath, [path.join(__dirname, '../../scripts/mp-ci-offline.cjs'), dist], { encoding: 'utf8', timeout: 120000 })
    const out = `${r.stdout}${r.stderr}`
    expect(out).toMatch(/ok: getCompiledResult compiled \d+ files/)
    expect({ status: r.status, out }).toMatchObject({ status: 0 })
  }, 150000)
})
