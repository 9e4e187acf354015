// The signed-in user (GET /me), cached for the tab bar and pages, forgotten when the session ends.
import { useEffect, useState } from 'react';
import type { MeResponse } from '@linli/shared';
import { onSessionEnd } from '../services/api';
import { fetchMe } from '../services/auth';

let cached: MeResponse | null = null;
let inflight: Promise<MeResponse> | null = null;
const listeners = new Set<(me: MeResponse | null) => void>();

function publish(me: MeResponse | null): void {
  cached = me;
  listeners.forEach((listener) => listener(me));
}

onSessionEnd(() => {
  inflight = null;
  publish(null);
});

/** The cached user, or a fetch of /me; `fresh` refetches (households change when a binding is approved). */
export function loadMe(options: { fresh?: boolean } = {}): Promise<MeResponse> {
  if (cached && !options.fresh) return Promise.resolve(cached);
  inflight ??= fetchMe()
    .then((me) => {
      publish(me);
      return me;
    })
    .finally(() => {
      inflight = null;
    });
  return inflight;
}

export function forgetMe(): void {
  inflight = null;
  publish(null);
}

/** The cached user as React state, fetched once if nothing is cached yet. */
export function useSessionUser(): { me: MeResponse | null; failed: boolean; retry: () => void } {
  const [me, setMe] = useState<MeResponse | null>(cached);
  const [failed, setFailed] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    listeners.add(setMe);
    return () => {
      listeners.delete(setMe);
    };
  }, []);

  useEffect(() => {
    if (cached) return;
    setFailed(false);
    loadMe().catch(() => setFailed(true));
  }, [attempt]);

  return { me, failed, retry: () => setAttempt((n) => n + 1) };
}
