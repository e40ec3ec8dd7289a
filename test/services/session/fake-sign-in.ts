/**
 * A hand-written fake of our own SignInService port: sign-ins wait until the test settles
 * them, and every wipe of the token holder is counted.
 */
import { ShellError } from '../../../main/core/errors';
import type { SignInOptions, SignInOutcome, SignInService, SignInSession } from '../../../main/services/oidc';
import type { AccessTokenResult, TokenHolder } from '../../../main/services/oidc';

export class FakeSignIn implements SignInService {
  readonly attempts: Array<{ options: SignInOptions; settle: (outcome: SignInOutcome) => void }> = [];
  cancels = 0;
  wipes = 0;
  held = false;
  /** The ID token the held session has (tests of the relay registration set it). */
  idToken: string | null = 'fake.id.token';
  private refreshListeners = new Set<(error: ShellError) => void>();

  readonly tokens: TokenHolder = {
    getAccessToken: async (): Promise<AccessTokenResult> =>
      this.held ? { ok: true, token: 'fake-access' } : { ok: false, reason: 'signed-out' },
    hasSession: () => this.held,
    currentIdToken: () => (this.held ? this.idToken : null),
    wipe: () => {
      this.wipes += 1;
      this.held = false;
    },
    onRefreshFailed: (listener) => {
      this.refreshListeners.add(listener);
      return () => this.refreshListeners.delete(listener);
    },
  };

  async providerMetadata(): Promise<{ issuer: string }> {
    return { issuer: 'https://fake-cis2.invalid/' };
  }
  signIn(options: SignInOptions = {}): Promise<SignInOutcome> {
    return new Promise((resolve) => this.attempts.push({ options, settle: resolve }));
  }
  cancel(): void {
    this.cancels += 1;
  }
  signOut(): void {
    this.tokens.wipe();
  }

  /** The latest attempt completes as `session` (tokens now held for it). */
  complete(
    session: SignInSession,
    kind: 'signed-in' | 'different-user' = 'signed-in',
    index = this.attempts.length - 1,
  ): void {
    const attempt = this.attempts[index];
    if (!attempt) throw new Error('no sign-in attempt to complete');
    this.held = true;
    attempt.settle({ kind, session });
  }
  fail(code: 'SIGNIN_ACCESS_DENIED' | 'SIGNIN_TIMEOUT', message: string): void {
    this.attempts.at(-1)?.settle({ kind: 'failed', error: new ShellError(code, message) });
  }
  failRefresh(): void {
    for (const listener of this.refreshListeners)
      listener(new ShellError('TOKEN_REFRESH_FAILED', 'Your sign-in has expired.'));
  }
}

export function clinician(subject: string, authTime: number, overrides: Partial<SignInSession> = {}): SignInSession {
  return {
    subject,
    sessionId: `sid-${subject}`,
    authTime,
    aal: 'AAL3',
    identity: { name: `Clinician ${subject}`, uid: null, selectedRole: null, roles: [] },
    ...overrides,
  };
}
