// 审计日志 (admins): who looked at whose phone or health data, and when; newest first, a page at a time.
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { describeAuditEntry, formatShanghaiDateTime } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { listAuditEntries } from '../../../services/community';
import './index.scss';

export default function AuditPage() {
  const log = useRemote(() => listAuditEntries(), []);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);

  async function loadMore(cursor: string) {
    setLoadingMore(true);
    setMoreError(null);
    try {
      const next = await listAuditEntries(cursor);
      log.update((d) => ({ items: [...d.items, ...next.items], nextCursor: next.nextCursor }));
    } catch (err) {
      setMoreError(messageOf(err));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <PageShell title="审计日志">
      <Text className="text-secondary audit__intro">工作人员每次查看住户的完整电话或健康数据、导出名单、导入住户名册、发放出入证等，都会记录在这里。</Text>
      <AsyncState remote={log.remote} onRetry={log.reload} isEmpty={(d) => d.items.length === 0} emptyText="还没有任何查看记录">
        {(d) => (
          <View>
            {d.items.map((entry) => (
              <View key={entry.id} className="row">
                <View className="row__main">
                  <Text className="row__title">{describeAuditEntry(entry)}</Text>
                  <Text className="row__meta">
                    {entry.actorName} · {formatShanghaiDateTime(entry.createdAt)}
                  </Text>
                </View>
              </View>
            ))}
            {moreError ? <Text className="notice notice--error">{moreError}</Text> : null}
            {d.nextCursor ? (
              <BigButton variant="secondary" busy={loadingMore} onClick={() => loadMore(d.nextCursor!)}>
                加载更多
              </BigButton>
            ) : null}
          </View>
        )}
      </AsyncState>
    </PageShell>
  );
}
