// 志愿任务 (staff): the task board of the caller's grids by status, and 整楼配送: a building's packed orders go out
// as delivery tasks (at most 30 households each) for volunteers to claim.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatShanghaiDateTime, maxOrdersPerDeliveryTask, taskKindLabels, taskStatusLabels, TaskStatus, type Task } from '@linli/shared';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { ChoiceChips } from '../../../components/ChoiceChips';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { listBuildings } from '../../../services/community';
import { pagePaths } from '../../../services/navigation';
import { createDeliveryTasks, listTasks, releaseTask } from '../../../services/tasks';
import './index.scss';

const statusOptions = TaskStatus.options.map((s) => ({ value: s, label: taskStatusLabels[s] }));

function BoardCard({ task, busy, onRelease }: { task: Task; busy: boolean; onRelease: () => void }) {
  return (
    <View className="card staff-tasks__task" onClick={() => void Taro.navigateTo({ url: `${pagePaths.task}?id=${task.id}` })}>
      <View className="staff-tasks__head">
        <Text className="row__title">{task.title}</Text>
        <Text className="tag">{taskKindLabels[task.kind]}</Text>
      </View>
      <Text className="row__meta">
        {task.buildingName}{task.unit ? ` ${task.unit}单元 ${task.room}` : ''}{task.kind === 'delivery' ? ` · 已交付 ${task.handedOverCount}/${task.orderCount}` : ''}
      </Text>
      {task.claimedByName ? <Text className="row__meta">志愿者：{task.claimedByName}{task.claimedAt ? ` · ${formatShanghaiDateTime(task.claimedAt)} 认领` : ''}</Text> : null}
      {task.completedAt ? <Text className="row__meta">完成于 {formatShanghaiDateTime(task.completedAt)}</Text> : null}
      {task.status === 'claimed' ? (
        <View onClick={(e) => e.stopPropagation()}>
          <BigButton variant="secondary" className="staff-tasks__release" busy={busy} onClick={onRelease}>收回到大厅</BigButton>
        </View>
      ) : null}
    </View>
  );
}

export default function StaffTasksPage() {
  const [status, setStatus] = useState<TaskStatus>('open');
  const board = useRemote(() => listTasks({ status }), [status]);
  const buildings = useRemote(() => listBuildings(), []);
  useReturnVisit(board.reload);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function run(key: string, action: () => Promise<string>) {
    setBusy(key);
    setMessage(null);
    try {
      setMessage({ text: await action(), error: false });
      board.reload();
    } catch (err) {
      setMessage({ text: messageOf(err), error: true });
    } finally {
      setBusy(null);
    }
  }

  async function deliver(building: { id: string; name: string }) {
    const answer = await Taro.showModal({ title: '整楼配送', content: `将${building.name}所有已分拣的订单交给志愿者配送（每个任务最多 ${maxOrdersPerDeliveryTask} 户）？` });
    if (!answer.confirm) return;
    await run(building.id, async () => {
      const created = await createDeliveryTasks(building.id);
      const households = created.tasks.reduce((sum, t) => sum + t.orderCount, 0);
      return `${building.name}：已生成 ${created.tasks.length} 个配送任务，共 ${households} 户`;
    });
  }

  return (
    <PageShell title="志愿任务">
      {message ? <View className={`notice${message.error ? ' notice--error' : ''} staff-tasks__message`}>{message.text}</View> : null}
      <Text className="section-title">整楼配送</Text>
      <AsyncState remote={buildings.remote} onRetry={buildings.reload} isEmpty={(d) => d.items.length === 0} emptyText="没有可管理的楼栋">
        {(d) => (
          <View className="staff-tasks__buildings">
            {d.items.map((b) => (
              <BigButton key={b.id} variant="secondary" className="staff-tasks__building" busy={busy === b.id} disabled={busy !== null} onClick={() => void deliver(b)}>
                {b.name} 生成配送任务
              </BigButton>
            ))}
          </View>
        )}
      </AsyncState>
      <Text className="section-title">任务看板</Text>
      <ChoiceChips options={statusOptions} value={status} onChange={setStatus} className="staff-tasks__filters" />
      <AsyncState remote={board.remote} onRetry={board.reload} isEmpty={(d) => d.items.length === 0} emptyText="没有这类任务">
        {(d) =>
          d.items.map((task) => (
            <BoardCard key={task.id} task={task} busy={busy === task.id} onRelease={() => void run(task.id, async () => { await releaseTask(task.id); return `「${task.title}」已收回到大厅`; })} />
          ))
        }
      </AsyncState>
    </PageShell>
  );
}
