import { useRef } from 'react';
import { useDidShow } from '@tarojs/taro';

/** Runs `onReturn` each time the page is shown again (back from a page it opened), not on first show. */
export function useReturnVisit(onReturn: () => void): void {
  const firstShow = useRef(true);
  useDidShow(() => {
    if (firstShow.current) {
      firstShow.current = false;
      return;
    }
    onReturn();
  });
}
