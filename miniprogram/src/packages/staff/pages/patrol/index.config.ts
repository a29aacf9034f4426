export default definePageConfig({ navigationBarTitleText: '巡查上报' })
