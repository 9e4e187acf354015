// 工作台: today's check-ins, alerts, missed households, 求助, binding requests, 核酸 rounds and the care roster.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { type Binding, formatShanghaiDateTime, householdLabel, relationLabels } from '@linli/shared';
import { BigButton } from '../../../components/BigButton';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { pagePaths } from '../../../services/navigation';
import { approveBinding, listBindings, rejectBinding } from '../../../services/community';
import { AlertsSection, CareSection, DashboardSection, HelpSection, MissedSection, TestingSection } from './health-sections';
import './index.scss';

interface BindingCardProps {
  binding: Binding;
  disabled: boolean;
  onDecide: (binding: Binding, decision: { approve: true } | { approve: false; reason: string }) => Promise<void>;
}

/** A pending request: 通过 at once; 驳回 first asks why, so the resident knows what to correct. */
function BindingCard({ binding, disabled, onDecide }: BindingCardProps) {
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');

  async function decide(approve: boolean) {
    setBusy(approve ? 'approve' : 'reject');
    try {
      await onDecide(binding, approve ? { approve: true } : { approve: false, reason: reason.trim() });
    } finally {
      setBusy(null);
    }
  }

  return (
    <View className="card workbench__binding">
      <Text className="row__title">{householdLabel(binding)}</Text>
      <Text className="row__meta">
        {binding.userDisplayName}
        {binding.userPhone ? ` · ${binding.userPhone}` : ''} · {relationLabels[binding.relation]}
      </Text>
      <Text className="row__meta">提交于 {formatShanghaiDateTime(binding.createdAt)}</Text>
      {binding.note ? <Text className="row__meta">备注：{binding.note}</Text> : null}
      {rejecting ? (
        <View className="workbench__reject">
          <View className="field">
            <Input
              className="field__input"
              value={reason}
              maxlength={200}
              placeholder="驳回原因，如：房号不符，请核对后重新申请"
              onInput={(e) => setReason(e.detail.value)}
            />
          </View>
          <View className="button-row">
            <BigButton variant="secondary" disabled={busy !== null} onClick={() => setRejecting(false)}>
              取消
            </BigButton>
            <BigButton variant="danger" disabled={disabled || busy !== null} busy={busy === 'reject'} onClick={() => decide(false)}>
              确认驳回
            </BigButton>
          </View>
        </View>
      ) : (
        <View className="button-row">
          <BigButton disabled={disabled || busy !== null} busy={busy === 'approve'} onClick={() => decide(true)}>
            通过
          </BigButton>
          <BigButton variant="danger" disabled={disabled || busy !== null} onClick={() => setRejecting(true)}>
            驳回
          </BigButton>
        </View>
      )}
    </View>
  );
}

export default function WorkbenchPage() {
  const pending = useRemote(() => listBindings('pending'), []);
  const [deciding, setDeciding] = useState<string | null>(null);
  const [followUpVersion, setFollowUpVersion] = useState(0);
  const followUpChanged = () => setFollowUpVersion((v) => v + 1);

  async function decide(binding: Binding, decision: { approve: true } | { approve: false; reason: string }) {
    setDeciding(binding.id);
    try {
      await (decision.approve ? approveBinding(binding.id) : rejectBinding(binding.id, decision.reason || undefined));
      pending.update((d) => ({ ...d, items: d.items.filter((b) => b.id !== binding.id) }));
      void Taro.showToast({ title: decision.approve ? '已通过' : '已驳回', icon: 'success' });
    } catch (err) {
      void Taro.showModal({ title: '操作失败', content: messageOf(err), showCancel: false });
    } finally {
      setDeciding(null);
    }
  }

  return (
    <PageShell title="工作台" tab="workbench">
      <DashboardSection version={followUpVersion} />
      <AlertsSection onChanged={followUpChanged} />
      <MissedSection />
      <HelpSection onChanged={followUpChanged} />

      <View className="button-row workbench__volunteers">
        <BigButton variant="secondary" onClick={() => Taro.navigateTo({ url: pagePaths.staffVolunteers })}>志愿者</BigButton>
        <BigButton variant="secondary" onClick={() => Taro.navigateTo({ url: pagePaths.staffCallUps })}>一键召集</BigButton>
        <BigButton variant="secondary" onClick={() => Taro.navigateTo({ url: pagePaths.staffTasks })}>志愿任务</BigButton>
      </View>

      <Text className="section-title">待审核的住户绑定</Text>
      <AsyncState
        remote={pending.remote}
        onRetry={pending.reload}
        isEmpty={(d) => d.items.length === 0}
        emptyText="没有待审核的绑定申请"
      >
        {(d) => d.items.map((b) => <BindingCard key={b.id} binding={b} disabled={deciding !== null && deciding !== b.id} onDecide={decide} />)}
      </AsyncState>
      <TestingSection />
      <CareSection />
    </PageShell>
  );
}
