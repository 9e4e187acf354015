// 出入管理 (staff): the exit rule, today's exits per building, who is out (overdue first), medical exceptions, and
// issuing passes (a whole building at once, or a medical exception for one room).
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { describePassPolicy, formatShanghaiDateTime, householdLabel, PassPolicyBody, type PassPolicy } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { ChoiceChips } from '../../../components/ChoiceChips';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { listBuildingHouseholds, listBuildings } from '../../../services/community';
import {
  getPassPolicy, getTodayExits, issueBuildingPasses, issuePass, listMedicalExceptions, listTripsOut, revokePass, savePassPolicy,
} from '../../../services/passes';
import './index.scss';

function PolicyCard({ policy, onSaved }: { policy: PassPolicy; onSaved: () => void }) {
  const [form, setForm] = useState({ exitsPerWindow: String(policy.exitsPerWindow), windowDays: String(policy.windowDays), maxOutMinutes: String(policy.maxOutMinutes) });
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const field = (key: keyof typeof form, suffix: string) => (
    <View className="field staff-passes__field">
      <Input className={`field__input staff-passes__${key}`} type="number" value={form[key]} onInput={(e) => setForm({ ...form, [key]: e.detail.value })} />
      <Text className="field__suffix">{suffix}</Text>
    </View>
  );
  async function save() {
    const parsed = PassPolicyBody.safeParse({ exitsPerWindow: Number(form.exitsPerWindow), windowDays: Number(form.windowDays), maxOutMinutes: Number(form.maxOutMinutes) });
    if (!parsed.success) {
      setMessage({ error: true, text: '请填写整数：次数 1–20，天数 1–30，时长 15–1440 分钟' });
      return;
    }
    setBusy(true);
    try {
      const saved = await savePassPolicy(parsed.data);
      setMessage({ error: false, text: `已保存：${describePassPolicy(saved)}` });
      onSaved();
    } catch (err) {
      setMessage({ error: true, text: messageOf(err) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <View className="card">
      <Text className="card__title">出入规则</Text>
      <Text className="text-secondary">{describePassPolicy(policy)}</Text>
      <View className="staff-passes__fields">
        <Text className="text-small">每户每</Text>
        {field('windowDays', '天')}
        <Text className="text-small">可出门</Text>
        {field('exitsPerWindow', '次')}
        <Text className="text-small">每次不超过</Text>
        {field('maxOutMinutes', '分钟')}
      </View>
      <BigButton className="staff-passes__save" busy={busy} onClick={save}>保存规则</BigButton>
      {message ? <Text className={`notice${message.error ? ' notice--error' : ''} staff-passes__message`}>{message.text}</Text> : null}
    </View>
  );
}

function MedicalExceptionForm({ onIssued }: { onIssued: () => void }) {
  const buildings = useRemote(listBuildings, []);
  const [buildingId, setBuildingId] = useState<string | null>(null);
  const [unit, setUnit] = useState('');
  const [room, setRoom] = useState('');
  const [reason, setReason] = useState('');
  const [days, setDays] = useState<'3' | '7' | '14' | '30'>('7');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  async function submit() {
    if (!buildingId || !unit.trim() || !room.trim() || !reason.trim()) {
      setMessage({ error: true, text: '请选择楼栋，填写单元、房号和原因' });
      return;
    }
    setBusy(true);
    try {
      const rooms = await listBuildingHouseholds(buildingId);
      const household = rooms.items.find((h) => h.unit === unit.trim() && h.room === room.trim());
      if (!household) throw new Error('没有这个房号');
      const pass = await issuePass({ householdId: household.id, kind: 'medical', reason: reason.trim(), validUntil: new Date(Date.now() + Number(days) * 86_400_000).toISOString() });
      setMessage({ error: false, text: `已为 ${householdLabel(pass)} 登记就医特殊通行` });
      setReason('');
      onIssued();
    } catch (err) {
      setMessage({ error: true, text: err instanceof Error && err.message === '没有这个房号' ? '这栋楼没有这个房号，请核对' : messageOf(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className="card">
      <Text className="card__title">登记就医特殊通行</Text>
      <Text className="text-small">透析、化疗、产检等：不受出门次数限制，到期自动失效。</Text>
      <AsyncState remote={buildings.remote} onRetry={buildings.reload}>
        {(list) => <ChoiceChips className="staff-passes__chips" options={list.items.map((b) => ({ value: b.id, label: b.name }))} value={buildingId} onChange={setBuildingId} />}
      </AsyncState>
      <View className="staff-passes__fields">
        <View className="field staff-passes__field">
          <Input className="field__input staff-passes__unit" value={unit} maxlength={10} placeholder="如 1" onInput={(e) => setUnit(e.detail.value)} />
          <Text className="field__suffix">单元</Text>
        </View>
        <View className="field staff-passes__field">
          <Input className="field__input staff-passes__room" value={room} maxlength={10} placeholder="如 101" onInput={(e) => setRoom(e.detail.value)} />
          <Text className="field__suffix">室</Text>
        </View>
      </View>
      <View className="field staff-passes__wide">
        <Input className="field__input staff-passes__reason" value={reason} maxlength={200} placeholder="原因，如 每周三次血液透析" onInput={(e) => setReason(e.detail.value)} />
      </View>
      <ChoiceChips className="staff-passes__chips" options={[{ value: '3', label: '3 天' }, { value: '7', label: '7 天' }, { value: '14', label: '14 天' }, { value: '30', label: '30 天' }] as const} value={days} onChange={setDays} />
      <BigButton className="staff-passes__save" busy={busy} onClick={submit}>登记</BigButton>
      {message ? <Text className={`notice${message.error ? ' notice--error' : ''} staff-passes__message`}>{message.text}</Text> : null}
    </View>
  );
}

export default function StaffPassesPage() {
  const policy = useRemote(getPassPolicy, []);
  const today = useRemote(getTodayExits, []);
  const out = useRemote(listTripsOut, []);
  const medical = useRemote(listMedicalExceptions, []);

  async function issueBuilding(buildingId: string, name: string) {
    const confirmed = await Taro.showModal({ title: `为${name}发证`, content: '为这栋楼还没有出入证的住户各发一张普通出入证？' });
    if (!confirmed.confirm) return;
    try {
      const result = await issueBuildingPasses(buildingId);
      void Taro.showToast({ title: `新发 ${result.issued} 张`, icon: 'success' });
    } catch (err) {
      void Taro.showModal({ title: '发证失败', content: messageOf(err), showCancel: false });
    }
  }

  async function revoke(passId: string, label: string) {
    const confirmed = await Taro.showModal({ title: '作废', content: `作废 ${label} 的就医特殊通行？` });
    if (!confirmed.confirm) return;
    try {
      await revokePass(passId);
      medical.reload();
    } catch (err) {
      void Taro.showModal({ title: '作废失败', content: messageOf(err), showCancel: false });
    }
  }

  return (
    <PageShell title="出入管理">
      <AsyncState remote={policy.remote} onRetry={policy.reload}>
        {(p) => <PolicyCard policy={p} onSaved={policy.reload} />}
      </AsyncState>

      <Text className="section-title">今日出入</Text>
      <AsyncState remote={today.remote} onRetry={today.reload} isEmpty={(d) => d.items.length === 0} emptyText="没有负责的楼栋">
        {(d) => (
          <View>
            {d.items.map((b) => (
              <View key={b.buildingId} className="row staff-passes__building">
                <View className="row__main">
                  <Text className="row__title">{b.buildingName}</Text>
                  <Text className="row__meta">今日出门 {b.exits} · 外出中 {b.out}{b.overdue ? ` · 超时 ${b.overdue}` : ''}</Text>
                </View>
                <Text className="staff-passes__link" onClick={() => void issueBuilding(b.buildingId, b.buildingName)}>整栋发证</Text>
              </View>
            ))}
          </View>
        )}
      </AsyncState>

      <Text className="section-title">外出未归</Text>
      <AsyncState remote={out.remote} onRetry={out.reload} isEmpty={(d) => d.items.length === 0} emptyText="现在没有人外出">
        {(d) => (
          <View>
            {[...d.items].sort((a, b) => Number(b.overdue) - Number(a.overdue)).map((trip) => (
              <View key={trip.id} className="row staff-passes__trip">
                <View className="row__main">
                  <Text className="row__title">{householdLabel(trip)}</Text>
                  <Text className="row__meta">出门 {formatShanghaiDateTime(trip.exitAt)} · 应回 {formatShanghaiDateTime(trip.dueBackAt)}</Text>
                </View>
                <Text className={`tag${trip.overdue ? ' tag--danger' : ''}`}>{trip.overdue ? '超时未归' : '外出中'}</Text>
              </View>
            ))}
          </View>
        )}
      </AsyncState>

      <Text className="section-title">就医特殊通行</Text>
      <AsyncState remote={medical.remote} onRetry={medical.reload} isEmpty={(d) => d.items.length === 0} emptyText="没有生效的就医特殊通行">
        {(d) => (
          <View>
            {d.items.map((p) => (
              <View key={p.id} className="row">
                <View className="row__main">
                  <Text className="row__title">{householdLabel(p)}</Text>
                  <Text className="row__meta">{p.reason} · 至 {p.validUntil ? formatShanghaiDateTime(p.validUntil) : '—'}</Text>
                </View>
                <Text className="staff-passes__link staff-passes__link--danger" onClick={() => void revoke(p.id, householdLabel(p))}>作废</Text>
              </View>
            ))}
          </View>
        )}
      </AsyncState>
      <MedicalExceptionForm onIssued={medical.reload} />
    </PageShell>
  );
}
