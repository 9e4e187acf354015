// 楼栋群: placeholder until the feature lands.
import { ComingSoon } from '../../../components/ComingSoon';

export default function ChatPage() {
  return <ComingSoon title="楼栋群" tab="chat" promise="本楼住户、网格员和社区工作人员的群聊，通知也会在这里出现。" />;
}
