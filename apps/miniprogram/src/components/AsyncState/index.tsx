// Loading, error and empty states for anything fetched: every list shows one of them in Chinese.
import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import { BigButton } from '../BigButton';
import { messageOf } from '../../services/api';
import type { Remote } from './useRemote';
import './index.scss';

export { useRemote, type Remote, type RemoteHandle } from './useRemote';
export { useReturnVisit } from './useReturnVisit';

interface AsyncStateProps<T> {
  remote: Remote<T>;
  onRetry: () => void;
  children: (data: T) => ReactNode;
  /** When it returns true the empty text is shown instead of children. */
  isEmpty?: (data: T) => boolean;
  emptyText?: string;
  loadingText?: string;
}

export function AsyncState<T>(props: AsyncStateProps<T>) {
  const { remote, onRetry, children, isEmpty, emptyText = '暂无内容', loadingText = '正在加载…' } = props;

  if (remote.status === 'loading') {
    return (
      <View className="async-state async-state--loading">
        <Text className="async-state__text">{loadingText}</Text>
      </View>
    );
  }
  if (remote.status === 'error') {
    return (
      <View className="async-state async-state--error">
        <Text className="async-state__text">{messageOf(remote.error)}</Text>
        <BigButton variant="secondary" className="async-state__retry" onClick={onRetry}>
          重试
        </BigButton>
      </View>
    );
  }
  if (isEmpty?.(remote.data)) {
    return (
      <View className="async-state async-state--empty">
        <Text className="async-state__text">{emptyText}</Text>
      </View>
    );
  }
  return <>{children(remote.data)}</>;
}
