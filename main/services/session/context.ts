/**
 * What the parts of the session service share: the loop, the ports, and the few facts about
 * people that the engine's state does not hold (display identity, whose tokens the holder has,
 * the notice to show). Everything else is decided in core.
 */
import type { ClinicianIdentity } from '../../core/rbac';
import type { ReachedAssurance } from '../../core/assurance-level';
import type { RecentEnd } from '../../core/session';
import type { Notice } from '../../../preload/contract';
import type { Audit } from '../audit';
import type { DraftVault } from '../drafts';
import type { SignInService } from '../oidc';
import type { TimeSource } from '../time';
import type { SessionLoop } from './session-loop';

export type Clinician = {
  readonly subject: string;
  readonly identity: ClinicianIdentity;
  /** What their latest accepted authentication reached, for its audit line (never more). */
  readonly assurance: ReachedAssurance;
};

export interface SessionContext {
  readonly loop: SessionLoop;
  readonly signIn: SignInService;
  readonly vault: DraftVault;
  readonly audit: Audit;
  readonly time: TimeSource;
  /** Whose name and role the screen shows. */
  identity: Clinician | null;
  /** The clinician a sign-in just proved, until the engine accepts (or refuses) them. */
  arriving: Clinician | null;
  /** Whose tokens the holder has now (after a hand-over at the lock screen, the newcomer's). */
  tokenOwner: string | null;
  /** Why the last sign-in or unlock did not work, for the clinician. */
  notice: Notice | null;
  /** The session that ended last, while its clinician's last keystrokes may still arrive. */
  recentEnd: RecentEnd | null;
  /** The latest draft restore; draft loads wait for it. */
  restoring: Promise<unknown>;
  /** Runs a draft step in the background; settled() waits for every one. */
  track(task: Promise<unknown>, what: string): void;
}

/** Forgets every token the holder has (memory only, so forgetting is enough). */
export function wipeTokens(ctx: SessionContext): void {
  ctx.tokenOwner = null;
  ctx.signIn.signOut();
}
