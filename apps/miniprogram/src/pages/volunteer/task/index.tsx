// 任务详情 (volunteers): claim or release; for a delivery, the checklist of households (building, unit, room,
// masked phone) with the 4-digit code entry per order and 放门口 with a photo; other kinds are marked done.
import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import {
  DeliveryCode, formatShanghaiDateTime, isStaff, maxDeliveryCodeAttempts, taskKindLabels, taskOrderHandoverLabels, taskStatusLabels,
  type TaskDetail, type TaskOrder,
} from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { pickMedicinePhoto } from '../../../services/medicine';
import { useSessionUser } from '../../../stores/session';
import { claimTask, completeTask, getTask, handOver, leaveAtDoor, releaseTask, revealPhone, taskCan, unlockOrder } from '../../../services/tasks';
import './index.scss';

interface OrderRowProps {
  task: TaskDetail;
  order: TaskOrder;
  mine: boolean;
  /** Staff of the task may unlock an order locked by wrong codes. */
  staff: boolean;
  onChanged: (task: TaskDetail, text: string) => void;
  onError: (text: string) => void;
}

function OrderRow({ task, order, mine, staff, onChanged, onError }: OrderRowProps) {
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState<'code' | 'door' | 'phone' | 'unlock' | null>(null);
  const [phone, setPhone] = useState<string | null>(null);
  const where = `${order.unit}单元 ${order.room}`;

  async function act(kind: 'code' | 'door' | 'phone' | 'unlock', action: () => Promise<void>) {
    setBusy(kind);
    try {
      await action();
    } catch (err) {
      onError(messageOf(err));
    } finally {
      setBusy(null);
    }
  }
  const submitCode = () => {
    const parsed = DeliveryCode.safeParse(code);
    if (!parsed.success) return onError(parsed.error.issues[0]?.message ?? '取件码为 4 位数字');
    return act('code', async () => {
      const result = await handOver(task.id, order.orderId, parsed.data);
      setCode('');
      onChanged(result.task, `${where} 已交付`);
    });
  };
  const atDoor = () => act('door', async () => {
    const photo = await pickMedicinePhoto();
    if (!photo) return;
    onChanged(await leaveAtDoor(task.id, order.orderId, photo), `${where} 已放门口，等待住户确认`);
  });
  const unlock = () => act('unlock', async () => onChanged(await unlockOrder(task.id, order.orderId), `${where} 已解锁，可重新输入取件码`));
  const showPhone = () => act('phone', async () => setPhone((await revealPhone(task.id, order.householdId)).phone ?? '未登记电话'));

  return (
    <View className={`card task-order${order.handover !== 'pending' ? ' task-order--done' : ''}`}>
      <View className="task-order__head">
        <Text className="row__title">{where}</Text>
        <Text className={`tag${order.handover === 'pending' ? ' tag--warning' : ''}`}>{order.locked ? '已锁定' : taskOrderHandoverLabels[order.handover]}</Text>
      </View>
      {order.careTagged ? <Text className="tag tag--warning task-order__care">关怀对象，请多留意</Text> : null}
      <Text className="row__meta">{order.items.map((i) => `${i.name} × ${i.qty}${i.unit}`).join('，')}</Text>
      <Text className="row__meta" onClick={mine && !phone ? () => void showPhone() : undefined}>
        电话：{phone ?? order.maskedPhone ?? '未登记'}{mine && !phone ? '（点此查看完整号码）' : ''}
      </Text>
      {order.handover === 'left_at_door' ? <Text className="row__meta">{order.confirmedAt ? '住户已确认收货' : '等待住户确认收货'}</Text> : null}
      {mine && order.handover === 'pending' && !order.locked ? (
        <View>
          <View className="field task-order__code">
            <Input className="field__input" type="number" maxlength={4} value={code} placeholder="输入住户的 4 位取件码" onInput={(e) => setCode(e.detail.value)} />
          </View>
          {order.failedAttempts > 0 ? <Text className="row__meta task-order__attempts">已输错 {order.failedAttempts} 次，还可尝试 {maxDeliveryCodeAttempts - order.failedAttempts} 次</Text> : null}
          <View className="button-row">
            <BigButton variant="secondary" busy={busy === 'door'} disabled={busy !== null} onClick={() => void atDoor()}>放门口</BigButton>
            <BigButton busy={busy === 'code'} disabled={busy !== null || code.length !== 4} onClick={() => void submitCode()}>确认交付</BigButton>
          </View>
        </View>
      ) : null}
      {order.locked ? <Text className="row__meta task-order__locked">取件码错误次数过多，已通知网格员核实</Text> : null}
      {order.locked && staff ? <BigButton variant="secondary" busy={busy === 'unlock'} onClick={() => void unlock()}>已与住户核实，解锁</BigButton> : null}
    </View>
  );
}

