// How far each building group has been received without a gap, so a resume after a drop asks for everything after
// the first hole. Live posts can arrive out of seq order (two posts commit close together), so "the highest seq seen"
// would skip a message that was still on its way when the socket dropped.
interface GroupProgress {
  /** Every seq up to this one is held (or was never wanted: history before the client first looked). */
  through: number;
  /** Seqs received past a hole. */
  ahead: Set<number>;
}

export class SeqTracker {
  private readonly groups = new Map<string, GroupProgress>();

  /** A page of history, or the group list's last seq: everything up to `seq` is known. */
  seenThrough(groupId: string, seq: number): void {
    const group = this.groups.get(groupId);
    if (!group) {
      this.groups.set(groupId, { through: seq, ahead: new Set() });
      return;
    }
    if (seq > group.through) group.through = seq;
    this.advance(group);
  }

  /** One live message. The first one of a group the client knew nothing of starts it there. */
  seenLive(groupId: string, seq: number): void {
    const group = this.groups.get(groupId);
    if (!group) {
      this.groups.set(groupId, { through: seq, ahead: new Set() });
      return;
    }
    if (seq <= group.through) return;
    group.ahead.add(seq);
    this.advance(group);
  }

  /** The `after` of a resume frame. */
  resumePoints(): Record<string, number> {
    return Object.fromEntries([...this.groups].map(([groupId, group]) => [groupId, group.through]));
  }

  private advance(group: GroupProgress): void {
    for (const seq of group.ahead) if (seq <= group.through) group.ahead.delete(seq);
    while (group.ahead.delete(group.through + 1)) group.through++;
  }
}
