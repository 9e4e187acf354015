export default definePageConfig({ navigationBarTitleText: '申请当志愿者' });
