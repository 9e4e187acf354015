// The health parts of 工作台: today's completion chart, alerts, missed check-ins with a call button, 求助,
// 核酸 rounds and the care roster. Each section loads on its own, so one failure never blanks the page.
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import {
  alertReasonLabels, careTagLabels, completionPercent, followUpStatusLabels, formatShanghaiDateTime, formatWaitSeconds, helpKindLabels,
  helpUrgencyLabels, testingSlotStatusLabels, type Alert, type Dashboard, type HelpRequest, type MissedCheckins, type TestingRound,
} from '@linli/shared';
import { AsyncState, useRemote } from '../../../components/AsyncState';
import { BigButton } from '../../../components/BigButton';
import { messageOf } from '../../../services/api';
import {
  careRoster, downloadCheckinExport, fetchDashboard, listAlerts, listHelpRequests, listTestingRounds, markTestingBuildingDone, missedCheckins,
  moveAlert, moveHelpRequest, recordCareVisit,
} from '../../../services/checkins';
import { revealPersonPhone } from '../../../services/community';

const failed = (err: unknown) => void Taro.showModal({ title: '操作失败', content: messageOf(err), showCancel: false });

function CompletionChart({ dashboard }: { dashboard: Dashboard }) {
  const maxTrend = Math.max(1, ...dashboard.trend.map((d) => d.persons));
  return (
    <View className="card">
      <Text className="card__title">今日打卡完成率 · {dashboard.day}</Text>
      {dashboard.completion.map((b) => {
        const percent = completionPercent(b.checkedIn, b.persons);
        return (
          <View key={b.buildingId} className="bars__row">
            <Text className="bars__label">{b.buildingName}</Text>
            <View className="bars__track">
              <View className={`bars__fill${percent < 60 ? ' bars__fill--low' : ''}`} style={{ width: `${percent}%` }} />
            </View>
            <Text className="bars__value">{percent}% · {b.checkedIn}/{b.persons}</Text>
          </View>
        );
      })}
      <Text className="text-small">近 7 天</Text>
      <View className="trend">
        {dashboard.trend.map((d) => (
          <View key={d.day} className="trend__day">
            <View className="trend__column">
              <View className="trend__fill" style={{ height: `${Math.round((d.checkedIn * 100) / maxTrend)}%` }} />
            </View>
            <Text className="trend__label">{d.day.slice(5)}</Text>
          </View>
        ))}
      </View>
      <View className="counters">
        <View className="counters__item"><Text className="counters__number counters__number--danger">{dashboard.openAlerts}</Text><Text className="text-small">未处理预警</Text></View>
        <View className="counters__item"><Text className="counters__number">{dashboard.openHelpRequests}</Text><Text className="text-small">待办求助</Text></View>
        <View className="counters__item"><Text className="counters__number">{dashboard.careRosterCount}</Text><Text className="text-small">关怀对象</Text></View>
      </View>
      <View className="counters">
        <View className="counters__item"><Text className="counters__number">{dashboard.ordersByStatus.placed}</Text><Text className="text-small">待分拣订单</Text></View>
        <View className="counters__item"><Text className="counters__number">{dashboard.ordersByStatus.packed}</Text><Text className="text-small">待配送订单</Text></View>
        <View className="counters__item"><Text className="counters__number">{dashboard.ordersByStatus.out_for_delivery}</Text><Text className="text-small">配送中</Text></View>
      </View>
      <View className="counters">
        <View className="counters__item"><Text className="counters__number">{dashboard.tasksByStatus.open}</Text><Text className="text-small">待认领任务</Text></View>
        <View className="counters__item"><Text className="counters__number">{dashboard.tasksByStatus.claimed}</Text><Text className="text-small">进行中任务</Text></View>
        <View className="counters__item"><Text className="counters__number">{dashboard.tasksByStatus.completed}</Text><Text className="text-small">已完成任务</Text></View>
      </View>
      <ExportButton day={dashboard.day} />
    </View>
  );
}

function ExportButton({ day }: { day: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <BigButton
      variant="secondary"
      busy={busy}
      onClick={() => {
        setBusy(true);
        downloadCheckinExport(day).catch(failed).finally(() => setBusy(false));
      }}
    >
      导出今日打卡日报（Excel 可打开）
    </BigButton>
  );
}

/** `version` changes when an alert or 求助 moves below, so the counters follow. */
export function DashboardSection({ version }: { version: number }) {
  const dashboard = useRemote(() => fetchDashboard(), [version]);
  return (
    <AsyncState remote={dashboard.remote} onRetry={dashboard.reload}>
      {(d) => <CompletionChart dashboard={d} />}
    </AsyncState>
  );
}

