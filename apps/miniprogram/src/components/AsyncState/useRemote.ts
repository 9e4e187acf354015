// Loading state of one remote value: a page calls it with a loader and renders <AsyncState> from it.
import { useCallback, useEffect, useRef, useState } from 'react';

export type Remote<T> =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'ready'; data: T };

export interface RemoteHandle<T> {
  remote: Remote<T>;
  reload: () => void;
  /** Replace the loaded value after a local change (an approved binding leaves the list). */
  update: (change: (data: T) => T) => void;
}

export function useRemote<T>(load: () => Promise<T>, deps: readonly unknown[]): RemoteHandle<T> {
  const [remote, setRemote] = useState<Remote<T>>({ status: 'loading' });
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setRemote({ status: 'loading' });
    loadRef.current().then(
      (data) => {
        if (mine === generation.current) setRemote({ status: 'ready', data });
      },
      (error: unknown) => {
        if (mine === generation.current) setRemote({ status: 'error', error });
      },
    );
  }, []);

  // The caller names what the loader depends on (a route id): a change loads again.
  useEffect(reload, deps);

  useEffect(
    () => () => {
      generation.current += 1; // answers arriving after unmount are dropped
    },
    [],
  );

  const update = useCallback((change: (data: T) => T) => {
    setRemote((current) => (current.status === 'ready' ? { status: 'ready', data: change(current.data) } : current));
  }, []);

  return { remote, reload, update };
}
