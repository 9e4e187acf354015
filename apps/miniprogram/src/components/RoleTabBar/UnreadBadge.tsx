// The unread count on the 楼栋群 tab, fed by GET /chats once per session and by the socket after that.
import { useEffect } from 'react';
import { Text } from '@tarojs/components';
import type { MeResponse } from '@linli/shared';
import { tabsForRoles } from '../../services/navigation';
import { refreshUnread, useUnreadTotal } from '../../stores/unread';

let fedFor: string | null = null;

export function useUnreadFeed(me: MeResponse | null) {
  useEffect(() => {
    if (!me || fedFor === me.user.id) return;
    if (!tabsForRoles(me.roles).some((t) => t.key === 'chat')) return;
    fedFor = me.user.id;
    refreshUnread(me.user.id).catch(() => {
      fedFor = null;
    });
  }, [me]);
}

export function UnreadBadge() {
  const total = useUnreadTotal();
  if (total <= 0) return null;
  return <Text className="role-tab-bar__badge">{total > 99 ? '99+' : total}</Text>;
}
