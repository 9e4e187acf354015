export default definePageConfig({ navigationBarTitleText: '一键召集' });
