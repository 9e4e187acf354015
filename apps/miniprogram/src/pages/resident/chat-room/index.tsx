// One building group: history with paging, live messages, send text / image / @mention / reply, notice cards with
// 我已知晓, urgent notices pinned on top, long-press to reply / recall (staff: mute the sender), and a visible 重新连接中
// state with automatic resume.
import { useEffect, useMemo, useRef, useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Image, Input, Text, View } from '@tarojs/components';
import {
  canRecall, formatShanghaiDateTime, mentionAllLabel, recalledMessageLabel,
  type ChatGroupDetail, type ChatMember, type ChatMessage, type NoticeCard,
} from '@linli/shared';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import {
  acknowledgeNotice, getChat, imagePath, listMembers, listMessages, listNotices, markRead, muteMember, newClientId, postMessage, recallMessage, uploadImage,
} from '../../../services/chat';
import { noteSeen, onRealtime, onSocketState, startSocket, type SocketState } from '../../../services/socket';
import { useSessionUser } from '../../../stores/session';
import { setOpenGroup } from '../../../stores/unread';
import './index.scss';

/** Staff's choices when muting a member (the API allows up to 7 days; 0 lifts the mute). */
const muteChoices = [
  { label: '禁言 10 分钟', minutes: 10 },
  { label: '禁言 1 小时', minutes: 60 },
  { label: '禁言 1 天', minutes: 24 * 60 },
  { label: '禁言 7 天', minutes: 7 * 24 * 60 },
  { label: '解除禁言', minutes: 0 },
];

function ChatImage({ groupId, imageId }: { groupId: string; imageId: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    imagePath(groupId, imageId).then(setSrc, () => setFailed(true));
  }, [groupId, imageId]);
  if (failed) return <Text className="text-secondary">[图片加载失败]</Text>;
  if (!src) return <Text className="text-secondary">[图片加载中…]</Text>;
  return <Image className="chat-room__image" src={src} mode="widthFix" onClick={() => Taro.previewImage({ urls: [src] })} />;
}

function NoticeCardView({ notice, acknowledged, canAck, onAck }: { notice: NoticeCard; acknowledged: boolean; canAck: boolean; onAck: () => void }) {
  return (
    <View className={`chat-room__notice${notice.priority === 'urgent' ? ' chat-room__notice--urgent' : ''}`}>
      <Text className="chat-room__notice-title">{notice.priority === 'urgent' ? '【紧急通知】' : '【通知】'}{notice.title}</Text>
      <Text className="chat-room__notice-body">{notice.body}</Text>
      {notice.requiresAck && canAck ? (
        acknowledged ? <Text className="chat-room__acked">✓ 已确认知晓</Text> : <View className="chat-room__ack" onClick={onAck}><Text>我已知晓</Text></View>
      ) : null}
    </View>
  );
}

