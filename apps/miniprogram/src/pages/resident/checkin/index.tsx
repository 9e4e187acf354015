// 打卡: placeholder until the feature lands.
import { ComingSoon } from '../../../components/ComingSoon';

export default function CheckinPage() {
  return <ComingSoon title="打卡" tab="checkin" promise="每天为全家每位成员登记体温和抗原结果。" />;
}
