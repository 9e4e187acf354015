// 通知 (staff): write a notice, see each one's reach, open a building's group chat.
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatShanghaiDateTime, noticePriorityLabels, reachPercent } from '@linli/shared';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { listChats, listNotices } from '../../../services/chat';
import { pagePaths } from '../../../services/navigation';
import './index.scss';

export default function NoticesPage() {
  const notices = useRemote(listNotices, []);
  const chats = useRemote(listChats, []);
  useReturnVisit(() => {
    notices.reload();
    chats.reload();
  });

  return (
    <PageShell title="通知" tab="notices">
      <BigButton onClick={() => Taro.navigateTo({ url: pagePaths.noticeCompose })}>发布通知</BigButton>
      <Text className="section-title">已发布</Text>
      <AsyncState remote={notices.remote} onRetry={notices.reload} isEmpty={(d) => d.items.length === 0} emptyText="还没有发布过通知">
        {(d) =>
          d.items.map((n) => (
            <View key={n.id} className="row notices__item" onClick={() => Taro.navigateTo({ url: `${pagePaths.noticeStats}?id=${n.id}` })}>
              <View className="row__main">
                <Text className="row__title">
                  {n.priority === 'urgent' ? <Text className="tag tag--danger">{noticePriorityLabels.urgent}</Text> : null}
                  {n.title}
                </Text>
                <Text className="row__meta">
                  {n.buildings.map((b) => b.name).join('、')} · {formatShanghaiDateTime(n.createdAt)}
                </Text>
              </View>
              {n.reach ? (
                <View className="notices__reach">
                  <Text className="notices__percent">{reachPercent(n.reach)}%</Text>
                  <Text className="text-small">{n.reach.ackedHouseholds}/{n.reach.targetHouseholds} 户已知晓</Text>
                </View>
              ) : null}
            </View>
          ))
        }
      </AsyncState>
      <Text className="section-title">楼栋群</Text>
      <AsyncState remote={chats.remote} onRetry={chats.reload} isEmpty={(d) => d.items.length === 0} emptyText="您负责的范围内还没有楼栋">
        {(d) =>
          d.items.map((g) => (
            <View key={g.id} className="row notices__group" onClick={() => Taro.navigateTo({ url: `${pagePaths.chatRoom}?id=${g.id}` })}>
              <View className="row__main">
                <Text className="row__title">{g.name}</Text>
                <Text className="row__meta">{g.unread > 0 ? `${g.unread} 条未读` : '没有未读消息'}</Text>
              </View>
              <Text className="row__arrow">›</Text>
            </View>
          ))
        }
      </AsyncState>
    </PageShell>
  );
}
