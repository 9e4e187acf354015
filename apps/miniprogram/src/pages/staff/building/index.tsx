// One building's households, grouped by unit; tap one for its members.
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { HouseholdSummary } from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { PageShell } from '../../../components/PageShell';
import { listBuildingHouseholds } from '../../../services/community';
import { pagePaths } from '../../../services/navigation';
import './index.scss';

function byUnit(households: HouseholdSummary[]): [string, HouseholdSummary[]][] {
  const units = new Map<string, HouseholdSummary[]>();
  for (const h of households) {
    const list = units.get(h.unit) ?? [];
    list.push(h);
    units.set(h.unit, list);
  }
  return [...units.entries()];
}

export default function BuildingPage() {
  const { params } = useRouter<{ id: string; name?: string }>();
  const buildingId = params.id ?? '';
  const households = useRemote(() => listBuildingHouseholds(buildingId), [buildingId]);
  const title = params.name ? decodeURIComponent(params.name) : '楼栋住户';

  return (
    <PageShell title={title}>
      <AsyncState
        remote={households.remote}
        onRetry={households.reload}
        isEmpty={(d) => d.items.length === 0}
        emptyText="这栋楼还没有登记住户"
      >
        {(d) =>
          byUnit(d.items).map(([unit, list]) => (
            <View key={unit}>
              <Text className="section-title">{unit}单元</Text>
              <View className="building__rooms">
                {list.map((h) => (
                  <View
                    key={h.id}
                    className="building__room"
                    onClick={() => Taro.navigateTo({ url: `${pagePaths.household}?id=${h.id}` })}
                  >
                    <Text className="building__room-number">{h.room}</Text>
                    <Text className="building__room-count">{h.personCount} 人</Text>
                  </View>
                ))}
              </View>
            </View>
          ))
        }
      </AsyncState>
    </PageShell>
  );
}
