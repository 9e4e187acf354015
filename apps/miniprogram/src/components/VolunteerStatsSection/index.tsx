// 统计 on the staff 志愿者 page: per-volunteer totals and a per-day breakdown for 今天 / 近7天 / 近30天, and the
// 发布感谢榜 form that freezes the same period's counts into a board every resident can read.
import { useState } from 'react';
import { Input, Text, Textarea, View } from '@tarojs/components';
import {
  addDays, shanghaiDate, sumTasksByKind, TaskKind, taskKindLabels, type TasksByKind, type VolunteerStatsRow,
} from '@linli/shared';
import { AsyncState, useRemote } from '../AsyncState';
import { BigButton } from '../BigButton';
import { ChoiceChips } from '../ChoiceChips';
import { messageOf } from '../../services/api';
import { publishThankYouPost, volunteerStats } from '../../services/volunteer-thanks';
import './index.scss';

type Preset = 'today' | 'week' | 'month';
const presets: { value: Preset; label: string; days: number }[] = [
  { value: 'today', label: '今天', days: 1 },
  { value: 'week', label: '近7天', days: 7 },
  { value: 'month', label: '近30天', days: 30 },
];

function periodOf(preset: Preset) {
  const to = shanghaiDate();
  const days = presets.find((p) => p.value === preset)!.days;
  return { from: addDays(to, -(days - 1)), to };
}

function byKindText(k: TasksByKind): string {
  const parts = TaskKind.options.filter((kind) => k[kind] > 0).map((kind) => `${taskKindLabels[kind]} ${k[kind]}`);
  return parts.length ? parts.join('，') : '无';
}

function VolunteerCard({ row }: { row: VolunteerStatsRow }) {
  const [open, setOpen] = useState(false);
  return (
    <View className="card volunteer-stats__card" onClick={() => setOpen(!open)}>
      <View className="volunteer-stats__head">
        <Text className="row__title">{row.displayName}</Text>
        <Text className="row__meta">{row.phone ?? '未留手机号'}</Text>
      </View>
      <Text className="text-body">
        完成任务 {sumTasksByKind(row.totals.tasksCompleted)} 个 · 送达 {row.totals.ordersHandedOver} 单
      </Text>
      <Text className="row__meta">按类型：{byKindText(row.totals.tasksCompleted)}</Text>
      {open ? (
        row.days.map((d) => (
          <Text key={d.date} className="row__meta volunteer-stats__day">
            {d.date}：任务 {sumTasksByKind(d.tasksCompleted)}（{byKindText(d.tasksCompleted)}），送达 {d.ordersHandedOver} 单
          </Text>
        ))
      ) : (
        <Text className="row__meta volunteer-stats__more">点按查看每日明细</Text>
      )}
    </View>
  );
}

function PublishThanksForm({ period, onPublished }: { period: { from: string; to: string }; onPublished: (message: string) => void }) {
  const [title, setTitle] = useState('感谢志愿者');
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    if (!title.trim() || !message.trim()) {
      setError('请填写标题和感谢的话');
      return;
    }
    setError(null);
    setBusy(true);
    try {
      const post = await publishThankYouPost({ title: title.trim(), message: message.trim(), ...period });
      setMessage('');
      onPublished(`已发布感谢榜，${post.entries.length} 位志愿者上榜，各楼栋群已收到消息`);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <View className="card volunteer-stats__publish">
      <Text className="section-title">发布感谢榜</Text>
      <Text className="row__meta">统计时段 {period.from} 至 {period.to}，上榜只显示姓名和次数，不显示电话。</Text>
      <View className="field">
        <Input className="field__input" value={title} maxlength={40} placeholder="标题" onInput={(e) => setTitle(e.detail.value)} />
      </View>
      <Textarea className="textarea-field" value={message} maxlength={500} placeholder="想对志愿者说的话" onInput={(e) => setMessage(e.detail.value)} />
      {error ? <Text className="notice notice--error">{error}</Text> : null}
      <BigButton busy={busy} onClick={submit}>发布感谢榜</BigButton>
    </View>
  );
}

export function VolunteerStatsSection() {
  const [preset, setPreset] = useState<Preset>('week');
  const period = periodOf(preset);
  const stats = useRemote(() => volunteerStats(periodOf(preset)), [preset]);
  const [published, setPublished] = useState<string | null>(null);

  return (
    <View className="volunteer-stats">
      <ChoiceChips options={presets} value={preset} onChange={(p) => { setPublished(null); setPreset(p); }} />
      <AsyncState remote={stats.remote} onRetry={stats.reload} isEmpty={(d) => d.volunteers.length === 0} emptyText="该时段还没有志愿者完成任务">
        {(d) => d.volunteers.map((row) => <VolunteerCard key={row.userId} row={row} />)}
      </AsyncState>
      {published ? <Text className="notice">{published}</Text> : null}
      <PublishThanksForm period={period} onPublished={setPublished} />
    </View>
  );
}
