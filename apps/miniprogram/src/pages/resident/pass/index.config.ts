export default definePageConfig({ navigationBarTitleText: '出入证', disableScroll: false });
