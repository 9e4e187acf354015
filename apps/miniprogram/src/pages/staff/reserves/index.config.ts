export default definePageConfig({ navigationBarTitleText: '物资储备' });
