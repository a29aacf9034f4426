export default definePageConfig({ navigationBarTitleText: '12319 话务台' })
