// A tab whose feature is not built yet: says so plainly and keeps the tab bar working.
import { Text, View } from '@tarojs/components';
import type { TabKey } from '../../services/navigation';
import { PageShell } from '../PageShell';
import './index.scss';

interface ComingSoonProps {
  title: string;
  tab: TabKey;
  /** One sentence on what the page will do. */
  promise: string;
}

export function ComingSoon({ title, tab, promise }: ComingSoonProps) {
  return (
    <PageShell title={title} tab={tab}>
      <View className="card coming-soon">
        <Text className="coming-soon__badge">即将上线</Text>
        <Text className="coming-soon__text">{promise}</Text>
      </View>
    </PageShell>
  );
}