function FollowUpButtons({ status, onMove }: { status: Alert['status']; onMove: (verb: 'acknowledge' | 'resolve') => Promise<void> }) {
  const [busy, setBusy] = useState<'acknowledge' | 'resolve' | null>(null);
  const move = (verb: 'acknowledge' | 'resolve') => {
    setBusy(verb);
    onMove(verb).catch(failed).finally(() => setBusy(null));
  };
  return (
    <View className="button-row">
      {status === 'open' ? <BigButton variant="secondary" busy={busy === 'acknowledge'} disabled={busy !== null} onClick={() => move('acknowledge')}>接单跟进</BigButton> : null}
      <BigButton busy={busy === 'resolve'} disabled={busy !== null} onClick={() => move('resolve')}>标记已解决</BigButton>
    </View>
  );
}

export function AlertsSection({ onChanged }: { onChanged: () => void }) {
  const alerts = useRemote(async () => (await listAlerts()).items.filter((a) => a.status !== 'resolved'), []);
  const move = async (alert: Alert, verb: 'acknowledge' | 'resolve') => {
    const moved = await moveAlert(alert.id, verb);
    alerts.update((items) => (moved.status === 'resolved' ? items.filter((a) => a.id !== alert.id) : items.map((a) => (a.id === alert.id ? moved : a))));
    onChanged();
    void Taro.showToast({ title: moved.status === 'resolved' ? '已解决' : '已接单', icon: 'success' });
  };
  return (
    <>
      <Text className="section-title">健康预警</Text>
      <AsyncState remote={alerts.remote} onRetry={alerts.reload} isEmpty={(d) => d.length === 0} emptyText="没有待处理的健康预警">
        {(items) => items.map((a) => (
          <View key={a.id} className="card workbench__alert">
            <View className="workbench__head">
              <Text className="row__title">{a.buildingName} {a.unit}单元 {a.room} · {a.personName ?? '—'}</Text>
              <Text className={`tag ${a.status === 'open' ? 'tag--danger' : 'tag--warning'}`}>{followUpStatusLabels[a.status]}</Text>
            </View>
            <Text className="workbench__reasons">
              {a.temperatureC !== null ? `${a.temperatureC.toFixed(1)}°C · ` : ''}{a.reasons.map((r) => alertReasonLabels[r]).join('、')}
            </Text>
            <Text className="row__meta">{formatShanghaiDateTime(a.createdAt)}</Text>
            <FollowUpButtons status={a.status} onMove={(verb) => move(a, verb)} />
          </View>
        ))}
      </AsyncState>
    </>
  );
}

