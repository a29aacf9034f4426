export default definePageConfig({ navigationBarTitleText: '指挥中心大屏', navigationBarBackgroundColor: '#061428', navigationBarTextStyle: 'white' })
