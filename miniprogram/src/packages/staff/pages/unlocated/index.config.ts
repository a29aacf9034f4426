export default definePageConfig({ navigationBarTitleText: '待定位' })
