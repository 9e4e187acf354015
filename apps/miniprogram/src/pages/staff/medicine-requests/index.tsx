// 代购药申请 (staff): the medicine requests of the buildings in the caller's grids, most urgent first, to accept
// (it becomes a medicine task volunteers claim on 任务) or decline with a reason the household sees.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import {
  DeclineMedicineRequestBody, formatShanghaiDateTime, medicineRequestStatusLabels, MedicineUrgency, medicineUrgencyLabels,
  type MedicineRequest, type MedicineRequestStatus,
} from '@linli/shared';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { listBuildings } from '../../../services/community';
import { acceptMedicineRequest, declineMedicineRequest, listBuildingMedicineRequests, viewMedicinePhoto } from '../../../services/medicine';
import './index.scss';

const filters: { status: MedicineRequestStatus | undefined; label: string }[] = [
  { status: 'pending', label: '待处理' },
  { status: 'accepted', label: medicineRequestStatusLabels.accepted },
  { status: undefined, label: '全部' },
];

/** normal 0 < urgent 1 < critical 2, the order of the shared enum. */
const urgencyRank = (r: MedicineRequest) => MedicineUrgency.options.indexOf(r.urgency);
const waiting = (r: MedicineRequest) => (r.status === 'pending' ? 1 : 0);

/** Undecided first; then critical, urgent, normal; oldest first within one urgency: who has waited longest. */
function byUrgency(a: MedicineRequest, b: MedicineRequest): number {
  return waiting(b) - waiting(a) || urgencyRank(b) - urgencyRank(a) || Date.parse(a.createdAt) - Date.parse(b.createdAt);
}

async function loadRequests(status: MedicineRequestStatus | undefined): Promise<MedicineRequest[]> {
  const buildings = await listBuildings();
  const lists = await Promise.all(buildings.items.map((b) => listBuildingMedicineRequests(b.id, status)));
  return lists.flatMap((l) => l.items).sort(byUrgency);
}

function RequestCard(props: {
  request: MedicineRequest;
  busy: boolean;
  onAccept: () => void;
  onDecline: (reason: string) => Promise<boolean>;
  onError: (message: string) => void;
}) {
  const { request: r, busy, onAccept, onDecline, onError } = props;
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');

  async function confirmDecline() {
    const body = DeclineMedicineRequestBody.safeParse({ reason });
    if (!body.success) {
      onError(body.error.issues[0]?.message ?? '请填写原因');
      return;
    }
    if (await onDecline(body.data.reason)) setDeclining(false);
  }

  return (
    <View className="card staff-medicine__request">
      <View className="staff-medicine__head">
        <Text className="row__title">{r.buildingName} {r.unit}单元 {r.room}</Text>
        <Text className={`tag${r.status === 'pending' ? ' tag--warning' : r.status === 'declined' || r.status === 'cancelled' ? ' tag--danger' : ''}`}>
          {medicineRequestStatusLabels[r.status]}
        </Text>
      </View>
      <Text className="text-body">{r.medicineName} · {r.amount}</Text>
      <Text className={`row__meta${r.urgency === 'critical' ? ' staff-medicine__critical' : ''}`}>
        {medicineUrgencyLabels[r.urgency]} · {formatShanghaiDateTime(r.createdAt)}
      </Text>
      {r.note ? <Text className="row__meta">备注：{r.note}</Text> : null}
      {r.hasPhoto ? (
        <Text className="staff-medicine__photo" onClick={() => viewMedicinePhoto(r.id).catch((err) => onError(messageOf(err)))}>查看照片 ›</Text>
      ) : null}
      {r.status === 'declined' && r.declineReason ? <Text className="row__meta">拒绝原因：{r.declineReason}</Text> : null}
      {r.status === 'pending' && !declining ? (
        <View className="button-row">
          <BigButton variant="secondary" disabled={busy} onClick={() => setDeclining(true)}>拒绝</BigButton>
          <BigButton busy={busy} onClick={onAccept}>接受</BigButton>
        </View>
      ) : null}
      {r.status === 'pending' && declining ? (
        <View>
          <View className="field">
            <Input className="field__input staff-medicine__reason" value={reason} maxlength={200} placeholder="拒绝原因（住户会看到），如 该药需本人到医院开具" onInput={(e) => setReason(e.detail.value)} />
          </View>
          <View className="button-row">
            <BigButton variant="secondary" disabled={busy} onClick={() => setDeclining(false)}>返回</BigButton>
            <BigButton variant="danger" busy={busy} onClick={() => void confirmDecline()}>确认拒绝</BigButton>
          </View>
        </View>
      ) : null}
    </View>
  );
}

export default function StaffMedicineRequestsPage() {
  const [status, setStatus] = useState<MedicineRequestStatus | undefined>('pending');
  const requests = useRemote(() => loadRequests(status), [status]);
  useReturnVisit(requests.reload);
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function run(r: MedicineRequest, action: () => Promise<MedicineRequest>, done: string): Promise<boolean> {
    setBusy(r.id);
    setMessage(null);
    try {
      await action();
      setMessage({ text: `${r.unit}单元 ${r.room} ${r.medicineName}：${done}`, error: false });
      requests.reload();
      return true;
    } catch (err) {
      setMessage({ text: messageOf(err), error: true });
      requests.reload();
      return false;
    } finally {
      setBusy(null);
    }
  }

  async function accept(r: MedicineRequest) {
    const answer = await Taro.showModal({ title: '接受代购', content: `接受 ${r.buildingName}${r.unit}单元${r.room} 的“${r.medicineName}”？接受后将安排志愿者代购。` });
    if (answer.confirm) await run(r, () => acceptMedicineRequest(r.id), '已接受');
  }

  return (
    <PageShell title="代购药申请">
      <View className="staff-medicine__filters">
        {filters.map((f) => (
          <Text key={f.label} className={`staff-medicine__filter${status === f.status ? ' staff-medicine__filter--on' : ''}`} onClick={() => setStatus(f.status)}>
            {f.label}
          </Text>
        ))}
      </View>
      {message ? <View className={`notice${message.error ? ' notice--error' : ''} staff-medicine__message`}>{message.text}</View> : null}
      <AsyncState remote={requests.remote} onRetry={requests.reload} isEmpty={(d) => d.length === 0} emptyText="没有这类代购药申请">
        {(d) =>
          d.map((r) => (
            <RequestCard
              key={r.id}
              request={r}
              busy={busy === r.id}
              onAccept={() => void accept(r)}
              onDecline={(reason) => run(r, () => declineMedicineRequest(r.id, reason), '已拒绝')}
              onError={(text) => setMessage({ text, error: true })}
            />
          ))
        }
      </AsyncState>
    </PageShell>
  );
}
