// miniprogram-ci's offline checks on the weapp build: the local compile that an upload would do
// (app.json against the page files, JS syntax) and the code-quality/size report. Needs no network: a
// throwaway key, and project attributes given instead of fetched. Usage: node mp-ci-offline.cjs dist
const ci = require('miniprogram-ci')
const crypto = require('crypto')
const fs = require('fs')
const os = require('os')
const path = require('path')

const projectPath = path.resolve(process.argv[2] || 'dist')
process.chdir(fs.mkdtempSync(path.join(os.tmpdir(), 'mp-ci-'))) // it leaves md5-named folders in cwd
const { privateKey } = crypto.generateKeyPairSync('rsa', {
  modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' },
})

;(async () => {
  const project = new ci.Project({
    appid: process.env.WEAPP_APPID || 'wx0000000000000000', type: 'miniProgram', projectPath, privateKey,
    ignores: ['node_modules/**/*'], attr: async () => ci.DefaultProjectAttr,
  })
  let failed = false
  try {
    const files = await ci.getCompiledResult({ project, setting: { es6: true, minify: false }, onProgressUpdate: () => {} })
    console.log(`ok: getCompiledResult compiled ${Object.keys(files).length} files`)
  } catch (e) {
    failed = true
    console.log('FAILED: getCompiledResult:', String((e && e.message) || e))
  }
  try {
    for (const c of await ci.checkCodeQuality(project)) {
      console.log(`${c.success ? 'ok  ' : 'warn'} quality ${c.name}: ${c.text}`)
      if (c.name === 'PACKAGE_SIZE_LIMIT' && !c.success) failed = true
    }
  } catch (e) {
    failed = true
    console.log('FAILED: checkCodeQuality:', String((e && e.message) || e))
  }
  process.exit(failed ? 1 : 0) // miniprogram-ci leaves a forked compiler process alive
})()
