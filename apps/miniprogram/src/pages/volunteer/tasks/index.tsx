// 任务 (volunteers): the hall of open tasks in the community (urgent and care-tagged first, filtered by kind) to
// claim with one tap, and the tasks the volunteer holds; a task opens its delivery checklist.
import { useState, type ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatShanghaiDateTime, maxHeldTasks, taskKindLabels, taskStatusLabels, TaskKind, type Task } from '@linli/shared';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { ChoiceChips } from '../../../components/ChoiceChips';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { pagePaths } from '../../../services/navigation';
import { claimTask, listMyTasks, listTasks } from '../../../services/tasks';
import { myCallUps } from '../../../services/volunteers';
import './index.scss';

type KindFilter = TaskKind | 'all';
const kindOptions: { value: KindFilter; label: string }[] = [{ value: 'all', label: '全部' }, ...TaskKind.options.map((k) => ({ value: k, label: taskKindLabels[k] }))];
const views = [{ value: 'hall', label: '任务大厅' }, { value: 'mine', label: '我的任务' }] as const;

const openTask = (task: Task) => Taro.navigateTo({ url: `${pagePaths.task}?id=${task.id}` });

function TaskCard({ task, action }: { task: Task; action?: ReactNode }) {
  const where = task.unit ? `${task.buildingName} ${task.unit}单元 ${task.room}` : task.buildingName;
  return (
    <View className="card task-card" onClick={() => void openTask(task)}>
      <View className="task-card__head">
        <Text className="row__title">{task.title}</Text>
        <Text className={`tag${task.status === 'open' ? ' tag--warning' : ''}`}>{taskStatusLabels[task.status]}</Text>
      </View>
      <View className="task-card__tags">
        <Text className="tag">{taskKindLabels[task.kind]}</Text>
        {task.urgent ? <Text className="tag tag--danger">紧急</Text> : null}
        {task.careTagged ? <Text className="tag tag--warning">关怀对象</Text> : null}
      </View>
      <Text className="row__meta">{where}{task.kind === 'delivery' ? ` · ${task.handedOverCount}/${task.orderCount} 户已交付` : ''}</Text>
      {task.details ? <Text className="row__meta">{task.details}</Text> : null}
      {task.status === 'claimed' && task.claimExpiresAt ? <Text className="row__meta">请于 {formatShanghaiDateTime(task.claimExpiresAt)} 前交付，否则任务将退回大厅</Text> : null}
      {action}
    </View>
  );
}

/** 一键召集 waiting for this volunteer's 能来 / 来不了, above the hall so an urgent call is not missed. */
function CallUpBanner() {
  const callUps = useRemote(() => myCallUps(), []);
  useReturnVisit(callUps.reload);
  const unanswered = callUps.remote.status === 'ready' ? callUps.remote.data.items.filter((c) => c.myAnswer === null).length : 0;
  return (
    <View
      className={`tasks__callups${unanswered > 0 ? ' tasks__callups--waiting' : ''}`}
      onClick={() => Taro.navigateTo({ url: pagePaths.volunteerCallUps })}
    >
      <Text>{unanswered > 0 ? `有 ${unanswered} 个紧急召集等你回复` : '志愿者召集'}</Text>
      <Text>›</Text>
    </View>
  );
}

export default function TasksPage() {
  const [view, setView] = useState<'hall' | 'mine'>('hall');
  const [kind, setKind] = useState<KindFilter>('all');
  const tasks = useRemote(() => (view === 'hall' ? listTasks({ status: 'open', kind: kind === 'all' ? undefined : kind }) : listMyTasks()), [view, kind]);
  useReturnVisit(tasks.reload);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function claim(task: Task) {
    setBusy(task.id);
    setMessage(null);
    try {
      await claimTask(task.id);
      void openTask(task);
    } catch (err) {
      setMessage({ text: messageOf(err), error: true });
      tasks.reload();
    } finally {
      setBusy(null);
    }
  }

  return (
    <PageShell title="任务" tab="tasks">
      <CallUpBanner />
      <ChoiceChips options={views} value={view} onChange={setView} className="tasks__views" />
      {view === 'hall' ? <ChoiceChips options={kindOptions} value={kind} onChange={setKind} className="tasks__kinds" /> : null}
      {view === 'hall' ? <Text className="text-small">每人最多同时认领 {maxHeldTasks} 个任务；认领后请尽快交付。</Text> : null}
      {message ? <View className={`notice${message.error ? ' notice--error' : ''} tasks__message`}>{message.text}</View> : null}
      <AsyncState remote={tasks.remote} onRetry={tasks.reload} isEmpty={(d) => d.items.length === 0} emptyText={view === 'hall' ? '暂时没有待认领的任务' : '还没有认领任务，去任务大厅看看吧'}>
        {(d) =>
          d.items.map((task) => (
            <TaskCard
              key={task.id}
              task={task}
              action={view === 'hall' && task.status === 'open' ? (
                <View onClick={(e) => e.stopPropagation()}>
                  <BigButton className="task-card__claim" busy={busy === task.id} disabled={busy !== null} onClick={() => void claim(task)}>认领</BigButton>
                </View>
              ) : undefined}
            />
          ))
        }
      </AsyncState>
    </PageShell>
  );
}
