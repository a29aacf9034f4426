export default defineAppConfig({
  pages: ['pages/home/index', 'pages/login/index', 'pages/report/index', 'pages/mine/index', 'pages/case/index', 'pages/track/index', 'pages/privacy/index'],
  subPackages: [
    { root: 'packages/staff', pages: ['pages/inbox/index', 'pages/task/index', 'pages/console/index', 'pages/patrol/index', 'pages/hotline/index', 'pages/unlocated/index', 'pages/callbacks/index', 'pages/company/index', 'pages/map/index'] },
    { root: 'packages/public', pages: ['pages/index/index', 'pages/case/index', 'pages/ranking/index'] },
    { root: 'packages/resident', pages: ['pages/points/index', 'pages/data/index'] },
    { root: 'packages/leader', pages: ['pages/dashboard/index', 'pages/bigscreen/index'] },
    { root: 'packages/admin', pages: ['pages/staff/index', 'pages/audit/index', 'pages/duty/index', 'pages/calendar/index', 'pages/categories/index', 'pages/org/index'] },
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#0958d9',
    navigationBarTitleText: '随手拍 · 大连城市精细化管理',
    navigationBarTextStyle: 'white',
  },
  permission: { 'scope.userLocation': { desc: '用于确定问题发生的位置，派给所在网格处理' } },
  requiredPrivateInfos: ['getLocation'],
  // Privacy calls (location, camera, album) wait for the user's agreement: wx.requirePrivacyAuthorize and
  // wx.onNeedPrivacyAuthorization (https://developers.weixin.qq.com/miniprogram/dev/framework/user-privacy/PrivacyAuthorize.html).
  __usePrivacyCheck__: true,
  lazyCodeLoading: 'requiredComponents',
})
