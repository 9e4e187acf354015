// What the health follow-up modules (check-ins, alerts, help, care, testing rounds, dashboard) are given by buildApp.
import type { FollowUpNotifier } from '../alerts/notifier';

export interface FollowUpOptions {
  /** "Now": injectable so tests can stand at 23:59 or 00:01 in Asia/Shanghai. */
  now: () => Date;
  /** HH:MM in Asia/Shanghai after which missing check-ins count as missed. */
  checkinCutoff: string;
  notifier: FollowUpNotifier;
}
