export default definePageConfig({ navigationBarTitleText: '出入管理' });
