import type { CustomFetch } from 'openid-client';
import type { Aal, ReachedAssurance } from '../../core/assurance-level';
import type { ShellError } from '../../core/errors';
import type { ClinicianIdentity } from '../../core/rbac';
import type { TokenHolder } from '../tokens/token-holder';

/** What the session engine consumes from a completed sign-in. No secrets in here. */
export interface SignInSession {
  readonly subject: string;
  /** CIS2 `sid`, used to match back-channel logout tokens; null when the provider sent none. */
  readonly sessionId: string | null;
  /** auth_time in epoch ms. */
  readonly authTime: number;
  readonly aal: Aal;
  /** The assurance this authentication reached (core/aal-mapping.ts), for the audit line: never more. */
  readonly assurance: ReachedAssurance;
  readonly identity: ClinicianIdentity;
}

export type SignInOutcome =
  | { readonly kind: 'signed-in'; readonly session: SignInSession }
  /** Re-authentication proved a different `sub`: end the old session, never resume it. */
  | { readonly kind: 'different-user'; readonly session: SignInSession }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'failed'; readonly error: ShellError };

/**
 * Port: HTTP for every request to the issuer (discovery, token, userinfo, JWKS, revocation, and
 * the logout-token check's JWKS), in openid-client's CustomFetch shape. Node's fetch when absent
 * (tests, the harness); on a ward PC Chromium's network stack (main/adapters/network.ts), which
 * follows the system proxy, PAC/WPAD, proxy authentication and the Windows certificate store.
 * It must never follow a redirect: every caller asks for `redirect: 'manual'`.
 */
export type IssuerFetch = CustomFetch;

/**
 * What checking logout tokens needs from the provider's discovered metadata (OpenID Connect
 * Discovery 1.0 §3); openid-client's `serverMetadata()` satisfies it.
 */
export interface LogoutTokenServerMetadata {
  readonly issuer: string;
  readonly jwks_uri?: string;
  readonly id_token_signing_alg_values_supported?: readonly string[];
}

/**
 * Port: opens the sign-in page in the system browser (Electron: shell.openExternal). The
 * discovered authorization endpoint travels with it so the adapter can refuse anything else.
 */
export interface SystemBrowser {
  open(url: URL, authorizationEndpoint: URL): Promise<void>;
}

export interface SignInOptions {
  /** Set when the session is locked and only this subject may unlock it. */
  readonly reauthenticateSubject?: string;
  /**
   * The clinician is signing in again while working: a different subject's tokens are never
   * stored (the outcome is still 'different-user'), so the working clinician keeps their own.
   */
  readonly sameSubjectOnly?: boolean;
}

export interface SignInService {
  /** Opens the system browser and waits for the loopback callback. Never throws. */
  signIn(options?: SignInOptions): Promise<SignInOutcome>;
  /** Ends a sign-in that is waiting for the browser; its signIn() resolves to 'cancelled'. */
  cancel(): void;
  readonly tokens: TokenHolder;
  /** The provider's discovered metadata (cached like every sign-in's), e.g. for logout-token keys. */
  providerMetadata(): Promise<LogoutTokenServerMetadata>;
  /** Wipes the tokens at once; revocation at CIS2 is attempted afterwards, best effort. */
  signOut(): void;
}
