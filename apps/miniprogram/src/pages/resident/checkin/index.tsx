// 打卡: today's check-in for every member of the household: one tap when everyone is well, a form per member otherwise.
import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import {
  alertReasonLabels, alertReasonsOf, AntigenResult, antigenLabels, CheckinEntry, formatShanghaiDateTime, householdLabel, normalTemperatureC,
  QuarantineStatus, quarantineLabels, relationLabels, Symptom, symptomLabels, testingSlotStatusLabels, type CheckinEntryInput,
  type HouseholdCheckinStatus, type PersonRelation, type TestingRound,
} from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { Choices } from '../../../components/Choices';
import { HouseholdSwitcher } from '../../../components/HouseholdSwitcher';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { householdCheckins, listTestingRounds, submitCheckins } from '../../../services/checkins';
import { pagePaths } from '../../../services/navigation';
import { chosenHousehold, useChosenHouseholdId } from '../../../stores/household';
import { loadMe } from '../../../stores/session';
import './index.scss';

type Member = HouseholdCheckinStatus['members'][number];

interface Exception {
  temperature: string;
  symptoms: Symptom[];
  antigen: AntigenResult;
  quarantine: QuarantineStatus;
  note: string;
}

const newException = (m: Member): Exception => ({
  temperature: m.checkin ? m.checkin.temperatureC.toFixed(1) : '',
  symptoms: m.checkin?.symptoms ?? [],
  antigen: m.checkin?.antigen ?? 'not_tested',
  quarantine: m.checkin?.quarantine ?? 'none',
  note: m.checkin?.note ?? '',
});

const toggle = <T,>(list: T[], value: T) => (list.includes(value) ? list.filter((v) => v !== value) : [...list, value]);

function ExceptionForm({ member, value, onChange }: { member: Member; value: Exception; onChange: (v: Exception) => void }) {
  return (
    <View className="checkin__form">
      <Text className="text-small">体温（°C，一位小数）</Text>
      <View className="field">
        <Input
          className="field__input checkin__temperature"
          type="digit"
          value={value.temperature}
          placeholder="如 37.8"
          onInput={(e) => onChange({ ...value, temperature: e.detail.value })}
        />
        <Text className="field__suffix">°C</Text>
      </View>
      <Text className="text-small">症状（可多选）</Text>
      <Choices options={Symptom.options} labels={symptomLabels} selected={value.symptoms} danger={['breathing_difficulty']} onToggle={(s) => onChange({ ...value, symptoms: toggle(value.symptoms, s) })} />
      <Text className="text-small">抗原</Text>
      <Choices options={AntigenResult.options} labels={antigenLabels} selected={[value.antigen]} danger={['positive']} onToggle={(a) => onChange({ ...value, antigen: a })} />
      <Text className="text-small">隔离状态</Text>
      <Choices options={QuarantineStatus.options} labels={quarantineLabels} selected={[value.quarantine]} onToggle={(q) => onChange({ ...value, quarantine: q })} />
      <View className="field">
        <Input className="field__input" value={value.note} maxlength={200} placeholder={`${member.name}的备注（可不填）`} onInput={(e) => onChange({ ...value, note: e.detail.value })} />
      </View>
    </View>
  );
}

function MemberCard({ member, exception, onEdit, onClear, onChange }: {
  member: Member;
  exception: Exception | undefined;
  onEdit: () => void;
  onClear: () => void;
  onChange: (v: Exception) => void;
}) {
  const c = member.checkin;
  const reasons = c?.alertReasons ?? [];
  return (
    <View className={`card checkin__member${reasons.length ? ' checkin__member--alert' : ''}`}>
      <View className="checkin__member-head">
        <View className="row__main">
          <Text className="row__title">{member.name}</Text>
          <Text className="row__meta">{relationLabels[member.relation as PersonRelation] ?? member.relation}</Text>
        </View>
        {c ? (
          <Text className={`tag${reasons.length ? ' tag--danger' : ''}`}>已打卡 {c.temperatureC.toFixed(1)}°C</Text>
        ) : (
          <Text className="tag tag--warning">未打卡</Text>
        )}
      </View>
      {reasons.length ? <Text className="checkin__reasons">{reasons.map((r) => alertReasonLabels[r]).join('、')}，网格员已收到提醒</Text> : null}
      {exception ? (
        <>
          <ExceptionForm member={member} value={exception} onChange={onChange} />
          <Text className="checkin__link" onClick={onClear}>取消，按正常填写</Text>
        </>
      ) : (
        <Text className="checkin__link" onClick={onEdit}>{c ? '修改今日打卡' : '身体不适 / 填写详情'}</Text>
      )}
    </View>
  );
}

function TestingSlotCard({ rounds }: { rounds: TestingRound[] }) {
  const upcoming = rounds.flatMap((r) => r.slots.map((s) => ({ round: r, slot: s }))).slice(0, 2);
  return (
    <View className="card">
      <Text className="card__title">我的核酸时段</Text>
      {upcoming.length === 0 ? <Text className="text-secondary">暂无核酸安排</Text> : null}
      {upcoming.map(({ round, slot }) => (
        <View key={`${round.id}-${slot.buildingId}`} className="checkin__slot">
          <Text className="row__title">{round.title} · {slot.buildingName}</Text>
          <Text className="row__meta">
            {formatShanghaiDateTime(slot.startsAt)}–{formatShanghaiDateTime(slot.endsAt).slice(11)} · {testingSlotStatusLabels[slot.status]}
          </Text>
        </View>
      ))}
    </View>
  );
}

