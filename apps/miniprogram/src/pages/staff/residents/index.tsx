// 住户: the buildings in this staff member's scope; tap one for its households.
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { PageShell } from '../../../components/PageShell';
import { listBuildings } from '../../../services/community';
import { pagePaths } from '../../../services/navigation';

export default function ResidentsPage() {
  const buildings = useRemote(listBuildings, []);

  return (
    <PageShell title="住户" tab="residents">
      <AsyncState
        remote={buildings.remote}
        onRetry={buildings.reload}
        isEmpty={(d) => d.items.length === 0}
        emptyText="您负责的范围内还没有楼栋"
      >
        {(d) =>
          d.items.map((b) => (
            <View
              key={b.id}
              className="row"
              onClick={() =>
                Taro.navigateTo({ url: `${pagePaths.building}?id=${b.id}&name=${encodeURIComponent(b.name)}` })
              }
            >
              <View className="row__main">
                <Text className="row__title">{b.name}</Text>
                <Text className="row__meta">
                  {b.gridName} · {b.householdCount} 户
                </Text>
              </View>
              <Text className="row__arrow">›</Text>
            </View>
          ))
        }
      </AsyncState>
    </PageShell>
  );
}
