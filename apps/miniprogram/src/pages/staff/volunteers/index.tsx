// 志愿者 (staff): applications by status; 通过 / 驳回 a pending one, 暂停 / 恢复 an approved one (驳回 and 暂停 ask why);
// phones are masked, 查看电话 reveals one (audit-logged). 统计 shows what each volunteer did and publishes the 感谢榜.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import {
  decisionNeedsReason, formatShanghaiDateTime, VolunteerApplicationStatus, volunteerApplicationStatusLabels, volunteerDecisionMoves,
  type VolunteerApplication, type VolunteerDecision,
} from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { ChoiceChips } from '../../../components/ChoiceChips';
import { PageShell } from '../../../components/PageShell';
import { VolunteerStatsSection } from '../../../components/VolunteerStatsSection';
import { VolunteerSummary } from '../../../components/VolunteerSummary';
import { messageOf } from '../../../services/api';
import { pagePaths } from '../../../services/navigation';
import { decideVolunteerApplication, listVolunteerApplications, revealVolunteerPhone } from '../../../services/volunteers';
import './index.scss';

const decisionsByStatus: Record<VolunteerApplicationStatus, VolunteerDecision[]> = {
  pending: ['approve', 'reject'],
  approved: ['suspend'],
  suspended: ['reinstate'],
  rejected: [],
};

function ApplicationCard({ application, onDecided }: { application: VolunteerApplication; onDecided: (id: string, message: string) => void }) {
  const [asking, setAsking] = useState<VolunteerDecision | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [phone, setPhone] = useState(application.phone);

  async function decide(decision: VolunteerDecision) {
    if (decisionNeedsReason(decision) && asking !== decision) {
      setAsking(decision);
      return;
    }
    if (decisionNeedsReason(decision) && !reason.trim()) {
      setError('请填写原因');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      await decideVolunteerApplication(application.id, decision, reason.trim() || undefined);
      onDecided(application.id, `${application.displayName}：已${volunteerDecisionMoves[decision].label}`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  async function reveal() {
    try {
      setPhone((await revealVolunteerPhone(application.id)).phone);
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <View className="card staff-volunteers__card">
      <View className="staff-volunteers__head">
        <Text className="row__title">{application.displayName}</Text>
        <Text className="tag">{volunteerApplicationStatusLabels[application.status]}</Text>
      </View>
      <Text className="row__meta">
        {phone ?? '未留手机号'}
        {phone && phone.includes('*') ? <Text className="staff-volunteers__reveal" onClick={reveal}> 查看电话</Text> : null}
      </Text>
      <VolunteerSummary application={application} />
      <Text className="row__meta">申请于 {formatShanghaiDateTime(application.createdAt)}</Text>
      {application.decisionReason ? <Text className="row__meta">原因：{application.decisionReason}</Text> : null}
      {asking ? (
        <View className="field staff-volunteers__reason">
          <Input className="field__input" value={reason} maxlength={200} placeholder={`${volunteerDecisionMoves[asking].label}原因`} onInput={(e) => setReason(e.detail.value)} />
        </View>
      ) : null}
      {error ? <Text className="notice notice--error">{error}</Text> : null}
      <View className="button-row">
        {decisionsByStatus[application.status].map((decision) => (
          <BigButton
            key={decision}
            variant={decision === 'reject' || decision === 'suspend' ? 'danger' : 'primary'}
            busy={busy && (asking === decision || !decisionNeedsReason(decision))}
            disabled={busy}
            onClick={() => decide(decision)}
          >
            {asking === decision ? `确认${volunteerDecisionMoves[decision].label}` : volunteerDecisionMoves[decision].label}
          </BigButton>
        ))}
      </View>
    </View>
  );
}

type Section = 'applications' | 'stats';
const sections: { value: Section; label: string }[] = [{ value: 'applications', label: '申请审核' }, { value: 'stats', label: '统计' }];

export default function StaffVolunteersPage() {
  const [section, setSection] = useState<Section>('applications');
  return (
    <PageShell title="志愿者">
      <BigButton variant="secondary" className="staff-volunteers__callups" onClick={() => Taro.navigateTo({ url: pagePaths.staffCallUps })}>
        一键召集
      </BigButton>
      <ChoiceChips options={sections} value={section} onChange={setSection} className="staff-volunteers__views" />
      {section === 'applications' ? <ApplicationsSection /> : <VolunteerStatsSection />}
    </PageShell>
  );
}

function ApplicationsSection() {
  const [status, setStatus] = useState<VolunteerApplicationStatus>('pending');
  const list = useRemote(() => listVolunteerApplications(status), [status]);
  const [done, setDone] = useState<string | null>(null);

  function decided(id: string, message: string) {
    setDone(message);
    list.update((d) => ({ ...d, items: d.items.filter((a) => a.id !== id) }));
  }

  return (
    <View>
      <ChoiceChips
        options={VolunteerApplicationStatus.options.map((s) => ({ value: s, label: volunteerApplicationStatusLabels[s] }))}
        value={status}
        onChange={(s) => {
          setDone(null);
          setStatus(s);
        }}
      />
      {done ? <Text className="notice">{done}</Text> : null}
      <AsyncState remote={list.remote} onRetry={list.reload} isEmpty={(d) => d.items.length === 0} emptyText={`没有${volunteerApplicationStatusLabels[status]}的志愿者申请`}>
        {(d) => d.items.map((a) => <ApplicationCard key={a.id} application={a} onDecided={decided} />)}
      </AsyncState>
    </View>
  );
}
