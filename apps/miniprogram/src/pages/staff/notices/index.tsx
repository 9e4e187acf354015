// 通知: placeholder until the feature lands.
import { ComingSoon } from '../../../components/ComingSoon';

export default function NoticesPage() {
  return <ComingSoon title="通知" tab="notices" promise="向指定楼栋发布通知，并查看哪些住户还未确认。" />;
}
