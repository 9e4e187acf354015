export default definePageConfig({ navigationBarTitleText: '物资详情' });
