export default definePageConfig({ navigationBarTitleText: '办理进度查询' })
