// 发布通知: title, body, 普通/紧急, whether households must confirm, and which of the caller's buildings it goes to.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Switch, Text, Textarea, View } from '@tarojs/components';
import { CreateNoticeBody, noticePriorityLabels, type NoticePriority } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { createNotice } from '../../../services/chat';
import { listBuildings } from '../../../services/community';
import { pagePaths } from '../../../services/navigation';
import './index.scss';

export default function NoticeComposePage() {
  const buildings = useRemote(listBuildings, []);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [priority, setPriority] = useState<NoticePriority>('normal');
  const [requiresAck, setRequiresAck] = useState(true);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const toggle = (id: string) => setChosen((s) => {
    const next = new Set(s);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });

  async function submit() {
    const parsed = CreateNoticeBody.safeParse({ title, body, priority, requiresAck, buildingIds: [...chosen] });
    if (!parsed.success) return setProblem(parsed.error.issues[0]?.message ?? '请检查填写内容');
    setProblem(null);
    setBusy(true);
    try {
      const notice = await createNotice(parsed.data);
      void Taro.showToast({ title: '已发布', icon: 'success' });
      await Taro.redirectTo({ url: `${pagePaths.noticeStats}?id=${notice.id}` });
    } catch (e) {
      setProblem(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <PageShell title="发布通知">
      <View className="card">
        <Text className="compose__label">标题</Text>
        <Input className="compose__input compose__title" value={title} maxlength={60} placeholder="例如：明日全员核酸" onInput={(e) => setTitle(e.detail.value)} />
        <Text className="compose__label">内容</Text>
        <Textarea className="compose__textarea compose__body" value={body} maxlength={2000} placeholder="时间、地点、注意事项" onInput={(e) => setBody(e.detail.value)} />
        <Text className="compose__label">紧急程度</Text>
        <View className="compose__choices">
          {(['normal', 'urgent'] as const).map((p) => (
            <View key={p} className={`compose__choice${priority === p ? ' compose__choice--selected' : ''}`} onClick={() => setPriority(p)}>
              <Text>{noticePriorityLabels[p]}</Text>
            </View>
          ))}
        </View>
        <View className="compose__switch">
          <Text>需要住户确认“我已知晓”</Text>
          <Switch checked={requiresAck} onChange={(e) => setRequiresAck(e.detail.value)} color="#1f7a4d" />
        </View>
      </View>
      <Text className="section-title">发送到</Text>
      <AsyncState remote={buildings.remote} onRetry={buildings.reload} isEmpty={(d) => d.items.length === 0} emptyText="您负责的范围内还没有楼栋">
        {(d) => (
          <View className="compose__choices">
            <View className={`compose__choice${chosen.size === d.items.length ? ' compose__choice--selected' : ''}`} onClick={() => setChosen(chosen.size === d.items.length ? new Set() : new Set(d.items.map((b) => b.id)))}>
              <Text>全部</Text>
            </View>
            {d.items.map((b) => (
              <View key={b.id} className={`compose__choice compose__building${chosen.has(b.id) ? ' compose__choice--selected' : ''}`} onClick={() => toggle(b.id)}>
                <Text>{b.name}</Text>
              </View>
            ))}
          </View>
        )}
      </AsyncState>
      {problem ? <Text className="compose__problem">{problem}</Text> : null}
      <BigButton busy={busy} onClick={() => void submit()}>发布</BigButton>
    </PageShell>
  );
}
