// One household and its members; the server masks phones the caller may not see.
import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { careTagLabels, householdLabel, type Person, relationLabels } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { getHousehold, revealPersonPhone } from '../../../services/community';
import './index.scss';

/** Staff see a masked number; the full one is fetched (and audit-logged) only when they choose to call. */
function CallButton({ person, fullPhone, onRevealed }: { person: Person; fullPhone: string | null; onRevealed: (phone: string) => void }) {
  const [busy, setBusy] = useState(false);

  async function call() {
    setBusy(true);
    try {
      const phone = fullPhone ?? (await revealPersonPhone(person.id)).phone;
      if (!phone) {
        void Taro.showModal({ title: '没有号码', content: '这位成员的电话已被删除，请刷新页面。', showCancel: false });
        return;
      }
      onRevealed(phone);
      await Taro.makePhoneCall({ phoneNumber: phone }).catch(() => undefined); // cancelled, or no dialer in a desktop browser
    } catch (err) {
      void Taro.showModal({ title: '无法查看号码', content: messageOf(err), showCancel: false });
    } finally {
      setBusy(false);
    }
  }

  return (
    <BigButton variant="secondary" busy={busy} onClick={call}>
      {fullPhone ? '再次拨打' : '查看号码并拨打'}
    </BigButton>
  );
}

function PersonCard({ person }: { person: Person }) {
  const [fullPhone, setFullPhone] = useState<string | null>(null);
  const facts = [relationLabels[person.relation]];
  if (person.birthYear) facts.push(`${person.birthYear} 年生`);
  const showRenterTag = person.isRenter && person.relation !== 'renter';
  return (
    <View className="card household__person">
      <View className="household__person-head">
        <Text className="household__person-name">{person.name}</Text>
        <Text className="text-secondary">{facts.join(' · ')}</Text>
      </View>
      {fullPhone ? (
        <Text className="household__full-phone">电话：{fullPhone}</Text>
      ) : (
        <Text className="text-secondary">电话：{person.phone ?? '未登记'}</Text>
      )}
      {person.phoneMasked ? <CallButton person={person} fullPhone={fullPhone} onRevealed={setFullPhone} /> : null}
      {showRenterTag || person.careTags.length > 0 ? (
        <View>
          {showRenterTag ? <Text className="tag">租户</Text> : null}
          {person.careTags.map((t) => (
            <Text key={t} className="tag tag--warning">
              {careTagLabels[t]}
            </Text>
          ))}
        </View>
      ) : null}
    </View>
  );
}

export default function HouseholdPage() {
  const { params } = useRouter<{ id: string }>();
  const householdId = params.id ?? '';
  const household = useRemote(() => getHousehold(householdId), [householdId]);
  const title = household.remote.status === 'ready' ? householdLabel(household.remote.data) : '住户详情';

  return (
    <PageShell title={title}>
      <AsyncState
        remote={household.remote}
        onRetry={household.reload}
        isEmpty={(h) => h.persons.length === 0}
        emptyText="这户还没有登记成员"
      >
        {(h) => (
          <View>
            <Text className="section-title">成员 {h.persons.length} 人</Text>
            {h.persons.some((p) => p.phoneMasked) ? (
              <Text className="text-secondary household__privacy">号码已隐藏；查看完整号码会记入审计日志。</Text>
            ) : null}
            {h.persons.map((p) => (
              <PersonCard key={p.id} person={p} />
            ))}
          </View>
        )}
      </AsyncState>
    </PageShell>
  );
}
