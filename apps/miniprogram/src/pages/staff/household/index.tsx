// One household and its members; the server masks phones the caller may not see.
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { careTagLabels, relationLabels, type Person } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { PageShell } from '../../../components/PageShell';
import { getHousehold } from '../../../services/community';
import { householdLabel } from '../../../services/labels';
import './index.scss';

function PersonCard({ person }: { person: Person }) {
  const facts = [relationLabels[person.relation]];
  if (person.birthYear) facts.push(`${person.birthYear} 年生`);
  const showRenterTag = person.isRenter && person.relation !== 'renter';
  return (
    <View className="card household__person">
      <View className="household__person-head">
        <Text className="household__person-name">{person.name}</Text>
        <Text className="text-secondary">{facts.join(' · ')}</Text>
      </View>
      <Text className="text-secondary">电话：{person.phone ?? '未登记'}</Text>
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
            {h.persons.map((p) => (
              <PersonCard key={p.id} person={p} />
            ))}
          </View>
        )}
      </AsyncState>
    </PageShell>
  );
}
