// 申请当志愿者: a bound resident offers skills, weekly time windows and buildings they prefer; afterwards the page
// shows where the application stands (待审核, 已通过, 已暂停) or, after 未通过, why and a way to apply again.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, Textarea, View } from '@tarojs/components';
import {
  ApplyVolunteerBody, describeAvailability, formatShanghaiDateTime, volunteerApplicationStatusLabels, VolunteerSkill, volunteerSkillLabels,
  weekdayLabels, type AvailabilityWindow, type VolunteerApplication,
} from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { Choices } from '../../../components/Choices';
import { PageShell } from '../../../components/PageShell';
import { VolunteerSummary } from '../../../components/VolunteerSummary';
import { messageOf } from '../../../services/api';
import { listBuildingDirectory } from '../../../services/community';
import { pagePaths } from '../../../services/navigation';
import { applyToVolunteer, myVolunteerApplication } from '../../../services/volunteers';
import { loadMe } from '../../../stores/session';
import './index.scss';

const weekdayKeys = ['1', '2', '3', '4', '5', '6', '7'] as const;
type WeekdayKey = (typeof weekdayKeys)[number];
const weekdayKeyLabels = Object.fromEntries(weekdayKeys.map((k) => [k, weekdayLabels[Number(k)]])) as Record<WeekdayKey, string>;

function toggle<T>(list: readonly T[], value: T): T[] {
  return list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
}

function StatusCard({ application, onReapply }: { application: VolunteerApplication; onReapply: () => void }) {
  const tagClass = application.status === 'approved' ? '' : application.status === 'pending' ? ' tag--warning' : ' tag--danger';
  return (
    <View className="card volunteer-apply__status">
      <View className="volunteer-apply__head">
        <Text className="card__title">我的志愿者申请</Text>
        <Text className={`tag${tagClass}`}>{volunteerApplicationStatusLabels[application.status]}</Text>
      </View>
      <VolunteerSummary application={application} />
      <Text className="row__meta">提交于 {formatShanghaiDateTime(application.createdAt)}</Text>
      {application.decisionReason ? <Text className="row__meta">原因：{application.decisionReason}</Text> : null}
      {application.status === 'pending' ? <Text className="text-secondary">网格员审核后，你会在「我的」里看到志愿者身份。</Text> : null}
      {application.status === 'approved' ? (
        <BigButton variant="secondary" onClick={() => Taro.navigateTo({ url: pagePaths.volunteerCallUps })}>查看召集</BigButton>
      ) : null}
      {application.status === 'suspended' ? <Text className="text-secondary">志愿者资格已暂停，如有疑问请联系网格员。</Text> : null}
      {application.status === 'rejected' ? <BigButton onClick={onReapply}>重新申请</BigButton> : null}
    </View>
  );
}

