// 住户: the buildings in this staff member's scope; tap one for its households.
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { listBuildings } from '../../../services/community';
import { pagePaths } from '../../../services/navigation';
import './index.scss';

export default function ResidentsPage() {
  const buildings = useRemote(listBuildings, []);
  // Back from an import: household counts may have changed.
  useReturnVisit(buildings.reload);

  return (
    <PageShell title="住户" tab="residents">
      <BigButton variant="secondary" className="residents__import" onClick={() => Taro.navigateTo({ url: pagePaths.import })}>
        导入住户名册（CSV）
      </BigButton>
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
