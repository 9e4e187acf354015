// 召集 (volunteers): open call-ups that reached me, each answered 能来 / 来不了 (changeable until it closes);
// a new call-up arriving on the socket reloads the list.
import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { callUpAnswerLabels, formatShanghaiDateTime, volunteerSkillLabels, type CallUpAnswer, type MyCallUp } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { onRealtime } from '../../../services/socket';
import { answerCallUp, myCallUps } from '../../../services/volunteers';
import './index.scss';

function CallUpCard({ callUp, onAnswered }: { callUp: MyCallUp; onAnswered: (updated: MyCallUp) => void }) {
  const [busy, setBusy] = useState<CallUpAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function answer(value: CallUpAnswer) {
    setError(null);
    setBusy(value);
    try {
      onAnswered(await answerCallUp(callUp.id, value));
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <View className="card volunteer-callups__card">
      <View className="volunteer-callups__head">
        <Text className="row__title">{volunteerSkillLabels[callUp.skill]} · {callUp.place}</Text>
        {callUp.myAnswer ? <Text className={`tag${callUp.myAnswer === 'no' ? ' tag--danger' : ''}`}>我已回复：{callUpAnswerLabels[callUp.myAnswer]}</Text> : null}
      </View>
      <Text className="row__meta">集合时间 {formatShanghaiDateTime(callUp.startsAt)}</Text>
      <Text className="row__meta">需要 {callUp.needed} 人 · 已有 {callUp.yesCount} 人能来</Text>
      {callUp.note ? <Text className="row__meta">{callUp.note}</Text> : null}
      {callUp.status === 'closed' ? <Text className="notice">召集已结束，感谢你的响应</Text> : null}
      {error ? <Text className="notice notice--error">{error}</Text> : null}
      {callUp.status === 'open' ? (
        <View className="button-row">
          <BigButton variant={callUp.myAnswer === 'yes' ? 'primary' : 'secondary'} busy={busy === 'yes'} disabled={busy !== null} onClick={() => answer('yes')}>
            {callUpAnswerLabels.yes}
          </BigButton>
          <BigButton variant={callUp.myAnswer === 'no' ? 'danger' : 'secondary'} busy={busy === 'no'} disabled={busy !== null} onClick={() => answer('no')}>
            {callUpAnswerLabels.no}
          </BigButton>
        </View>
      ) : null}
    </View>
  );
}

export default function VolunteerCallUpsPage() {
  const list = useRemote(() => myCallUps(), []);
  useEffect(() => onRealtime((event) => {
    if (event.type === 'call_up') list.reload();
  }), [list.reload]);

  return (
    <PageShell title="召集">
      <AsyncState remote={list.remote} onRetry={list.reload} isEmpty={(d) => d.items.length === 0} emptyText="目前没有召集，有需要时会第一时间通知你">
        {(d) => d.items.map((c) => (
          <CallUpCard key={c.id} callUp={c} onAnswered={(updated) => list.update((l) => ({ items: l.items.map((x) => (x.id === updated.id ? updated : x)) }))} />
        ))}
      </AsyncState>
    </PageShell>
  );
}
