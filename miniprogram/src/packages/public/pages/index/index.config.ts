export default definePageConfig({ navigationBarTitleText: '城市管理公开' })
