import path from 'node:path'
import { defineConfig, type UserConfigExport } from '@tarojs/cli'
import TsconfigPathsPlugin from 'tsconfig-paths-webpack-plugin'
import devConfig from './dev'
import prodConfig from './prod'

// The shared contracts (types/src) are TypeScript with NodeNext-style "./x.js" imports: compile them
// with the app and let webpack try ".ts" for ".js" requests.
const typesSrc = path.resolve(__dirname, '../../types/src')
const isH5 = process.env.TARO_ENV === 'h5'
// H5 is served by the API server itself (same origin); the weapp needs an absolute, allow-listed host.
const apiBase = process.env.TARO_APP_API_BASE ?? (isH5 ? '' : 'http://127.0.0.1:3000')
// WeChat's screen reader reads aria-role/aria-label/… on any component (无障碍访问), but Taro's weapp
// templates bind none of them: without these, the roles and names Tap and Field set are dropped.
// (H5 passes aria-* through to the DOM by itself.)
const aria = (names: string[]) => Object.fromEntries(names.map((n) => [`aria-${n}`, '']))
const weappA11y = ['@tarojs/plugin-inject', {
  components: {
    View: aria(['role', 'label', 'hidden', 'selected', 'checked', 'disabled']),
    Text: aria(['hidden', 'label']),
    Input: aria(['label']),
    Textarea: aria(['label']),
    Image: aria(['label', 'hidden']),
  },
}] as [string, object]

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- webpack-chain's Config, typed loosely by Taro
function chainCommon (chain: any): void {
  chain.resolve.plugin('tsconfig-paths').use(TsconfigPathsPlugin)
  chain.resolve.set('extensionAlias', { '.js': ['.ts', '.tsx', '.js'] })
  // npm may nest some Taro packages under miniprogram/node_modules (workspace hoisting) while the
  // hoisted @tarojs/taro-h5 imports them: let every module fall back to this workspace's folder.
  chain.resolve.modules.add('node_modules').add(path.resolve(__dirname, '../node_modules'))
}

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'finecity',
    date: '2026-11-27',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: isH5 ? 'dist-h5' : 'dist',
    plugins: isH5 ? [] : [weappA11y],
    defineConstants: { FINECITY_API_BASE: JSON.stringify(apiBase) },
    // H5: the favicon and touch icon (src/assets) go to the site root, where index.html links them.
    copy: {
      // weapp: the map's marker icons as files in the code package (a <map> marker cannot take a data URI).
      patterns: isH5
        ? ['favicon.svg', 'favicon-32.png', 'apple-touch-icon.png'].map((f) => ({ from: `src/assets/${f}`, to: `dist-h5/${f}` }))
        : [{ from: 'src/components/CityMap/pins/', to: 'dist/assets/map-pins/' }],
      options: {},
    },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: process.env.TARO_CACHE === '1' },
    logger: { quiet: true, stats: false },
    mini: {
      compile: { include: [typesSrc] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain: chainCommon,
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: [typesSrc] },
      output: { filename: 'js/[name].[contenthash:8].js', chunkFilename: 'js/[name].[contenthash:8].js' },
      miniCssExtractPluginOption: { ignoreOrder: true, filename: 'css/[name].[contenthash:8].css', chunkFilename: 'css/[name].[contenthash:8].css' },
      postcss: {
        // Root font size fixed at the 375-px phone scale, so the wide console is not drawn at 2x on desktops.
        pxtransform: { enable: true, config: { maxRootSize: 20, minRootSize: 20 } },
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain: chainCommon,
    },
  }
  return process.env.NODE_ENV === 'development' ? merge({}, baseConfig, devConfig) : merge({}, baseConfig, prodConfig)
})
