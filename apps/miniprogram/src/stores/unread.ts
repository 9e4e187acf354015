// Unread messages across the caller's building groups, for the badge on the 楼栋群 tab; kept current by the socket.
import { useEffect, useState } from 'react';
import { listChats } from '../services/chat';
import { noteSeen, onRealtime, startSocket } from '../services/socket';

const unread = new Map<string, number>();
const listeners = new Set<(total: number) => void>();
let myUserId: string | null = null;
let openGroup: string | null = null;

const total = () => [...unread.values()].reduce((s, n) => s + n, 0);
const publish = () => listeners.forEach((l) => l(total()));

export async function refreshUnread(userId: string) {
  myUserId = userId;
  const groups = await listChats();
  unread.clear();
  for (const g of groups.items) {
    unread.set(g.id, g.unread);
    noteSeen(g.id, g.lastSeq);
  }
  publish();
  startSocket();
}

/** The room on screen counts as read while it is open. */
export function setOpenGroup(groupId: string | null) {
  openGroup = groupId;
  if (groupId) {
    unread.set(groupId, 0);
    publish();
  }
}

onRealtime((event) => {
  if (event.type === 'message' && event.message.senderId !== myUserId && event.message.groupId !== openGroup) {
    unread.set(event.message.groupId, (unread.get(event.message.groupId) ?? 0) + 1);
    publish();
  }
  if (event.type === 'read') {
    unread.set(event.groupId, 0);
    publish();
  }
});

export function useUnreadTotal(): number {
  const [value, setValue] = useState(total());
  useEffect(() => {
    listeners.add(setValue);
    return () => {
      listeners.delete(setValue);
    };
  }, []);
  return value;
}
