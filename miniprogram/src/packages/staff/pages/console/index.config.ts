export default definePageConfig({ navigationBarTitleText: '指挥工作台' })
