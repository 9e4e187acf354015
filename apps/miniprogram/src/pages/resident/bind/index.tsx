// 绑定住户: a resident asks to be linked to a room; a grid worker of that building approves.
import { useState } from 'react';
import { Input, Text, View } from '@tarojs/components';
import {
  type Binding,
  type BindingStatus,
  bindingStatusLabels,
  formatShanghaiDateTime,
  householdLabel,
  PersonRelation,
  type PersonRelation as Relation,
  relationLabels,
} from '@linli/shared';
import { BigButton } from '../../../components/BigButton';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { listBindings, listBuildingDirectory, requestBinding } from '../../../services/community';
import './index.scss';

const statusTagClass: Record<BindingStatus, string> = {
  pending: 'tag tag--warning',
  approved: 'tag',
  rejected: 'tag tag--danger',
};

function BindingRow({ binding }: { binding: Binding }) {
  return (
    <View className="row">
      <View className="row__main">
        <Text className="row__title">{householdLabel(binding)}</Text>
        <Text className="row__meta">
          {relationLabels[binding.relation]} · 提交于 {formatShanghaiDateTime(binding.createdAt)}
        </Text>
        {binding.status === 'rejected' && binding.decisionReason ? (
          <Text className="row__meta">原因：{binding.decisionReason}</Text>
        ) : null}
      </View>
      <Text className={statusTagClass[binding.status]}>{bindingStatusLabels[binding.status]}</Text>
    </View>
  );
}

export default function BindPage() {
  const buildings = useRemote(listBuildingDirectory, []);
  const bindings = useRemote(() => listBindings(), []);

  const [buildingId, setBuildingId] = useState<string | null>(null);
  const [unit, setUnit] = useState('');
  const [room, setRoom] = useState('');
  const [relation, setRelation] = useState<Relation>('owner');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState<Binding | null>(null);

  async function submit() {
    setError(null);
    setSubmitted(null);
    if (!buildingId) return setError('请选择楼栋');
    if (!unit.trim()) return setError('请填写单元号');
    if (!room.trim()) return setError('请填写房号');
    setBusy(true);
    try {
      const binding = await requestBinding({ buildingId, unit: unit.trim(), room: room.trim(), relation });
      setSubmitted(binding);
      setUnit('');
      setRoom('');
      bindings.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <PageShell title="绑定住户">
      <View className="card">
        <Text className="card__title">1. 选择楼栋</Text>
        <AsyncState
          remote={buildings.remote}
          onRetry={buildings.reload}
          isEmpty={(d) => d.items.length === 0}
          emptyText="社区还没有登记楼栋"
        >
          {(d) => (
            <View className="choices">
              {d.items.map((b) => (
                <View
                  key={b.id}
                  className={`choice${b.id === buildingId ? ' choice--selected' : ''}`}
                  onClick={() => setBuildingId(b.id)}
                >
                  <Text>{b.name}</Text>
                </View>
              ))}
            </View>
          )}
        </AsyncState>

        <Text className="card__title bind__step">2. 填写单元和房号</Text>
        <View className="bind__fields">
          <View className="field bind__field">
            <Input className="field__input bind__input" value={unit} maxlength={10} placeholder="如 1" onInput={(e) => setUnit(e.detail.value)} />
            <Text className="field__suffix">单元</Text>
          </View>
          <View className="field bind__field">
            <Input className="field__input bind__input" value={room} maxlength={10} placeholder="如 101" onInput={(e) => setRoom(e.detail.value)} />
            <Text className="field__suffix">室</Text>
          </View>
        </View>

        <Text className="card__title bind__step">3. 我是这户的</Text>
        <View className="choices">
          {PersonRelation.options.map((r) => (
            <View key={r} className={`choice${r === relation ? ' choice--selected' : ''}`} onClick={() => setRelation(r)}>
              <Text>{relationLabels[r]}</Text>
            </View>
          ))}
        </View>

        <BigButton className="bind__submit" busy={busy} onClick={submit}>
          提交绑定申请
        </BigButton>
        {error ? <Text className="notice notice--error bind__result">{error}</Text> : null}
        {submitted ? (
          <Text className="notice bind__result">已提交 {householdLabel(submitted)}，待网格员审核</Text>
        ) : null}
      </View>

      <Text className="section-title">我的绑定申请</Text>
      <AsyncState
        remote={bindings.remote}
        onRetry={bindings.reload}
        isEmpty={(d) => d.items.length === 0}
        emptyText="还没有提交过绑定申请"
      >
        {(d) => d.items.map((b) => <BindingRow key={b.id} binding={b} />)}
      </AsyncState>
    </PageShell>
  );
}
