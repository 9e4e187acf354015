export default definePageConfig({ navigationBarTitleText: '感谢榜' });
