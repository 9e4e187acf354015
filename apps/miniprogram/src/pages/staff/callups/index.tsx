// 一键召集 (staff): ask for N volunteers with a skill at a place and time; matching volunteers are notified at once.
// Below, every call-up with its counts; open one to see who said 能来 / 来不了 and close it.
import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, Textarea, View } from '@tarojs/components';
import {
  callUpAnswerLabels, callUpClosedReasonLabels, callUpStatusLabels, CreateCallUpBody, formatShanghaiDateTime, parseShanghaiDateTime,
  VolunteerSkill, volunteerSkillLabels, type CallUp,
} from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { ChoiceChips } from '../../../components/ChoiceChips';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { onRealtime } from '../../../services/socket';
import { closeCallUp, createCallUp, getCallUp, listCallUps } from '../../../services/volunteers';
import './index.scss';

function CallUpForm({ onCreated }: { onCreated: (called: number) => void }) {
  const [skill, setSkill] = useState<VolunteerSkill>('delivery');
  const [needed, setNeeded] = useState('5');
  const [place, setPlace] = useState('');
  const [startsAt, setStartsAt] = useState(formatShanghaiDateTime(new Date(Date.now() + 3_600_000)));
  const [note, setNote] = useState('');
  const [everyone, setEveryone] = useState<'available' | 'everyone'>('available');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    setError(null);
    const instant = parseShanghaiDateTime(startsAt);
    if (!instant) {
      setError('集合时间格式为 2026-11-25 08:00');
      return;
    }
    const body = CreateCallUpBody.safeParse({
      skill, needed: Number(needed), place, startsAt: instant, note: note.trim() || undefined, ignoreAvailability: everyone === 'everyone',
    });
    if (!body.success) {
      setError(body.error.issues[0]?.message ?? '请检查填写内容');
      return;
    }
    setBusy(true);
    try {
      const created = await createCallUp(body.data);
      setPlace('');
      setNote('');
      onCreated(created.counts.called);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className="card callups__form">
      <Text className="card__title">需要什么技能</Text>
      <ChoiceChips options={VolunteerSkill.options.map((s) => ({ value: s, label: volunteerSkillLabels[s] }))} value={skill} onChange={setSkill} />
      <Text className="text-small">需要人数</Text>
      <View className="field callups__needed">
        <Input className="field__input" type="number" value={needed} onInput={(e) => setNeeded(e.detail.value)} />
      </View>
      <Text className="text-small">集合地点</Text>
      <View className="field callups__place">
        <Input className="field__input" value={place} maxlength={100} placeholder="如 3号楼门口" onInput={(e) => setPlace(e.detail.value)} />
      </View>
      <Text className="text-small">集合时间（北京时间）</Text>
      <View className="field callups__time">
        <Input className="field__input" value={startsAt} onInput={(e) => setStartsAt(e.detail.value)} />
      </View>
      <Textarea className="textarea-field" value={note} maxlength={300} placeholder="说明，如：协助核酸采样秩序维护" onInput={(e) => setNote(e.detail.value)} />
      <ChoiceChips
        options={[{ value: 'available', label: '只通知该时段有空的' }, { value: 'everyone', label: '通知所有有此技能的' }]}
        value={everyone}
        onChange={setEveryone}
      />
      {error ? <Text className="notice notice--error">{error}</Text> : null}
      <BigButton busy={busy} onClick={submit}>发出召集</BigButton>
    </View>
  );
}

function CallUpCard({ callUp, onClosed }: { callUp: CallUp; onClosed: () => void }) {
  const [open, setOpen] = useState(false);
  const detail = useRemote(() => (open ? getCallUp(callUp.id) : Promise.resolve(null)), [open, callUp.id]);
  const [busy, setBusy] = useState(false);

  async function close() {
    setBusy(true);
    try {
      await closeCallUp(callUp.id);
      onClosed();
    } catch (err) {
      void Taro.showModal({ title: '操作失败', content: messageOf(err), showCancel: false });
    } finally {
      setBusy(false);
    }
  }

  const { counts } = callUp;
  return (
    <View className="card callups__card">
      <View className="callups__head" onClick={() => setOpen((o) => !o)}>
        <Text className="row__title">{volunteerSkillLabels[callUp.skill]} · {callUp.place}</Text>
        <Text className={`tag${callUp.status === 'open' ? ' tag--warning' : ''}`}>
          {callUp.status === 'closed' && callUp.closedReason ? callUpClosedReasonLabels[callUp.closedReason] : callUpStatusLabels[callUp.status]}
        </Text>
      </View>
      <Text className="row__meta">{formatShanghaiDateTime(callUp.startsAt)} · 需要 {callUp.needed} 人</Text>
      <Text className="row__meta callups__counts">
        已通知 {counts.called} · 能来 {counts.yes} · 来不了 {counts.no} · 未回复 {counts.unanswered}
      </Text>
      {callUp.note ? <Text className="row__meta">{callUp.note}</Text> : null}
      {open ? (
        <AsyncState remote={detail.remote} onRetry={detail.reload}>
          {(d) => (
            <View className="callups__responders">
              {d && d.responders.length === 0 ? <Text className="text-secondary">没有匹配的志愿者</Text> : null}
              {d?.responders.map((r) => (
                <View key={r.userId} className="row">
                  <View className="row__main">
                    <Text className="row__title">{r.displayName}</Text>
                    <Text className="row__meta">{r.phone ?? ''}</Text>
                  </View>
                  <Text className={`tag${r.answer === 'no' ? ' tag--danger' : r.answer === null ? ' tag--warning' : ''}`}>
                    {r.answer ? callUpAnswerLabels[r.answer] : '未回复'}
                  </Text>
                </View>
              ))}
            </View>
          )}
        </AsyncState>
      ) : (
        <Text className="callups__more" onClick={() => setOpen(true)}>查看回复 ›</Text>
      )}
      {callUp.status === 'open' ? (
        <BigButton variant="danger" busy={busy} onClick={close}>结束召集</BigButton>
      ) : null}
    </View>
  );
}

export default function StaffCallUpsPage() {
  const list = useRemote(() => listCallUps(), []);
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => onRealtime((event) => {
    if (event.type === 'call_up.answered') list.reload();
  }), [list.reload]);

  return (
    <PageShell title="一键召集">
      <CallUpForm
        onCreated={(called) => {
          setDone(called > 0 ? `已通知 ${called} 位志愿者` : '没有匹配的志愿者，可改为通知所有有此技能的志愿者');
          list.reload();
        }}
      />
      {done ? <Text className="notice">{done}</Text> : null}
      <Text className="section-title">召集记录</Text>
      <AsyncState remote={list.remote} onRetry={list.reload} isEmpty={(d) => d.items.length === 0} emptyText="还没有发起过召集">
        {(d) => d.items.map((c) => <CallUpCard key={c.id} callUp={c} onClosed={list.reload} />)}
      </AsyncState>
    </PageShell>
  );
}
