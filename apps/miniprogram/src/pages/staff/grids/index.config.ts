export default definePageConfig({ navigationBarTitleText: '网格与网格员' });