export default function ChatRoomPage() {
  const { params } = useRouter<{ id: string }>();
  const groupId = params.id ?? '';
  const { me } = useSessionUser();
  const [detail, setDetail] = useState<ChatGroupDetail | null>(null);
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [hasOlder, setHasOlder] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [socket, setSocket] = useState<SocketState>('connecting');
  const [draft, setDraft] = useState('');
  const [mentions, setMentions] = useState<{ userId: string; name: string }[]>([]);
  const [mentionAll, setMentionAll] = useState(false);
  const [replyTo, setReplyTo] = useState<ChatMessage | null>(null);
  const [members, setMembers] = useState<ChatMember[] | null>(null);
  const [sending, setSending] = useState(false);
  const [acked, setAcked] = useState<Set<string>>(new Set());
  const pendingClientId = useRef<string | null>(null);
  const maxSeq = useRef(0);

  const merge = (incoming: ChatMessage[]) => {
    if (!incoming.length) return;
    setMessages((current) => {
      const bySeq = new Map(current.map((m) => [m.seq, m]));
      for (const m of incoming) bySeq.set(m.seq, m);
      return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    });
    const top = Math.max(...incoming.map((m) => m.seq));
    if (top > maxSeq.current) {
      maxSeq.current = top;
      void markRead(groupId, top).catch(() => undefined);
      setTimeout(() => void Taro.pageScrollTo({ scrollTop: 1e6, duration: 100 }), 50);
    }
  };

  // A page is contiguous up to its newest message; live messages are tracked by the socket itself.
  const noteSeenPage = (items: ChatMessage[]) => {
    if (items.length) noteSeen(groupId, Math.max(...items.map((m) => m.seq)));
  };

  const reloadDetail = () => getChat(groupId).then(setDetail, (e) => setError(messageOf(e)));

  useEffect(() => {
    setOpenGroup(groupId);
    void reloadDetail();
    listMessages(groupId, { limit: 30 }).then((page) => {
      setHasOlder(page.hasMore);
      merge(page.items);
      noteSeenPage(page.items);
    }, (e) => setError(messageOf(e)));
    listNotices().then((list) => setAcked(new Set(list.items.filter((n) => n.acknowledged).map((n) => n.id))), () => undefined);
    startSocket();
    const offState = onSocketState(setSocket);
    const offEvents = onRealtime((event) => {
      if (event.type === 'message' && event.message.groupId === groupId) {
        // A gap (a post that committed late, or a drop) is filled from the server before showing what follows.
        if (maxSeq.current && event.message.seq > maxSeq.current + 1) {
          void listMessages(groupId, { after: maxSeq.current, limit: 100 }).then((page) => {
            merge(page.items);
            noteSeenPage(page.items);
          });
        }
        merge([event.message]);
      }
      if (event.type === 'recall' && event.groupId === groupId) {
        setMessages((current) => current.map((m) => (m.id === event.messageId ? { ...m, recalled: true, text: null, imageId: null } : m)));
      }
      if (event.type === 'notice' && event.notice.buildingIds.includes(groupId)) void reloadDetail();
    });
    return () => {
      offState();
      offEvents();
      setOpenGroup(null);
    };
  }, [groupId]);

  async function loadOlder() {
    const first = messages[0];
    if (!first) return;
    const page = await listMessages(groupId, { before: first.seq, limit: 30 });
    setHasOlder(page.hasMore);
    setMessages((current) => [...page.items, ...current]);
  }

  async function send(kind: 'text' | 'image', extra: { imageId?: string } = {}) {
    if (kind === 'text' && !draft.trim()) return;
    setSending(true);
    // Kept across retries of the same message, so a re-send after a network error is never a duplicate.
    pendingClientId.current ??= newClientId();
    try {
      const text = draft.trim();
      const message = await postMessage(groupId, {
        clientId: pendingClientId.current,
        kind,
        ...(kind === 'text' ? { text } : { imageId: extra.imageId }),
        ...(replyTo ? { replyToId: replyTo.id } : {}),
        mentions: mentions.filter((m) => text.includes(`@${m.name}`)).map((m) => m.userId),
        mentionAll: mentionAll && text.includes(mentionAllLabel),
      });
      pendingClientId.current = null;
      if (kind === 'text') setDraft('');
      setReplyTo(null);
      setMentions([]);
      setMentionAll(false);
      merge([message]);
    } catch (e) {
      void Taro.showToast({ title: messageOf(e), icon: 'none' });
    } finally {
      setSending(false);
    }
  }

  async function sendImage() {
    try {
      const picked = await Taro.chooseImage({ count: 1, sizeType: ['compressed'] });
      const path = picked.tempFilePaths[0];
      if (!path) return;
      setSending(true);
      const image = await uploadImage(groupId, path);
      pendingClientId.current = null;
      await send('image', { imageId: image.id });
    } catch (e) {
      if (String((e as Error)?.message ?? '').includes('cancel')) return;
      void Taro.showToast({ title: messageOf(e), icon: 'none' });
    } finally {
      setSending(false);
    }
  }

  async function openMentions() {
    try {
      setMembers(members ?? (await listMembers(groupId)).items);
    } catch (e) {
      void Taro.showToast({ title: messageOf(e), icon: 'none' });
    }
  }

  function pickMention(member: ChatMember | 'all') {
    if (member === 'all') {
      setMentionAll(true);
      setDraft((d) => `${d}${mentionAllLabel} `);
    } else {
      setMentions((list) => [...list, { userId: member.userId, name: member.displayName }]);
      setDraft((d) => `${d}@${member.displayName} `);
    }
    setMembers(null);
  }

  async function onLongPress(m: ChatMessage) {
    if (m.recalled || !me) return;
    const isSender = m.senderId === me.user.id;
    const mayRecall = canRecall({ isSender, isStaff: Boolean(detail?.isStaff), sentAt: m.createdAt });
    // Staff may mute a resident who wrote the message (not themselves, not other staff).
    const mayMute = Boolean(detail?.isStaff) && !isSender && m.senderId !== null && !m.senderIsStaff;
    const items = ['回复', ...(mayRecall ? ['撤回'] : []), ...(mayMute ? ['禁言'] : [])];
    try {
      const { tapIndex } = await Taro.showActionSheet({ itemList: items });
      if (items[tapIndex] === '回复') setReplyTo(m);
      if (items[tapIndex] === '撤回') {
        const recalled = await recallMessage(groupId, m.id);
        setMessages((current) => current.map((x) => (x.id === recalled.id ? recalled : x)));
      }
      if (items[tapIndex] === '禁言') await muteSender(m);
    } catch (e) {
      if (e instanceof Error && !/cancel/i.test(e.message)) void Taro.showToast({ title: messageOf(e), icon: 'none' });
    }
  }

  async function muteSender(m: ChatMessage) {
    const { tapIndex } = await Taro.showActionSheet({ itemList: muteChoices.map((c) => c.label) });
    const choice = muteChoices[tapIndex];
    if (!choice || !m.senderId) return;
    const mute = await muteMember(groupId, m.senderId, choice.minutes);
    const who = m.senderName ?? '该成员';
    void Taro.showToast({
      title: mute.mutedUntil ? `已禁言${who}至 ${formatShanghaiDateTime(mute.mutedUntil)}` : `已解除${who}的禁言`,
      icon: 'none',
    });
  }

  async function ack(noticeId: string) {
    try {
      await acknowledgeNotice(noticeId);
      setAcked((s) => new Set([...s, noticeId]));
      setDetail((d) => (d ? { ...d, pinnedNotices: d.pinnedNotices.filter((n) => n.id !== noticeId) } : d));
      void Taro.showToast({ title: '已确认知晓', icon: 'success' });
    } catch (e) {
      void Taro.showToast({ title: messageOf(e), icon: 'none' });
    }
  }

  const canAck = Boolean(me && me.households.some((h) => h.buildingId === groupId));
  const pinned = useMemo(() => detail?.pinnedNotices ?? [], [detail]);

  return (
    <PageShell title={detail?.name ?? '楼栋群'}>
      <View className="chat-room">
        {socket === 'reconnecting' || socket === 'connecting' ? (
          <View className="chat-room__connection"><Text>{socket === 'reconnecting' ? '重新连接中…' : '正在连接…'}</Text></View>
        ) : null}
        {pinned.map((n) => (
          <View key={n.id} className="chat-room__pinned">
            <NoticeCardView notice={n} acknowledged={acked.has(n.id)} canAck={canAck && !detail?.isStaff} onAck={() => void ack(n.id)} />
          </View>
        ))}
        {error ? <Text className="chat-room__error">{error}</Text> : null}
        {hasOlder ? <View className="chat-room__older" onClick={() => void loadOlder()}><Text>加载更早的消息</Text></View> : null}
        {messages.length === 0 && !error ? <Text className="chat-room__empty">还没有消息，打个招呼吧</Text> : null}
        {messages.map((m) => {
          const mine = Boolean(me && m.senderId === me.user.id);
          if (m.kind === 'system') {
            return <View key={m.seq} className="chat-room__system"><Text>{m.recalled ? recalledMessageLabel : m.text}</Text></View>;
          }
          return (
            <View key={m.seq} id={`m${m.seq}`} className={`chat-room__message${mine ? ' chat-room__message--mine' : ''}`} onLongPress={() => void onLongPress(m)}>
              <Text className="chat-room__sender">
                {m.senderName ?? '系统'}{m.senderIsStaff ? ' · 工作人员' : ''} · {formatShanghaiDateTime(m.createdAt).slice(11)}
              </Text>
              {m.recalled ? (
                <Text className="chat-room__recalled">{recalledMessageLabel}</Text>
              ) : m.kind === 'notice' && m.notice ? (
                <NoticeCardView notice={m.notice} acknowledged={acked.has(m.notice.id)} canAck={canAck && !detail?.isStaff} onAck={() => void ack(m.notice!.id)} />
              ) : (
                <View className="chat-room__bubble">
                  {m.replyTo ? <Text className="chat-room__reply">回复 {m.replyTo.senderName ?? ''}：{m.replyTo.text ?? '[消息]'}</Text> : null}
                  {m.kind === 'image' && m.imageId ? <ChatImage groupId={groupId} imageId={m.imageId} /> : <Text className="chat-room__text">{m.text}</Text>}
                </View>
              )}
            </View>
          );
        })}
        <View className="chat-room__spacer" />
      </View>
      {members ? (
        <View className="chat-room__picker">
          <Text className="card__title">选择要 @ 的人</Text>
          {detail?.isStaff ? <View className="chat-room__pick" onClick={() => pickMention('all')}><Text>{mentionAllLabel}</Text></View> : null}
          {members.filter((m) => m.userId !== me?.user.id).map((m) => (
            <View key={m.userId} className="chat-room__pick" onClick={() => pickMention(m)}>
              <Text>{m.displayName}</Text><Text className="text-small"> {m.label}</Text>
            </View>
          ))}
          <View className="chat-room__pick" onClick={() => setMembers(null)}><Text className="text-secondary">取消</Text></View>
        </View>
      ) : null}
      <View className="chat-room__composer">
        {replyTo ? (
          <View className="chat-room__replying" onClick={() => setReplyTo(null)}>
            <Text>回复 {replyTo.senderName ?? ''}：{(replyTo.text ?? '').slice(0, 20)}（点此取消）</Text>
          </View>
        ) : null}
        {detail?.mutedUntil ? <Text className="chat-room__muted">您已被禁言至 {formatShanghaiDateTime(detail.mutedUntil)}</Text> : null}
        <View className="chat-room__bar">
          <View className="chat-room__tool" onClick={() => void openMentions()}><Text>@</Text></View>
          <View className="chat-room__tool" onClick={() => void sendImage()}><Text>图片</Text></View>
          <Input
            className="chat-room__input"
            value={draft}
            maxlength={2000}
            placeholder="说点什么…"
            confirmType="send"
            onInput={(e) => setDraft(e.detail.value)}
            onConfirm={() => void send('text')}
          />
          <View className={`chat-room__send${sending || !draft.trim() ? ' chat-room__send--off' : ''}`} onClick={() => (sending ? undefined : void send('text'))}>
            <Text>发送</Text>
          </View>
        </View>
      </View>
    </PageShell>
  );
}
