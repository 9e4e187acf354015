// 求助: a household asks its grid workers for help, and follows what happened to earlier requests.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, Textarea, View } from '@tarojs/components';
import {
  CreateHelpRequestBody, followUpStatusLabels, formatShanghaiDateTime, formatWaitSeconds, HelpKind, helpKindLabels, HelpUrgency, helpUrgencyLabels,
  householdLabel, type HelpRequest,
} from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { Choices } from '../../../components/Choices';
import { HouseholdSwitcher } from '../../../components/HouseholdSwitcher';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { askForHelp, listHelpRequests } from '../../../services/checkins';
import { useChosenHousehold } from '../../../stores/household';
import { loadMe } from '../../../stores/session';
import './index.scss';

function RequestRow({ request }: { request: HelpRequest }) {
  return (
    <View className="row">
      <View className="row__main">
        <Text className="row__title">{helpKindLabels[request.kind]} · {helpUrgencyLabels[request.urgency]}</Text>
        <Text className="row__meta">{request.details}</Text>
        <Text className="row__meta">
          {formatShanghaiDateTime(request.createdAt)}
          {request.secondsToAcknowledge !== null ? ` · ${formatWaitSeconds(request.secondsToAcknowledge)}后接单` : ''}
        </Text>
        {request.resolutionNote ? <Text className="row__meta">处理结果：{request.resolutionNote}</Text> : null}
      </View>
      <Text className={`tag${request.status === 'open' ? ' tag--warning' : ''}`}>{followUpStatusLabels[request.status]}</Text>
    </View>
  );
}

export default function HelpPage() {
  const me = useRemote(() => loadMe(), []);
  const household = useChosenHousehold(me.remote.status === 'ready' ? me.remote.data : null);
  const mine = useRemote(() => listHelpRequests(), []);
  const [kind, setKind] = useState<HelpKind>('medicine');
  const [urgency, setUrgency] = useState<HelpUrgency>('normal');
  const [details, setDetails] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(householdId: string) {
    setError(null);
    const body = CreateHelpRequestBody.safeParse({ householdId, kind, urgency, details });
    if (!body.success) {
      setError(body.error.issues[0]?.message ?? '请检查填写内容');
      return;
    }
    setBusy(true);
    try {
      await askForHelp(body.data);
      setDetails('');
      mine.reload();
      void Taro.showToast({ title: '已发送给网格员', icon: 'success' });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <PageShell title="求助">
      <AsyncState remote={me.remote} onRetry={me.reload} isEmpty={(m) => m.households.length === 0} emptyText="绑定住户后可向网格员求助">
        {(m) => (
          <View className="card help__form">
            <Text className="card__title">{householdLabel(household ?? m.households[0]!)}</Text>
            <HouseholdSwitcher households={m.households} chosenId={household?.id} action="求助" />
            <Text className="text-small">需要什么帮助</Text>
            <Choices options={HelpKind.options} labels={helpKindLabels} selected={[kind]} onToggle={setKind} />
            <Text className="text-small">紧急程度</Text>
            <Choices options={HelpUrgency.options} labels={helpUrgencyLabels} selected={[urgency]} danger={['critical']} onToggle={setUrgency} />
            <Textarea
              className="help__details"
              value={details}
              maxlength={500}
              placeholder="请说明具体情况，如：家中老人降压药只剩两天"
              onInput={(e) => setDetails(e.detail.value)}
            />
            {error ? <Text className="notice notice--error">{error}</Text> : null}
            <BigButton busy={busy} onClick={() => submit((household ?? m.households[0]!).id)}>发送求助</BigButton>
          </View>
        )}
      </AsyncState>
      <Text className="section-title">我的求助</Text>
      <AsyncState remote={mine.remote} onRetry={mine.reload} isEmpty={(d) => d.items.length === 0} emptyText="还没有求助记录">
        {(d) => d.items.map((r) => <RequestRow key={r.id} request={r} />)}
      </AsyncState>
    </PageShell>
  );
}
