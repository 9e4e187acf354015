// Pages of the app; the first one opens at launch. Tabs are drawn by components/RoleTabBar, not by a native tabBar,
// because the tabs differ by role.
export default defineAppConfig({
  pages: [
    'pages/common/login/index',
    'pages/common/me/index',
    'pages/resident/chat/index',
    'pages/resident/group-buys/index',
    'pages/resident/checkin/index',
    'pages/resident/bind/index',
    'pages/volunteer/tasks/index',
    'pages/staff/workbench/index',
    'pages/staff/notices/index',
    'pages/staff/residents/index',
    'pages/staff/building/index',
    'pages/staff/household/index',
    'pages/staff/audit/index',
    'pages/staff/import/index',
    'pages/staff/grids/index',
    'pages/resident/help/index',
  ],
  window: {
    backgroundTextStyle: 'light',
    navigationBarBackgroundColor: '#1f7a4d',
    navigationBarTitleText: '邻里',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f3f4f6',
  },
});
