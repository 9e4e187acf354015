// 楼栋群: the caller's building groups with the last message and unread count; tap one to open it.
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatShanghaiDateTime, type ChatMessage } from '@linli/shared';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { listChats } from '../../../services/chat';
import { pagePaths } from '../../../services/navigation';
import './index.scss';

export function previewOf(m: ChatMessage | null): string {
  if (!m) return '还没有消息';
  if (m.recalled) return '消息已撤回';
  const who = m.senderName ? `${m.senderName}：` : '';
  if (m.kind === 'image') return `${who}[图片]`;
  if (m.kind === 'notice') return `【通知】${m.notice?.title ?? m.text ?? ''}`;
  return `${who}${m.text ?? ''}`;
}

export default function ChatListPage() {
  const chats = useRemote(listChats, []);
  useReturnVisit(chats.reload);
  return (
    <PageShell title="楼栋群" tab="chat">
      <AsyncState
        remote={chats.remote}
        onRetry={chats.reload}
        isEmpty={(d) => d.items.length === 0}
        emptyText="绑定住户并通过审核后，就能进入本楼的群聊"
      >
        {(d) => (
          <View>
            {d.items.map((g) => (
              <View key={g.id} className="row chat-list__group" onClick={() => Taro.navigateTo({ url: `${pagePaths.chatRoom}?id=${g.id}` })}>
                <View className="row__main">
                  <Text className="row__title">{g.name}</Text>
                  <Text className="row__meta chat-list__preview">{previewOf(g.lastMessage)}</Text>
                </View>
                <View className="chat-list__side">
                  {g.lastMessage ? <Text className="text-small">{formatShanghaiDateTime(g.lastMessage.createdAt).slice(5)}</Text> : null}
                  {g.unread > 0 ? <Text className="chat-list__unread">{g.unread > 99 ? '99+' : g.unread}</Text> : null}
                </View>
              </View>
            ))}
          </View>
        )}
      </AsyncState>
      {chats.remote.status === 'ready' && chats.remote.data.items.length === 0 ? (
        <BigButton variant="secondary" onClick={() => Taro.navigateTo({ url: pagePaths.bind })}>去绑定住户</BigButton>
      ) : null}
    </PageShell>
  );
}
