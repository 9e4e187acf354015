export default definePageConfig({ navigationBarTitleText: '志愿任务' });
