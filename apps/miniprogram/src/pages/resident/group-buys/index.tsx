// 团购: placeholder until the feature lands.
import { ComingSoon } from '../../../components/ComingSoon';

export default function GroupBuysPage() {
  return <ComingSoon title="团购" tab="groupBuys" promise="社区保供团购：按时开团，限量限购，送到楼下。" />;
}
