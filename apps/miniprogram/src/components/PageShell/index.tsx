// The frame of every page: a heading, the content, and on tab pages the role-aware tab bar.
import type { ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { TabKey } from '../../services/navigation';
import { isH5 } from '../../services/platform';
import { RoleTabBar } from '../RoleTabBar';
import './index.scss';

interface PageShellProps {
  title: string;
  /** The tab this page belongs to; omitted on pages reached by navigation. */
  tab?: TabKey;
  children: ReactNode;
}

/** The mini-program's navigation bar has a back arrow; h5 has no bar, so drilled-in pages draw their own. */
function canGoBack(): boolean {
  return isH5 && Taro.getCurrentPages().length > 1;
}

export function PageShell({ title, tab, children }: PageShellProps) {
  const back = !tab && canGoBack();
  return (
    <View className={`page-shell${tab ? ' page-shell--with-tabs' : ''}`}>
      <View className="page-shell__header">
        {back ? (
          <View className="page-shell__back" onClick={() => Taro.navigateBack()}>
            <Text>‹ 返回</Text>
          </View>
        ) : null}
        <Text className="page-shell__title">{title}</Text>
      </View>
      <View className="page-shell__body">{children}</View>
      {tab ? <RoleTabBar current={tab} /> : null}
    </View>
  );
}