export default function CheckinPage() {
  const chosenId = useChosenHouseholdId();
  const household = useRemote(async () => {
    const me = await loadMe({ fresh: true });
    const chosen = chosenHousehold(me);
    if (!chosen) return null;
    return { households: me.households, chosenId: chosen.id, label: householdLabel(chosen), status: await householdCheckins(chosen.id) };
  }, [chosenId]);
  const rounds = useRemote(() => listTestingRounds(), []);
  const [exceptions, setExceptions] = useState<Record<string, Exception>>({});
  useEffect(() => setExceptions({}), [chosenId]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  /** Members edited by hand, plus (全部正常) those not yet checked in today; an earlier entry is never overwritten unasked. */
  const toSend = (members: Member[]) => members.filter((m) => exceptions[m.personId] || !m.checkin);

  async function submit(members: Member[]) {
    setError(null);
    const entries: CheckinEntryInput[] = [];
    for (const m of toSend(members)) {
      const ex = exceptions[m.personId];
      const entry = ex
        ? { personId: m.personId, temperatureC: Number(ex.temperature), symptoms: ex.symptoms, antigen: ex.antigen, quarantine: ex.quarantine, note: ex.note.trim() || undefined }
        : { personId: m.personId, temperatureC: normalTemperatureC, symptoms: [], antigen: 'not_tested' as const, quarantine: 'none' as const };
      const checked = CheckinEntry.safeParse({ ...entry, temperatureC: ex && ex.temperature.trim() === '' ? undefined : entry.temperatureC });
      if (!checked.success) {
        setError(`${m.name}：${checked.error.issues[0]?.message ?? '请检查填写内容'}`);
        return;
      }
      entries.push(entry);
    }
    setBusy(true);
    try {
      const result = await submitCheckins(entries);
      setExceptions({});
      household.reload();
      void Taro.showToast({ title: result.alertsOpened ? '已打卡，已通知网格员' : '打卡成功', icon: result.alertsOpened ? 'none' : 'success' });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <PageShell title="打卡" tab="checkin">
      <AsyncState remote={household.remote} onRetry={household.reload} isEmpty={(d) => d === null} emptyText="绑定住户后即可为全家打卡">
        {(d) => {
          const { status } = d!;
          const done = status.members.filter((m) => m.checkin).length;
          const exceptionCount = Object.keys(exceptions).length;
          const alarming = Object.values(exceptions).some((e) => alertReasonsOf({ temperatureC: Number(e.temperature) || 0, antigen: e.antigen, symptoms: e.symptoms }).length > 0);
          return (
            <>
              <View className="card checkin__summary">
                <Text className="card__title">{d!.label}</Text>
                <HouseholdSwitcher households={d!.households} chosenId={d!.chosenId} action="打卡" />
                <Text className="text-secondary">{status.day} · 已打卡 {done}/{status.members.length} 人</Text>
                <Text className={`checkin__state${status.complete ? ' checkin__state--done' : ''}`}>{status.complete ? '今日全家已打卡，可修改' : '今日尚未完成打卡'}</Text>
              </View>
              {error ? <Text className="notice notice--error">{error}</Text> : null}
              {toSend(status.members).length > 0 ? (
                <BigButton busy={busy} onClick={() => submit(status.members)}>
                  {exceptionCount === 0 ? `全部正常 · 一键打卡（${toSend(status.members).length} 人）` : `提交打卡（${exceptionCount} 人填写了详情${toSend(status.members).length > exceptionCount ? '，其余正常' : ''}）`}
                </BigButton>
              ) : (
                <Text className="text-secondary">需要修改时，点成员下方的「修改今日打卡」。</Text>
              )}
              {alarming ? <Text className="checkin__hint">体温 ≥ 37.3 °C、抗原阳性或呼吸困难会通知网格员跟进</Text> : null}
              <Text className="section-title">家庭成员</Text>
              {status.members.map((m) => (
                <MemberCard
                  key={m.personId}
                  member={m}
                  exception={exceptions[m.personId]}
                  onEdit={() => setExceptions((all) => ({ ...all, [m.personId]: newException(m) }))}
                  onClear={() => setExceptions(({ [m.personId]: _gone, ...rest }) => rest)}
                  onChange={(v) => setExceptions((all) => ({ ...all, [m.personId]: v }))}
                />
              ))}
            </>
          );
        }}
      </AsyncState>
      <AsyncState remote={rounds.remote} onRetry={rounds.reload}>
        {(r) => <TestingSlotCard rounds={r.items} />}
      </AsyncState>
      <BigButton variant="secondary" onClick={() => void Taro.navigateTo({ url: pagePaths.help })}>
        需要帮助？求助网格员
      </BigButton>
    </PageShell>
  );
}
