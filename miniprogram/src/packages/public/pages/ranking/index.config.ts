export default definePageConfig({ navigationBarTitleText: '市民监督员榜' })