function ApplicationForm({ onApplied }: { onApplied: (application: VolunteerApplication) => void }) {
  const directory = useRemote(() => listBuildingDirectory(), []);
  const [skills, setSkills] = useState<VolunteerSkill[]>([]);
  const [windows, setWindows] = useState<AvailabilityWindow[]>([]);
  const [days, setDays] = useState<WeekdayKey[]>(['6', '7']);
  const [start, setStart] = useState('08:00');
  const [end, setEnd] = useState('18:00');
  const [buildingIds, setBuildingIds] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const draftWindow = () =>
    ApplyVolunteerBody.shape.availability.element.safeParse({ weekdays: days.map(Number).sort((a, b) => a - b), start: start.trim(), end: end.trim() });

  function addWindow() {
    setError(null);
    const parsed = draftWindow();
    if (!parsed.success) {
      setError(days.length === 0 ? '请选择星期' : parsed.error.issues[0]?.message ?? '时段填写有误');
      return;
    }
    setWindows((w) => [...w, parsed.data]);
  }

  async function submit() {
    setError(null);
    // Filled in but not added: the window being edited counts when it is the only one.
    const draft = draftWindow();
    const availability = windows.length === 0 && draft.success ? [draft.data] : windows;
    const body = ApplyVolunteerBody.safeParse({ skills, availability, preferredBuildingIds: buildingIds, note: note.trim() || undefined });
    if (!body.success) {
      setError(body.error.issues[0]?.message ?? '请检查填写内容');
      return;
    }
    setBusy(true);
    try {
      onApplied(await applyToVolunteer(body.data));
      void Taro.showToast({ title: '已提交申请', icon: 'success' });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className="card volunteer-apply__form">
      <Text className="card__title">我能做什么</Text>
      <Choices options={VolunteerSkill.options} labels={volunteerSkillLabels} selected={skills} onToggle={(s) => setSkills((l) => toggle(l, s))} />

      <Text className="card__title">什么时候有空（北京时间）</Text>
      {windows.length === 0 ? <Text className="text-secondary">还没有添加时段</Text> : null}
      {windows.map((w, index) => (
        <View key={`${describeAvailability(w)}-${index}`} className="row volunteer-apply__window">
          <View className="row__main">
            <Text className="row__title">{describeAvailability(w)}</Text>
          </View>
          <Text className="volunteer-apply__remove" onClick={() => setWindows((l) => l.filter((_, i) => i !== index))}>删除</Text>
        </View>
      ))}
      <Choices options={weekdayKeys} labels={weekdayKeyLabels} selected={days} onToggle={(d) => setDays((l) => toggle(l, d))} />
      <View className="volunteer-apply__times">
        <View className="field volunteer-apply__time">
          <Input className="field__input" value={start} maxlength={5} placeholder="08:00" onInput={(e) => setStart(e.detail.value)} />
        </View>
        <Text>至</Text>
        <View className="field volunteer-apply__time">
          <Input className="field__input" value={end} maxlength={5} placeholder="18:00" onInput={(e) => setEnd(e.detail.value)} />
        </View>
      </View>
      <BigButton variant="secondary" onClick={addWindow}>添加时段</BigButton>

      <Text className="card__title">优先服务的楼栋（可不选）</Text>
      <AsyncState remote={directory.remote} onRetry={directory.reload} isEmpty={(d) => d.items.length === 0} emptyText="暂无楼栋">
        {(d) => (
          <Choices
            options={d.items.map((b) => b.id)}
            labels={Object.fromEntries(d.items.map((b) => [b.id, b.name]))}
            selected={buildingIds}
            onToggle={(b) => setBuildingIds((l) => toggle(l, b))}
          />
        )}
      </AsyncState>

      <Textarea className="textarea-field" value={note} maxlength={200} placeholder="备注，如：有电动车、会说粤语" onInput={(e) => setNote(e.detail.value)} />
      {error ? <Text className="notice notice--error">{error}</Text> : null}
      <BigButton busy={busy} onClick={submit}>提交申请</BigButton>
    </View>
  );
}

export default function VolunteerApplyPage() {
  const me = useRemote(() => loadMe(), []);
  const mine = useRemote(() => myVolunteerApplication(), []);
  const [reapplying, setReapplying] = useState(false);

  function applied(application: VolunteerApplication) {
    setReapplying(false);
    mine.update(() => ({ application }));
  }

  return (
    <PageShell title="申请当志愿者">
      <AsyncState remote={me.remote} onRetry={me.reload} isEmpty={(m) => m.households.length === 0} emptyText="请先绑定本社区的住户，再申请当志愿者">
        {() => (
          <AsyncState remote={mine.remote} onRetry={mine.reload}>
            {({ application }) =>
              application && !reapplying ? (
                <StatusCard application={application} onReapply={() => setReapplying(true)} />
              ) : (
                <ApplicationForm onApplied={applied} />
              )
            }
          </AsyncState>
        )}
      </AsyncState>
    </PageShell>
  );
}
