export default definePageConfig({ navigationBarTitleText: '回调失败' })
