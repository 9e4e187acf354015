// 代购药: a household asks the grid workers to buy a medicine (name, amount, urgency, an optional photo of the
// prescription or box), and follows its requests: status, the reason of a decline, 撤回 while still possible.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Image, Input, Text, Textarea, View } from '@tarojs/components';
import {
  CreateMedicineRequestBody, formatShanghaiDateTime, householdLabel, medicineRequestStatusLabels, MedicineUrgency, medicineUrgencyLabels,
  type MedicineRequest,
} from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { Choices } from '../../../components/Choices';
import { HouseholdSwitcher } from '../../../components/HouseholdSwitcher';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import {
  cancelMedicineRequest, createMedicineRequest, listMyMedicineRequests, medicineRequestCancellable, pickMedicinePhoto, uploadMedicinePhoto,
  type PickedPhoto,
} from '../../../services/medicine';
import { useChosenHousehold } from '../../../stores/household';
import { loadMe } from '../../../stores/session';
import './index.scss';

function statusTagClass(r: MedicineRequest): string {
  if (r.status === 'pending') return 'tag tag--warning';
  if (r.status === 'declined' || r.status === 'cancelled') return 'tag tag--danger';
  return 'tag';
}

function RequestCard(props: { request: MedicineRequest; busy: boolean; onCancel: () => void; onAddPhoto: () => void }) {
  const { request: r, busy, onCancel, onAddPhoto } = props;
  return (
    <View className="card medicine__request">
      <View className="medicine__head">
        <Text className="row__title">{r.medicineName} · {r.amount}</Text>
        <Text className={statusTagClass(r)}>{medicineRequestStatusLabels[r.status]}</Text>
      </View>
      <Text className="row__meta">
        {medicineUrgencyLabels[r.urgency]} · {formatShanghaiDateTime(r.createdAt)}{r.hasPhoto ? ' · 已附照片' : ''}
      </Text>
      {r.note ? <Text className="row__meta">备注：{r.note}</Text> : null}
      {r.status === 'declined' && r.declineReason ? <Text className="text-body medicine__reason">原因：{r.declineReason}</Text> : null}
      {r.status === 'accepted' ? <Text className="text-small">网格员已受理，将安排志愿者代购送达。</Text> : null}
      {medicineRequestCancellable(r.status) ? (
        <View className="button-row">
          {r.status === 'pending' && !r.hasPhoto ? <BigButton variant="secondary" disabled={busy} onClick={onAddPhoto}>补传照片</BigButton> : null}
          <BigButton variant="danger" busy={busy} onClick={onCancel}>撤回</BigButton>
        </View>
      ) : null}
    </View>
  );
}

export default function MedicinePage() {
  const me = useRemote(() => loadMe(), []);
  const household = useChosenHousehold(me.remote.status === 'ready' ? me.remote.data : null);
  const mine = useRemote(() => listMyMedicineRequests(), []);
  const [medicineName, setMedicineName] = useState('');
  const [amount, setAmount] = useState('');
  const [urgency, setUrgency] = useState<MedicineUrgency>('normal');
  const [note, setNote] = useState('');
  const [photo, setPhoto] = useState<PickedPhoto | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function choosePhoto() {
    setError(null);
    try {
      const picked = await pickMedicinePhoto();
      if (picked) setPhoto(picked);
    } catch (err) {
      setError(messageOf(err));
    }
  }

  async function submit(householdId: string) {
    setError(null);
    const body = CreateMedicineRequestBody.safeParse({ householdId, medicineName, amount, urgency, note: note.trim() || undefined });
    if (!body.success) {
      setError(body.error.issues[0]?.message ?? '请检查填写内容');
      return;
    }
    setBusy('submit');
    try {
      const created = await createMedicineRequest(body.data);
      setMedicineName('');
      setAmount('');
      setNote('');
      setUrgency('normal');
      if (photo) {
        try {
          await uploadMedicinePhoto(created.id, photo);
        } catch (err) {
          setError(`申请已提交，但照片没有传上去：${messageOf(err)}。可在下方点“补传照片”。`);
        }
      }
      setPhoto(null);
      mine.reload();
      void Taro.showToast({ title: '已提交给网格员', icon: 'success' });
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  }

  async function cancel(r: MedicineRequest) {
    const answer = await Taro.showModal({ title: '撤回申请', content: `撤回“${r.medicineName}”的代购申请？` });
    if (!answer.confirm) return;
    setBusy(r.id);
    setError(null);
    try {
      await cancelMedicineRequest(r.id);
      mine.reload();
    } catch (err) {
      setError(messageOf(err));
      mine.reload();
    } finally {
      setBusy(null);
    }
  }

  async function addPhoto(r: MedicineRequest) {
    setError(null);
    try {
      const picked = await pickMedicinePhoto();
      if (!picked) return;
      setBusy(r.id);
      await uploadMedicinePhoto(r.id, picked);
      mine.reload();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(null);
    }
  }

  return (
    <PageShell title="代购药">
      <AsyncState remote={me.remote} onRetry={me.reload} isEmpty={(m) => m.households.length === 0} emptyText="绑定住户后可申请代购药">
        {(m) => (
          <View className="card medicine__form">
            <Text className="card__title">为 {householdLabel(household ?? m.households[0]!)} 代购</Text>
            <HouseholdSwitcher households={m.households} chosenId={household?.id} action="代购" />
            <View className="field">
              <Input className="field__input medicine__name" value={medicineName} maxlength={60} placeholder="药品名称，如 硝苯地平缓释片" onInput={(e) => setMedicineName(e.detail.value)} />
            </View>
            <View className="field">
              <Input className="field__input medicine__amount" value={amount} maxlength={40} placeholder="数量，如 2盒" onInput={(e) => setAmount(e.detail.value)} />
            </View>
            <Text className="text-small">紧急程度</Text>
            <Choices options={MedicineUrgency.options} labels={medicineUrgencyLabels} selected={[urgency]} danger={['critical']} onToggle={setUrgency} />
            <Textarea className="medicine__note" value={note} maxlength={300} placeholder="备注（可选），如 常用药店、规格" onInput={(e) => setNote(e.detail.value)} />
            <View className="medicine__photo">
              {photo ? <Image className="medicine__preview" src={photo.previewUrl} mode="aspectFill" /> : null}
              <BigButton variant="secondary" onClick={choosePhoto}>{photo ? '换一张照片' : '拍处方或药盒（可选）'}</BigButton>
            </View>
            {error ? <Text className="notice notice--error">{error}</Text> : null}
            <BigButton busy={busy === 'submit'} onClick={() => submit((household ?? m.households[0]!).id)}>提交代购申请</BigButton>
          </View>
        )}
      </AsyncState>
      <Text className="section-title">我的代购药</Text>
      <AsyncState remote={mine.remote} onRetry={mine.reload} isEmpty={(d) => d.items.length === 0} emptyText="还没有代购药申请">
        {(d) =>
          d.items.map((r) => (
            <RequestCard key={r.id} request={r} busy={busy === r.id} onCancel={() => void cancel(r)} onAddPhoto={() => void addPhoto(r)} />
          ))
        }
      </AsyncState>
    </PageShell>
  );
}
