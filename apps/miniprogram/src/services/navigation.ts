// Page paths and the role-aware tab sets: which tabs a user sees, and where log-in and log-out lead.
import Taro from '@tarojs/taro';
import { isStaff, type Role } from '@linli/shared';

export const pagePaths = {
  login: '/pages/common/login/index',
  me: '/pages/common/me/index',
  thanks: '/pages/common/thanks/index',
  chat: '/pages/resident/chat/index',
  groupBuys: '/pages/resident/group-buys/index',
  checkin: '/pages/resident/checkin/index',
  bind: '/pages/resident/bind/index',
  tasks: '/pages/volunteer/tasks/index',
  workbench: '/pages/staff/workbench/index',
  notices: '/pages/staff/notices/index',
  residents: '/pages/staff/residents/index',
  building: '/pages/staff/building/index',
  household: '/pages/staff/household/index',
  audit: '/pages/staff/audit/index',
  import: '/pages/staff/import/index',
  grids: '/pages/staff/grids/index',
  chatRoom: '/pages/resident/chat-room/index',
  noticeCompose: '/pages/staff/notice-compose/index',
  noticeStats: '/pages/staff/notice-stats/index',
  orders: '/pages/resident/orders/index',
  supplies: '/pages/staff/supplies/index',
  groupBuyEdit: '/pages/staff/group-buy-edit/index',
  buildingOrders: '/pages/staff/orders/index',
  help: '/pages/resident/help/index',
  pass: '/pages/resident/pass/index',
  gate: '/pages/volunteer/gate/index',
  staffPasses: '/pages/staff/passes/index',
  reserves: '/pages/staff/reserves/index',
  reserveItem: '/pages/staff/reserve-item/index',
  medicine: '/pages/resident/medicine/index',
  staffMedicineRequests: '/pages/staff/medicine-requests/index',
  volunteerApply: '/pages/resident/volunteer-apply/index',
  staffVolunteers: '/pages/staff/volunteers/index',
  staffCallUps: '/pages/staff/callups/index',
  volunteerCallUps: '/pages/volunteer/callups/index',
  task: '/pages/volunteer/task/index',
  staffTasks: '/pages/staff/tasks/index',
} as const;

export type TabKey = 'chat' | 'groupBuys' | 'checkin' | 'tasks' | 'me' | 'workbench' | 'notices' | 'residents';

export interface Tab {
  key: TabKey;
  label: string;
  path: string;
}

const tab = (key: TabKey, label: string): Tab => ({ key, label, path: pagePaths[key] });

/** Staff tabs win for a staff member; everyone else gets the resident set, plus 任务 for volunteers. */
export function tabsForRoles(roles: readonly { role: Role }[]): Tab[] {
  if (isStaff(roles)) {
    return [tab('workbench', '工作台'), tab('notices', '通知'), tab('residents', '住户'), tab('me', '我的')];
  }
  const tabs = [tab('chat', '楼栋群'), tab('groupBuys', '团购'), tab('checkin', '打卡')];
  if (roles.some((r) => r.role === 'volunteer')) tabs.push(tab('tasks', '任务'));
  tabs.push(tab('me', '我的'));
  return tabs;
}

export function homePathForRoles(roles: readonly { role: Role }[]): string {
  return tabsForRoles(roles)[0]!.path;
}

function currentRoute(): string {
  const pages = Taro.getCurrentPages();
  const page = pages[pages.length - 1];
  return page?.route ?? page?.path ?? '';
}

let leavingForLogin = false;

/** Idempotent: many requests failing at once after a lost session lead to one redirect. */
export function goToLogin(): void {
  if (leavingForLogin || currentRoute().includes('pages/common/login')) return;
  leavingForLogin = true;
  Taro.reLaunch({ url: pagePaths.login }).finally(() => {
    leavingForLogin = false;
  });
}

export function switchTab(path: string): void {
  void Taro.reLaunch({ url: path });
}
