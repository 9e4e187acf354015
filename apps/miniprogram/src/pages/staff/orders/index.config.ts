export default definePageConfig({ navigationBarTitleText: '楼栋订单' });
