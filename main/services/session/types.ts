/**
 * What the shell service needs and what it offers: the composition root (main/index.ts), the
 * harness and the tests build it from these, and see it only through them.
 */
import type { Cis2Environment } from '../../core/environment';
import type { OsCapabilities, OsEvents } from '../../core/os-signals';
import type { SessionPolicy } from '../../core/policy';
import type { SessionState } from '../../core/session';
import type { SessionView, ShellBackend } from '../../../preload/contract';
import type { DraftVault } from '../drafts';
import type { Logger } from '../logger';
import type { SignInService } from '../oidc';
import type { TimeSource } from '../time';

export interface SessionServiceDeps {
  readonly time: TimeSource;
  readonly policy: SessionPolicy;
  readonly signIn: SignInService;
  readonly vault: DraftVault;
  readonly logger: Logger;
  /**
   * The wall clock the sign-in service checked auth_time against (default: `time`'s).
   * The engine is given the authentication's age by that clock, so a harness whose session
   * clock is virtual still counts the 12 hours from the real authentication.
   */
  readonly signInClock?: () => number;
  readonly capabilities?: OsCapabilities;
  /** How often a live session asks for a fresh access token (refreshing it near expiry). */
  readonly keepAliveMs?: number;
  /**
   * Reads the machine policy again, as each sign-in or unlock begins. What it returns applies once
   * that sign-in has succeeded (at once if the read is done by then, as it nearly always is); null,
   * a failed read or a failed sign-in keeps the policy in force.
   */
  readonly rereadPolicy?: () => Promise<SessionPolicy | null>;
  /** Machine policy's OrganisationName, carried on every view for the header; absent: none. */
  readonly organisation?: string | null;
  /** The CIS2 environment of the issuer, carried on every view for the banner; absent: not said. */
  readonly environment?: Cis2Environment;
  /**
   * Whether the logout relay refused this workstation as another environment's (compose.ts),
   * and a way to hear when that changes; every view says so. Absent: no relay, never refused.
   */
  readonly relayRefused?: { now(): boolean; onChange(listener: () => void): () => void };
}

export interface SessionService {
  readonly backend: ShellBackend;
  readonly os: OsEvents;
  state(): SessionState;
  /**
   * Called after every transition that changed the status or the clinician (a lock, an
   * unlock, an end, a hand-over), with the state before it: the window adapter hides content,
   * reloads the renderer and clears the clipboard from here.
   */
  onStateChange(listener: (state: SessionState, previous: SessionState) => void): () => void;
  view(): SessionView;
  /** The renderer crashed or is reloading: lock first, so it comes back to the lock screen. */
  lockBeforeReload(): void;
  /** A validated back-channel logout token named this sub and/or sid, issued at `issuedAt` (epoch ms, provider's clock). */
  backchannelLogout(claims: { subject?: string; sessionId?: string; issuedAt?: number }): void;
  /** Resolves when every draft seal/restore started so far has finished. */
  settled(): Promise<void>;
  dispose(): void;
}
