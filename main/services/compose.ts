/**
 * Builds the main-process services from their settings and ports. The Electron composition
 * root (main/index.ts) and the browser harness both call this, so the harness runs exactly
 * the services a ward PC runs; only the ports (browser, clock, OS signals) differ.
 */
import type { CustomFetch } from 'openid-client';
import type { OsCapabilities } from '../core/os-signals';
import type { SessionPolicy } from '../core/policy';
import { createAudit } from './audit';
import { createClientKeyStore } from './client-key/client-key-store';
import { clientKeyBackendFor } from './client-key/provision';
import { createDraftVault } from './drafts';
import type { DraftVault } from './drafts';
import type { Logger } from './logger';
import { createLogoutTokenValidatorFor, createSignInService, toShellError } from './oidc';
import type { LogoutTokenResult, LogoutTokenValidator, OidcSettings, SignInService, SystemBrowser } from './oidc';
import { createRelayClient } from './relay-client/client';
import type { OpenRelaySocket } from './relay-client/client';
import type { SecretStore } from './secret-store';
import { createSessionService } from './session/session-service';
import type { SessionService } from './session/session-service';
import type { TimeSource } from './time';

export interface AppServicesOptions {
  readonly oidc: OidcSettings;
  readonly policy: SessionPolicy;
  readonly browser: SystemBrowser;
  readonly time: TimeSource;
  readonly logger: Logger;
  readonly secretStore: SecretStore;
  /** The app's folder for sealed drafts. */
  readonly draftsDir: string;
  readonly draftRetentionMs?: number;
  /** Keyring service for draft keys (tests use one per run). */
  readonly draftsKeyringService?: string;
  /** The wall clock for OIDC checks; the session clock's when omitted. */
  readonly signInClock?: () => number;
  readonly capabilities?: OsCapabilities;
  /** Reads the machine policy's session limits again at each sign-in and unlock. */
  readonly rereadPolicy?: () => Promise<SessionPolicy | null>;
  /** Machine policy's OrganisationName, for the header on every screen; absent: none. */
  readonly organisation?: string | null;
  /**
   * HTTP for every request to the issuer, the logout-token check's key fetch included (the
   * IssuerFetch port). Node's fetch when omitted (tests watch the exchange with it; the harness);
   * main/index.ts passes Chromium's network stack (main/adapters/network.ts), which follows the
   * hospital's proxy.
   */
  readonly fetch?: CustomFetch;
  /**
   * The trust's back-channel logout relay (docs/relay.md): while a session exists the shell keeps
   * one connection to it, registered with the session's ID token, and checks every logout token
   * it relays before acting. Absent: logouts arrive only through receiveLogoutToken.
   */
  readonly relay?: {
    readonly url: string;
    readonly openSocket?: OpenRelaySocket;
    /** Real time for its heartbeats and backoff (the harness's session clock is virtual); the session's when omitted. */
    readonly time?: TimeSource;
  };
}

export interface AppServices {
  readonly session: SessionService;
  readonly signIn: SignInService;
  readonly vault: DraftVault;
  /**
   * A CIS2 back-channel logout token, from whatever relays it to this workstation: checked
   * (OIDC BCL §2.6), then the session it names ends and its drafts are sealed.
   */
  receiveLogoutToken(token: string, options?: { catchUp?: boolean }): Promise<LogoutTokenResult>;
  /** Seals what must be sealed and stops every timer. */
  close(): Promise<void>;
}

