// The live channel: one WebSocket (Taro.connectSocket works on weapp and h5) that resumes after the last seq held
// without a gap in each group after any drop, with back-off, and tells pages whether it is live or reconnecting.
import Taro from '@tarojs/taro';
import { RealtimeEvent, wsCloseCodes } from '@linli/shared';
import { api } from './api';
import { apiBase, isH5 } from './platform';
import { readTokens } from './storage';
import { MeResponse } from '@linli/shared';
import { SeqTracker } from './seq-tracker';

export type SocketState = 'connecting' | 'live' | 'reconnecting' | 'closed';

type Listener = (event: RealtimeEvent) => void;
type StateListener = (state: SocketState) => void;

const listeners = new Set<Listener>();
const stateListeners = new Set<StateListener>();
const received = new SeqTracker();
let task: Taro.SocketTask | null = null;
let state: SocketState = 'closed';
let attempts = 0;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let pingTimer: ReturnType<typeof setInterval> | null = null;
let wanted = false;

function setState(next: SocketState) {
  state = next;
  stateListeners.forEach((l) => l(next));
}

function socketBase(): string {
  const origin = isH5 ? window.location.origin : apiBase;
  return origin.replace(/^http/, 'ws');
}

/** Everything of a group up to `seq` is held (a page of history, the group list), so a resume asks only for the rest. */
export function noteSeen(groupId: string, seq: number) {
  received.seenThrough(groupId, seq);
}

function scheduleReconnect() {
  if (!wanted || retryTimer) return;
  setState('reconnecting');
  const delay = Math.min(15_000, 1000 * 2 ** Math.min(attempts, 4));
  attempts++;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    void open();
  }, delay);
}

async function open() {
  if (!wanted) return;
  let token = readTokens()?.accessToken;
  if (!token) return setState('closed');
  setState(state === 'live' || state === 'closed' ? 'connecting' : 'reconnecting');
  let socket: Taro.SocketTask;
  try {
    socket = await Taro.connectSocket({ url: `${socketBase()}/api/v1/ws?token=${encodeURIComponent(token)}` });
  } catch {
    return scheduleReconnect();
  }
  task = socket;
  socket.onOpen(() => {
    attempts = 0;
    socket.send({ data: JSON.stringify({ type: 'resume', after: received.resumePoints() }) });
    if (pingTimer) clearInterval(pingTimer);
    pingTimer = setInterval(() => socket.send({ data: JSON.stringify({ type: 'ping' }) }), 25_000);
  });
  socket.onMessage((message) => {
    let event: RealtimeEvent;
    try {
      event = RealtimeEvent.parse(JSON.parse(String(message.data)));
    } catch {
      return;
    }
    if (event.type === 'resumed') setState('live');
    if (event.type === 'message') received.seenLive(event.message.groupId, event.message.seq);
    listeners.forEach((l) => l(event));
  });
  socket.onClose((res) => {
    if (task !== socket) return;
    task = null;
    if (pingTimer) clearInterval(pingTimer);
    if (res.code === wsCloseCodes.unauthenticated) {
      // Probably an expired access token: any authenticated call renews it (or ends the session), then retry.
      token = undefined;
      void api.get('/api/v1/me', MeResponse).catch(() => undefined).finally(scheduleReconnect);
      return;
    }
    scheduleReconnect();
  });
  socket.onError(() => undefined);
}

/** Starts (once) the live channel; pages subscribe to events and to the connection state. */
export function startSocket() {
  wanted = true;
  if (!task && !retryTimer) void open();
}

export function stopSocket() {
  wanted = false;
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = null;
  task?.close({});
  task = null;
  setState('closed');
}

export function onRealtime(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function onSocketState(listener: StateListener): () => void {
  stateListeners.add(listener);
  listener(state);
  return () => stateListeners.delete(listener);
}

export function socketState(): SocketState {
  return state;
}
