// 我的: the account, its roles and households, binding and log-out.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { householdLabel, isStaff, maskPhone, type MeResponse, roleLabels } from '@linli/shared';
import { BigButton } from '../../../components/BigButton';
import { AsyncState, useRemote, useReturnVisit } from '../../../components/AsyncState';
import { PageShell } from '../../../components/PageShell';
import { logout } from '../../../services/auth';
import { pagePaths } from '../../../services/navigation';
import { loadMe } from '../../../stores/session';
import './index.scss';

function rolesText(me: MeResponse): string {
  const labels = [...new Set(me.roles.map((r) => roleLabels[r.role]))];
  return labels.length > 0 ? labels.join('、') : '尚未分配角色';
}

export default function MePage() {
  const { remote, reload } = useRemote(() => loadMe({ fresh: true }), []);
  const [leaving, setLeaving] = useState(false);
  // Coming back from the binding page: households may have changed.
  useReturnVisit(reload);

  async function onLogout() {
    setLeaving(true);
    await logout();
    setLeaving(false);
  }

  return (
    <PageShell title="我的" tab="me">
      <AsyncState remote={remote} onRetry={reload}>
        {(me) => (
          <View>
            <View className="card me__account">
              <Text className="me__name">{me.user.displayName}</Text>
              <Text className="text-secondary">{maskPhone(me.user.phone) ?? '未绑定手机号'}</Text>
              <View className="me__roles">
                <Text className="text-small">身份：</Text>
                <Text className="text-body">{rolesText(me)}</Text>
              </View>
            </View>

            {isStaff(me.roles) && me.households.length === 0 ? null : (
              <View>
                <Text className="section-title">我的住户</Text>
                {me.households.length > 0 ? (
                  me.households.map((h) => (
                    <View key={h.id} className="row">
                      <View className="row__main">
                        <Text className="row__title">{householdLabel(h)}</Text>
                      </View>
                    </View>
                  ))
                ) : (
                  <View className="card">
                    <Text className="text-secondary">还没有绑定住户，绑定后才能团购、打卡和进入楼栋群。</Text>
                  </View>
                )}
              </View>
            )}

            {me.households.length > 0 ? (
              <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.orders })}>
                我的订单
              </BigButton>
            ) : null}
            {me.households.length > 0 ? (
              <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.medicine })}>
                代购药
              </BigButton>
            ) : null}
            {isStaff(me.roles) ? (
              <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.supplies })}>
                团购与订单
              </BigButton>
            ) : null}
            {isStaff(me.roles) ? (
              <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.staffMedicineRequests })}>
                代购药申请
              </BigButton>
            ) : null}

            {!isStaff(me.roles) ? (
              <BigButton
                variant={me.households.length > 0 ? 'secondary' : 'primary'}
                className="me__bind"
                onClick={() => Taro.navigateTo({ url: pagePaths.bind })}
              >
                {me.households.length > 0 ? '绑定其他住户' : '绑定住户'}
              </BigButton>
            ) : null}

            {me.roles.some((r) => r.role === 'volunteer') ? (
              <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.volunteerCallUps })}>
                志愿者召集
              </BigButton>
            ) : me.households.length > 0 && !isStaff(me.roles) ? (
              <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.volunteerApply })}>
                申请当志愿者
              </BigButton>
            ) : null}
            <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.thanks })}>
              感谢榜
            </BigButton>
            {me.households.length > 0 ? (
              <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.pass })}>
                出入证
              </BigButton>
            ) : null}
            {me.roles.some((r) => r.role !== 'resident') ? (
              <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.gate })}>
                门岗
              </BigButton>
            ) : null}
            {isStaff(me.roles) ? (
              <View>
                <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.staffPasses })}>
                  出入管理
                </BigButton>
                <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.reserves })}>
                  物资储备
                </BigButton>
              </View>
            ) : null}

            {me.roles.some((r) => r.role === 'admin') ? (
              <View>
                <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.grids })}>
                  网格与网格员
                </BigButton>
                <BigButton variant="secondary" className="me__action" onClick={() => Taro.navigateTo({ url: pagePaths.audit })}>
                  审计日志
                </BigButton>
              </View>
            ) : null}

            <BigButton variant="danger" className="me__logout" busy={leaving} onClick={onLogout}>
              退出登录
            </BigButton>
          </View>
        )}
      </AsyncState>
    </PageShell>
  );
}
