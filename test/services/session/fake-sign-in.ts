/**
 * A hand-written fake of our own SignInService port: sign-ins wait until the test settles
 * them, and every wipe of the token holder is counted. As the real service does
 * (main/services/oidc/sign-in-service.ts: `stopWaiting`, and `signIn` cancelling the one before),
 * cancel() settles the attempt still waiting as cancelled, and a new signIn() replaces the one
 * before it the same way. An attempt once settled cannot be settled again: a test cannot stage an
 * outcome the service never gives. The race the service can give (an outcome already decided
 * when the cancel comes) is staged by settling first and cancelling before the outcome is heard.
 */
import { ShellError } from '../../../main/core/errors';
import type { SignInOptions, SignInOutcome, SignInService, SignInSession } from '../../../main/services/oidc';
import type { AccessTokenResult, TokenHolder } from '../../../main/services/oidc';
import type { RefreshOutcome } from '../../../main/services/tokens/token-holder';

export class FakeSignIn implements SignInService {
  readonly attempts: Array<{ options: SignInOptions; settle: (outcome: SignInOutcome) => void; settled: boolean }> = [];
  cancels = 0;
  wipes = 0;
  held = false;
  /** The ID token the held session has (tests of the relay registration set it). */
  idToken: string | null = 'fake.id.token';
  private refreshListeners = new Set<(outcome: RefreshOutcome) => void>();
  /** What retryDue() answers: a test sets it to stand for an unanswered refresh whose wait is over. */
  retryIsDue = false;
  /** getAccessToken calls, for tests of the keep-alive and its retries. */
  tokenRequests = 0;

  readonly tokens: TokenHolder = {
    getAccessToken: async (): Promise<AccessTokenResult> => {
      this.tokenRequests += 1;
      return this.held ? { ok: true, token: 'fake-access' } : { ok: false, reason: 'signed-out' };
    },
    hasSession: () => this.held,
    currentIdToken: () => (this.held ? this.idToken : null),
    wipe: () => {
      this.wipes += 1;
      this.held = false;
    },
    onRefreshOutcome: (listener) => {
      this.refreshListeners.add(listener);
      return () => this.refreshListeners.delete(listener);
    },
    retryDue: () => this.retryIsDue,
  };

  async providerMetadata(): Promise<{ issuer: string }> {
    return { issuer: 'https://fake-cis2.invalid/' };
  }
  signIn(options: SignInOptions = {}): Promise<SignInOutcome> {
    this.cancelWaiting();
    return new Promise((resolve) => {
      const attempt = {
        options,
        settled: false,
        settle: (outcome: SignInOutcome): void => {
          if (attempt.settled) throw new Error('this sign-in attempt was already settled (cancelled or replaced)');
          attempt.settled = true;
          resolve(outcome);
        },
      };
      this.attempts.push(attempt);
    });
  }
  cancel(): void {
    this.cancels += 1;
    this.cancelWaiting();
  }
  private cancelWaiting(): void {
    for (const attempt of this.attempts) if (!attempt.settled) attempt.settle({ kind: 'cancelled' });
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
    attempt.settle({ kind, session });
    this.held = true;
  }
  fail(code: 'SIGNIN_ACCESS_DENIED' | 'SIGNIN_TIMEOUT', message: string): void {
    this.attempts.at(-1)?.settle({ kind: 'failed', error: new ShellError(code, message) });
  }
  /** CIS2 refuses the refresh, as the real holder reports it (token-holder.ts). */
  failRefresh(): void {
    this.tell({
      kind: 'refused',
      refusal: 'invalid-grant',
      error: new ShellError('TOKEN_REFRESH_FAILED', 'NHS Care Identity refused to renew your sign-in.'),
    });
  }
  /** A refresh goes unanswered (attempt counts from 1), as the real holder reports it. */
  refreshUnanswered(attempt = 1, cause: Extract<RefreshOutcome, { kind: 'unanswered' }>['cause'] = 'network'): void {
    this.tell({ kind: 'unanswered', cause, detail: null, attempt, unreachableForMs: 0, retryInMs: 15_000 });
  }
  /** CIS2 answers again after an outage. */
  refreshRecovered(unreachableForMs: number, attempts: number): void {
    this.tell({ kind: 'recovered', unreachableForMs, attempts });
  }
  private tell(outcome: RefreshOutcome): void {
    for (const listener of this.refreshListeners) listener(outcome);
  }
}

export function clinician(subject: string, authTime: number, overrides: Partial<SignInSession> = {}): SignInSession {
  return {
    subject,
    sessionId: `sid-${subject}`,
    authTime,
    aal: 'AAL3',
    assurance: 'AAL3',
    identity: { name: `Clinician ${subject}`, uid: null, selectedRole: null, roles: [] },
    ...overrides,
  };
}
