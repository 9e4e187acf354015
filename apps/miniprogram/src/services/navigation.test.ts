import { tabsForRoles } from './navigation';

jest.mock('@tarojs/taro', () => ({ __esModule: true, default: {} }));

const labels = (...roles: ('resident' | 'volunteer' | 'grid_worker' | 'admin')[]) =>
  tabsForRoles(roles.map((role) => ({ role }))).map((t) => t.label);

it('gives residents 楼栋群 · 团购 · 打卡 · 我的', () => {
  expect(labels('resident')).toEqual(['楼栋群', '团购', '打卡', '我的']);
  expect(labels()).toEqual(['楼栋群', '团购', '打卡', '我的']);
});

it('adds 任务 for a volunteer', () => {
  expect(labels('resident', 'volunteer')).toEqual(['楼栋群', '团购', '打卡', '任务', '我的']);
});

it('lets staff tabs win over resident and volunteer ones', () => {
  expect(labels('grid_worker')).toEqual(['工作台', '通知', '住户', '我的']);
  expect(labels('resident', 'volunteer', 'admin')).toEqual(['工作台', '通知', '住户', '我的']);
});
