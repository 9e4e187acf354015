// How the grid's workers hear of new alerts and help requests (and residents of a testing round) as they happen.
// Events carry ids and scope only, never health details: whoever delivers them loads what each recipient may see.
export type FollowUpEvent =
  | { type: 'alert.opened' | 'alert.acknowledged' | 'alert.resolved'; communityId: string; gridId: string; alertId: string }
  | { type: 'help_request.opened' | 'help_request.acknowledged' | 'help_request.resolved'; communityId: string; gridId: string; helpRequestId: string }
  | { type: 'testing_round.scheduled'; communityId: string; roundId: string; buildingIds: string[] };

export interface FollowUpNotifier {
  /** Called after the change is committed; must not throw into the request (failures are the notifier's to log). */
  notify(event: FollowUpEvent): void;
}

/** The in-process default: logs each event. The realtime socket (chats) and notices replace it when wired in. */
export function loggingFollowUpNotifier(log: { info: (obj: unknown, msg: string) => void }): FollowUpNotifier {
  return { notify: (event) => log.info({ event }, `follow-up event ${event.type}`) };
}