export async function createAppServices(options: AppServicesOptions): Promise<AppServices> {
  const wall = options.signInClock ?? (() => options.time.now().wall);
  const audit = createAudit(options.logger);
  const vault = await createDraftVault({
    dataDir: options.draftsDir,
    secretStore: options.secretStore,
    now: () => options.time.now().wall,
    retentionMs: options.draftRetentionMs,
    logger: options.logger,
    onProblem: (problem) => audit.draftsStorageProblem(problem),
    ...(options.draftsKeyringService ? { service: options.draftsKeyringService } : {}),
  });
  const signIn = createSignInService({
    settings: options.oidc,
    browser: options.browser,
    logger: options.logger,
    now: wall,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    // private_key_jwt: the key IT provisioned, machine-wide (or, before issue 13, in this account's credential store).
    ...(options.oidc.clientAuth.method === 'private_key_jwt'
      ? { keySource: createClientKeyStore(clientKeyBackendFor(process.platform)) }
      : {}),
  });
  const session = createSessionService({
    time: options.time,
    policy: options.policy,
    signIn,
    vault,
    logger: options.logger,
    signInClock: wall,
    ...(options.capabilities ? { capabilities: options.capabilities } : {}),
    ...(options.rereadPolicy ? { rereadPolicy: options.rereadPolicy } : {}),
    organisation: options.organisation ?? null,
  });
  // Shred what outlived its retention: from earlier runs at once, then every few minutes.
  // One sweep at a time: a sweep still listing keys when the next falls due (a slow credential
  // store, or a clock that jumped past several) is not joined by another.
  let sweeping: Promise<void> | null = null;
  const sweep = (): void => {
    sweeping ??= vault
      .sweepExpired()
      .then((clinicians) => void (clinicians > 0 && audit.draftsShredded(clinicians)))
      .catch((error: unknown) => audit.stepFailed('sweep expired drafts', error))
      .finally(() => (sweeping = null));
  };
  sweep();
  const stopSweeping = options.time.every(5 * 60_000, sweep);
  // Two validators: one for logouts as CIS2 sends them (iat within minutes), one for the relay's
  // catch-up, whose tokens waited on its revocation list while this workstation was offline (iat
  // within the 12-hour session limit). Each remembers the jti values it has accepted.
  const validators = new Map<'live' | 'catch-up', Promise<LogoutTokenValidator>>();
  async function receiveLogoutToken(token: string, receive: { catchUp?: boolean } = {}): Promise<LogoutTokenResult> {
    const kind = receive.catchUp === true ? 'catch-up' : 'live';
    let validator = validators.get(kind);
    if (validator === undefined) {
      const maxAge = kind === 'catch-up' ? { maxAgeSeconds: options.policy.absoluteLimitMs / 1000 + 60 } : {};
      validator = signIn.providerMetadata().then((metadata) =>
        createLogoutTokenValidatorFor(options.oidc, metadata, {
          now: wall,
          ...maxAge,
          ...(options.fetch ? { fetch: options.fetch } : {}),
        }),
      );
      validators.set(kind, validator);
    }
    // A failed discovery is tried again with the next token.
    const validate = await validator.catch((error: unknown) => {
      validators.delete(kind);
      // The token could not be checked (CIS2 unreachable): refused, and counted as downstream.
      audit.logoutRefused(toShellError(error));
      throw error;
    });
    const result = await validate(token);
    if (result.ok) {
      audit.logoutAccepted({ subject: result.subject, sessionId: result.sessionId });
      // iat as the provider stamped it: the engine compares it with the session's auth_time, on the same clock.
      session.backchannelLogout({ subject: result.subject, sessionId: result.sessionId, issuedAt: result.issuedAt });
    } else audit.logoutRefused(result.error);
    return result;
  }

  const relay =
    options.relay === undefined
      ? null
      : createRelayClient({
          url: options.relay.url,
          time: options.relay.time ?? options.time,
          ...(options.relay.openSocket ? { openSocket: options.relay.openSocket } : {}),
          // Registered while the session exists (working or locked): a logout must reach a locked session too.
          currentIdToken: () => ('session' in session.state() ? signIn.tokens.currentIdToken() : null),
          deliver: async (token, catchUp) => void (await receiveLogoutToken(token, { catchUp }).catch(() => undefined)),
          onEvent: (event) => audit.relay(event),
        });
  const stopFollowing = relay === null ? () => undefined : session.onStateChange(() => relay.sessionChanged());

  return {
    session,
    signIn,
    vault,
    receiveLogoutToken,
    async close() {
      stopFollowing();
      relay?.close();
      stopSweeping();
      signIn.cancel();
      await session.settled();
      await vault.flush();
      session.dispose();
    },
  };
}