function CallButton({ personId, label }: { personId: string; label: string }) {
  const [busy, setBusy] = useState(false);
  async function call() {
    setBusy(true);
    try {
      const { phone } = await revealPersonPhone(personId);
      if (phone) await Taro.makePhoneCall({ phoneNumber: phone }).catch(() => undefined);
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  }
  return <BigButton variant="secondary" busy={busy} className="workbench__call" onClick={call}>拨打 {label}</BigButton>;
}

export function MissedSection() {
  const missed = useRemote(() => missedCheckins(), []);
  const empty = (d: MissedCheckins) => d.buildings.length === 0;
  return (
    <>
      <Text className="section-title">未打卡</Text>
      <AsyncState
        remote={missed.remote}
        onRetry={missed.reload}
        isEmpty={empty}
        emptyText={missed.remote.status === 'ready' && !missed.remote.data.pastCutoff ? `打卡截止时间 ${missed.remote.data.cutoff} 后显示未打卡名单` : '今日全部已打卡'}
      >
        {(d) => d.buildings.map((b) => (
          <View key={b.buildingId} className="card">
            <Text className="card__title">{b.buildingName} · {b.households.length} 户未完成</Text>
            {b.households.slice(0, 8).map((h) => (
              <View key={h.householdId} className="workbench__missed">
                <View className="row__main">
                  <Text className="row__title">{h.unit}单元 {h.room}</Text>
                  <Text className="row__meta">未打卡：{h.missing.map((m) => m.name).join('、')}</Text>
                </View>
                {h.contact ? <CallButton personId={h.contact.personId} label={h.contact.phoneMasked} /> : <Text className="text-small">无联系电话</Text>}
              </View>
            ))}
            {b.households.length > 8 ? <Text className="text-small">还有 {b.households.length - 8} 户，可导出日报查看</Text> : null}
          </View>
        ))}
      </AsyncState>
    </>
  );
}

export function HelpSection({ onChanged }: { onChanged: () => void }) {
  const help = useRemote(async () => (await listHelpRequests()).items.filter((h) => h.status !== 'resolved'), []);
  const move = async (request: HelpRequest, verb: 'acknowledge' | 'resolve') => {
    const moved = await moveHelpRequest(request.id, verb);
    help.update((items) => (moved.status === 'resolved' ? items.filter((h) => h.id !== request.id) : items.map((h) => (h.id === request.id ? moved : h))));
    onChanged();
  };
  return (
    <>
      <Text className="section-title">求助</Text>
      <AsyncState remote={help.remote} onRetry={help.reload} isEmpty={(d) => d.length === 0} emptyText="没有待处理的求助">
        {(items) => items.map((h) => (
          <View key={h.id} className="card workbench__help">
            <View className="workbench__head">
              <Text className="row__title">{helpKindLabels[h.kind]} · {h.buildingName} {h.unit}单元 {h.room}</Text>
              <Text className={`tag ${h.urgency === 'normal' ? '' : 'tag--danger'}`}>{helpUrgencyLabels[h.urgency]}</Text>
            </View>
            <Text className="row__meta">{h.details}</Text>
            <Text className="row__meta">
              {formatShanghaiDateTime(h.createdAt)} · {followUpStatusLabels[h.status]}
              {h.secondsToAcknowledge !== null ? ` · ${formatWaitSeconds(h.secondsToAcknowledge)}后接单` : ''}
            </Text>
            <FollowUpButtons status={h.status} onMove={(verb) => move(h, verb)} />
          </View>
        ))}
      </AsyncState>
    </>
  );
}

function RoundCard({ round, onDone }: { round: TestingRound; onDone: (r: TestingRound) => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  return (
    <View className="card">
      <Text className="card__title">{round.title} · {round.day} · 完成 {round.buildingsDone}/{round.buildingsTotal} 栋</Text>
      {round.slots.map((s) => (
        <View key={s.buildingId} className="workbench__slot">
          <View className="row__main">
            <Text className="row__title">{s.buildingName}（{s.householdCount} 户）</Text>
            <Text className="row__meta">{formatShanghaiDateTime(s.startsAt).slice(11)}–{formatShanghaiDateTime(s.endsAt).slice(11)} · {testingSlotStatusLabels[s.status]}</Text>
          </View>
          {s.status === 'scheduled' ? (
            <BigButton
              variant="secondary"
              className="workbench__slot-done"
              busy={busy === s.buildingId}
              disabled={busy !== null}
              onClick={() => {
                setBusy(s.buildingId);
                markTestingBuildingDone(round.id, s.buildingId).then(onDone, failed).finally(() => setBusy(null));
              }}
            >
              标记完成
            </BigButton>
          ) : <Text className="tag">已完成</Text>}
        </View>
      ))}
    </View>
  );
}

export function TestingSection() {
  const rounds = useRemote(async () => (await listTestingRounds()).items.slice(0, 3), []);
  return (
    <>
      <Text className="section-title">核酸检测</Text>
      <AsyncState remote={rounds.remote} onRetry={rounds.reload} isEmpty={(d) => d.length === 0} emptyText="暂无核酸安排">
        {(items) => items.map((r) => <RoundCard key={r.id} round={r} onDone={(updated) => rounds.update((all) => all.map((x) => (x.id === updated.id ? updated : x)))} />)}
      </AsyncState>
    </>
  );
}

export function CareSection() {
  const roster = useRemote(() => careRoster(), []);
  const [visiting, setVisiting] = useState<string | null>(null);
  return (
    <>
      <Text className="section-title">关怀名单</Text>
      <AsyncState remote={roster.remote} onRetry={roster.reload} isEmpty={(d) => d.items.length === 0} emptyText="网格内没有关怀对象">
        {(d) => d.items.slice(0, 20).map((p) => (
          <View key={p.personId} className="card workbench__care">
            <View className="workbench__head">
              <Text className="row__title">{p.name} · {p.buildingName} {p.unit}单元 {p.room}</Text>
              {p.openHelpRequests > 0 ? <Text className="tag tag--danger">求助 {p.openHelpRequests}</Text> : null}
            </View>
            <View>{p.careTags.map((t) => <Text key={t} className="tag tag--warning">{careTagLabels[t]}</Text>)}</View>
            <Text className="row__meta">
              最近打卡：{p.lastCheckin ? `${p.lastCheckin.day.slice(5)} ${p.lastCheckin.temperatureC.toFixed(1)}°C` : '无'} · 最近探访：
              {p.lastVisit ? `${formatShanghaiDateTime(p.lastVisit.visitedAt).slice(5)} ${p.lastVisit.visitorName}` : '无'}
            </Text>
            <BigButton
              variant="secondary"
              busy={visiting === p.personId}
              disabled={visiting !== null}
              onClick={() => {
                setVisiting(p.personId);
                recordCareVisit(p.personId)
                  .then(() => { roster.reload(); void Taro.showToast({ title: '已记录探访', icon: 'success' }); }, failed)
                  .finally(() => setVisiting(null));
              }}
            >
              记录一次探访
            </BigButton>
          </View>
        ))}
      </AsyncState>
    </>
  );
}
