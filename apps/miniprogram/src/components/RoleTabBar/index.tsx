// The bottom tab bar, chosen by the user's roles: Taro's native tabBar is one static list for everyone.
import { Text, View } from '@tarojs/components';
import { switchTab, tabsForRoles, type TabKey } from '../../services/navigation';
import { useSessionUser } from '../../stores/session';
import { UnreadBadge, useUnreadFeed } from './UnreadBadge';
import './index.scss';

export function RoleTabBar({ current }: { current: TabKey }) {
  const { me, failed, retry } = useSessionUser();
  useUnreadFeed(me);

  if (!me) {
    return (
      <View className="role-tab-bar role-tab-bar--pending">
        {failed ? (
          <View className="role-tab-bar__item" onClick={retry}>
            <Text className="role-tab-bar__label">加载失败，点此重试</Text>
          </View>
        ) : null}
      </View>
    );
  }

  return (
    <View className="role-tab-bar">
      {tabsForRoles(me.roles).map((tab) => {
        const active = tab.key === current;
        return (
          <View
            key={tab.key}
            className={`role-tab-bar__item${active ? ' role-tab-bar__item--active' : ''}`}
            onClick={() => {
              if (!active) switchTab(tab.path);
            }}
          >
            <Text className="role-tab-bar__label">{tab.label}</Text>
            {tab.key === 'chat' ? <UnreadBadge /> : null}
          </View>
        );
      })}
    </View>
  );
}