export default function TaskPage() {
  const { params } = useRouter<{ id: string }>();
  const taskId = params.id ?? '';
  const task = useRemote(() => getTask(taskId), [taskId]);
  const [busy, setBusy] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);
  const session = useSessionUser().me;
  const me = session?.user.id;
  const staffViewer = session ? isStaff(session.roles) : false;

  const changed = (updated: TaskDetail, text: string) => {
    task.update(() => updated);
    setMessage({ text: updated.status === 'completed' ? `${text}，任务已完成，谢谢！` : text, error: false });
  };
  const failed = (text: string) => {
    setMessage({ text, error: true });
    task.reload();
  };
  async function run(key: string, action: () => Promise<TaskDetail>, text: string) {
    setBusy(key);
    setMessage(null);
    try {
      changed(await action(), text);
    } catch (err) {
      failed(messageOf(err));
    } finally {
      setBusy(null);
    }
  }
  async function release(t: TaskDetail) {
    const answer = await Taro.showModal({ title: '放弃任务', content: '放弃后任务将回到大厅，由其他志愿者认领。确定放弃？' });
    if (answer.confirm) await run('release', async () => { await releaseTask(t.id); return getTask(t.id); }, '已放弃，任务已回到大厅');
  }

  return (
    <PageShell title="任务详情">
      {message ? <View className={`notice${message.error ? ' notice--error' : ''} task__message`}>{message.text}</View> : null}
      <AsyncState remote={task.remote} onRetry={task.reload}>
        {(t) => {
          const mine = t.status === 'claimed' && t.claimedBy === me;
          return (
            <View>
              <View className="card task__summary">
                <View className="task__head">
                  <Text className="row__title">{t.title}</Text>
                  <Text className="tag">{taskStatusLabels[t.status]}</Text>
                </View>
                <Text className="row__meta">{taskKindLabels[t.kind]} · {t.buildingName}{t.unit ? ` ${t.unit}单元 ${t.room}` : ''}</Text>
                {t.details ? <Text className="text-body">{t.details}</Text> : null}
                {t.kind === 'delivery' ? <Text className="row__meta">已交付 {t.handedOverCount}/{t.orderCount} 户</Text> : null}
                {t.kind !== 'delivery' && t.maskedPhone ? <Text className="row__meta">电话：{t.maskedPhone}</Text> : null}
                {mine && t.claimExpiresAt ? <Text className="row__meta">请于 {formatShanghaiDateTime(t.claimExpiresAt)} 前交付，否则任务将退回大厅</Text> : null}
                {t.status === 'claimed' && !mine ? <Text className="row__meta">已由 {t.claimedByName ?? '其他志愿者'} 认领</Text> : null}
                {t.status === 'open' && taskCan('open', 'claimed') ? (
                  <BigButton className="task__action" busy={busy === 'claim'} onClick={() => void run('claim', async () => { await claimTask(t.id); return getTask(t.id); }, '认领成功')}>认领</BigButton>
                ) : null}
                {mine && t.kind !== 'delivery' ? (
                  <View>
                    <View className="field">
                      <Input className="field__input" value={note} maxlength={300} placeholder="完成情况（选填），如 药已送到，老人状态良好" onInput={(e) => setNote(e.detail.value)} />
                    </View>
                    <BigButton className="task__action" busy={busy === 'complete'} onClick={() => void run('complete', () => completeTask(t.id, note.trim() || undefined), '已完成')}>标记完成</BigButton>
                  </View>
                ) : null}
                {mine && taskCan('claimed', 'open') ? (
                  <BigButton variant="secondary" className="task__action" busy={busy === 'release'} onClick={() => void release(t)}>放弃任务</BigButton>
                ) : null}
              </View>
              {t.orders.length > 0 ? <Text className="section-title">配送清单</Text> : null}
              {t.orders.map((o) => (
                <OrderRow key={o.orderId} task={t} order={o} mine={mine} staff={staffViewer} onChanged={changed} onError={failed} />
              ))}
            </View>
          );
        }}
      </AsyncState>
    </PageShell>
  );
}
