// 工作台: binding requests waiting for this grid worker, and (later) today's dashboard.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatShanghaiDateTime, relationLabels, type Binding } from '@linli/shared';
import { BigButton } from '../../../components/BigButton';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { approveBinding, listBindings, rejectBinding } from '../../../services/community';
import { householdLabel } from '../../../services/labels';
import './index.scss';

type Decision = 'approve' | 'reject';

export default function WorkbenchPage() {
  const pending = useRemote(() => listBindings('pending'), []);
  const [deciding, setDeciding] = useState<string | null>(null);

  async function decide(binding: Binding, decision: Decision) {
    setDeciding(binding.id);
    try {
      await (decision === 'approve' ? approveBinding(binding.id) : rejectBinding(binding.id));
      pending.update((d) => ({ ...d, items: d.items.filter((b) => b.id !== binding.id) }));
      void Taro.showToast({ title: decision === 'approve' ? '已通过' : '已驳回', icon: 'success' });
    } catch (err) {
      void Taro.showModal({ title: '操作失败', content: messageOf(err), showCancel: false });
    } finally {
      setDeciding(null);
    }
  }

  return (
    <PageShell title="工作台" tab="workbench">
      <View className="card">
        <Text className="card__title">今日概况</Text>
        <Text className="text-secondary">打卡完成率、异常告警、订单与配送概况即将上线。</Text>
      </View>

      <Text className="section-title">待审核的住户绑定</Text>
      <AsyncState
        remote={pending.remote}
        onRetry={pending.reload}
        isEmpty={(d) => d.items.length === 0}
        emptyText="没有待审核的绑定申请"
      >
        {(d) =>
          d.items.map((b) => (
            <View key={b.id} className="card workbench__binding">
              <Text className="row__title">{householdLabel(b)}</Text>
              <Text className="row__meta">
                {b.userDisplayName}
                {b.userPhone ? ` · ${b.userPhone}` : ''} · {relationLabels[b.relation]}
              </Text>
              <Text className="row__meta">提交于 {formatShanghaiDateTime(b.createdAt)}</Text>
              {b.note ? <Text className="row__meta">备注：{b.note}</Text> : null}
              <View className="button-row">
                <BigButton
                  disabled={deciding !== null}
                  busy={deciding === b.id}
                  onClick={() => decide(b, 'approve')}
                >
                  通过
                </BigButton>
                <BigButton variant="danger" disabled={deciding !== null} onClick={() => decide(b, 'reject')}>
                  驳回
                </BigButton>
              </View>
            </View>
          ))
        }
      </AsyncState>
    </PageShell>
  );
}
