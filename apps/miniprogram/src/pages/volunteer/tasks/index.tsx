// 任务: placeholder until the feature lands.
import { ComingSoon } from '../../../components/ComingSoon';

export default function TasksPage() {
  return <ComingSoon title="任务" tab="tasks" promise="领取整楼配送、代购药品等志愿任务，凭取件码交接。" />;
}
