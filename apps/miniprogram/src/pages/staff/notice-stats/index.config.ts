export default definePageConfig({ navigationBarTitleText: '通知触达' });
