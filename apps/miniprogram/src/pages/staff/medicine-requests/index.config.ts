export default definePageConfig({ navigationBarTitleText: '代购药申请' });
