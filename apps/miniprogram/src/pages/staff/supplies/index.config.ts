export default definePageConfig({ navigationBarTitleText: '团购与订单' });
