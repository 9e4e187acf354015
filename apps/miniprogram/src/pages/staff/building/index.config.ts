export default definePageConfig({ navigationBarTitleText: '楼栋住户' });
