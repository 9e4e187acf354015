// 团购与订单 (staff): the community's group buys with publish / close / edit, and buildings to pack orders for.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatShanghaiDateTime, groupBuyStateLabels, type GroupBuy } from '@linli/shared';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { PageShell } from '../../../components/PageShell';
import { messageOf } from '../../../services/api';
import { listBuildings } from '../../../services/community';
import { pagePaths } from '../../../services/navigation';
import { closeGroupBuy, listGroupBuys, publishGroupBuy } from '../../../services/supplies';

export default function StaffSuppliesPage() {
  const data = useRemote(async () => {
    const [groupBuys, buildings] = await Promise.all([listGroupBuys(), listBuildings()]);
    return { groupBuys: groupBuys.items, buildings: buildings.items };
  }, []);
  useReturnVisit(data.reload);
  const [error, setError] = useState<string | null>(null);

  async function act(action: (id: string) => Promise<GroupBuy>, g: GroupBuy, question: string) {
    const answer = await Taro.showModal({ title: g.title, content: question });
    if (!answer.confirm) return;
    setError(null);
    try {
      await action(g.id);
      data.reload();
    } catch (err) {
      setError(messageOf(err));
    }
  }

  return (
    <PageShell title="团购与订单">
      <BigButton onClick={() => Taro.navigateTo({ url: pagePaths.groupBuyEdit })}>新建团购</BigButton>
      {error ? <View className="notice notice--error">{error}</View> : null}
      <AsyncState remote={data.remote} onRetry={data.reload}>
        {(d) => (
          <View>
            <Text className="section-title">团购</Text>
            {d.groupBuys.length === 0 ? <View className="card"><Text className="text-secondary">还没有团购</Text></View> : null}
            {d.groupBuys.map((g) => (
              <View key={g.id} className="card staff-group-buy">
                <View className="row__main">
                  <Text className="row__title">{g.title}</Text>
                  <Text className="row__meta">
                    {formatShanghaiDateTime(g.opensAt)} 开团 · {formatShanghaiDateTime(g.closesAt)} 截止
                  </Text>
                  <Text className="row__meta">
                    {g.items.map((i) => `${i.name} 剩${i.remaining}/${i.stock}`).join('；')}
                  </Text>
                  <View>
                    <Text className={`tag${g.state === 'closed' || g.state === 'draft' ? ' tag--warning' : ''}`}>{groupBuyStateLabels[g.state]}</Text>
                  </View>
                </View>
                <View className="button-row">
                  <BigButton variant="secondary" onClick={() => Taro.navigateTo({ url: `${pagePaths.groupBuyEdit}?id=${g.id}` })}>编辑</BigButton>
                  {g.state === 'draft' ? (
                    <BigButton onClick={() => act(publishGroupBuy, g, '发布后居民即可看到，到开团时间可下单。确定发布？')}>发布</BigButton>
                  ) : g.state !== 'closed' ? (
                    <BigButton variant="danger" onClick={() => act(closeGroupBuy, g, '提前结束后居民不能再下单，已下的订单保留。确定结束？')}>提前结束</BigButton>
                  ) : null}
                </View>
              </View>
            ))}
            <Text className="section-title">按楼栋分拣</Text>
            {d.buildings.map((b) => (
              <View
                key={b.id}
                className="row"
                onClick={() => Taro.navigateTo({ url: `${pagePaths.buildingOrders}?buildingId=${b.id}&name=${encodeURIComponent(b.name)}` })}
              >
                <View className="row__main">
                  <Text className="row__title">{b.name}</Text>
                  <Text className="row__meta">{b.gridName}</Text>
                </View>
                <Text className="row__arrow">›</Text>
              </View>
            ))}
          </View>
        )}
      </AsyncState>
    </PageShell>
  );
}
