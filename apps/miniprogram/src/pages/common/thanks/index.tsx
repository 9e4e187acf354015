// 感谢榜: the thank-you boards staff published for the community's volunteers, newest first. Staff can 撤下 one.
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { formatShanghaiDateTime, isStaff, type ThankYouPost } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { hideThankYouPost, listThankYouPosts } from '../../../services/volunteer-thanks';
import { loadMe } from '../../../stores/session';
import './index.scss';

function PostCard({ post, canHide, onHidden }: { post: ThankYouPost; canHide: boolean; onHidden: (post: ThankYouPost) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function hide() {
    setBusy(true);
    setError(null);
    try {
      onHidden(await hideThankYouPost(post.id));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className="card thanks__card">
      <View className="thanks__head">
        <Text className="row__title">{post.title}</Text>
        {post.hiddenAt ? <Text className="tag">已撤下</Text> : null}
      </View>
      <Text className="row__meta">{post.from} 至 {post.to} · 发布于 {formatShanghaiDateTime(post.publishedAt)}</Text>
      <Text className="text-body">{post.message}</Text>
      {post.entries.map((e, i) => (
        <View key={`${e.displayName}-${i}`} className="thanks__entry">
          <Text className="text-body">{i + 1}. {e.displayName}</Text>
          <Text className="row__meta">完成任务 {e.tasksCompleted} 个 · 送达 {e.ordersHandedOver} 单</Text>
        </View>
      ))}
      {error ? <Text className="notice notice--error">{error}</Text> : null}
      {canHide && !post.hiddenAt ? <BigButton variant="danger" busy={busy} onClick={hide}>撤下</BigButton> : null}
    </View>
  );
}

export default function ThanksPage() {
  const list = useRemote(async () => {
    const [me, posts] = await Promise.all([loadMe(), listThankYouPosts()]);
    return { staff: isStaff(me.roles), items: posts.items };
  }, []);

  return (
    <PageShell title="感谢榜">
      <AsyncState remote={list.remote} onRetry={list.reload} isEmpty={(d) => d.items.length === 0} emptyText="还没有发布感谢榜">
        {(d) =>
          d.items.map((post) => (
            <PostCard
              key={post.id}
              post={post}
              canHide={d.staff}
              onHidden={(hidden) => list.update((cur) => ({ ...cur, items: cur.items.map((p) => (p.id === hidden.id ? hidden : p)) }))}
            />
          ))
        }
      </AsyncState>
    </PageShell>
  );
}
