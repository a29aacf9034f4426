export default definePageConfig({ navigationBarTitleText: '案件公开信息' })
