export default definePageConfig({ navigationBarTitleText: '第三方巡查月评估' })
