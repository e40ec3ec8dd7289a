/**
 * Builds the main-process services from their settings and ports. The Electron composition
 * root (main/index.ts) and the browser harness both call this, so the harness runs exactly
 * the services a ward PC runs; only the ports (browser, clock, OS signals) differ.
 */
import type { CustomFetch } from 'openid-client';
import { createEmitter } from '../core/emitter';
import { environmentOf } from '../core/environment';
import type { OsCapabilities } from '../core/os-signals';
import type { SessionPolicy } from '../core/policy';
import { createAudit } from './audit';
import type { Audit } from './audit';
import { createClientKeyStore } from './client-key/client-key-store';
import { clientKeyBackendFor } from './client-key/provision';
import { createDraftVault } from './drafts';
import type { DraftVault } from './drafts';
import type { Logger } from './logger';
import { createLogoutReceiver, createSignInService } from './oidc';
import type {
  LogoutDelivery,
  LogoutReceiver,
  LogoutTokenResult,
  OidcSettings,
  SignInService,
  SystemBrowser,
} from './oidc';
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
   * (OIDC BCL §2.6, whatever its `exp`: docs/security.md, "Late logouts"), then the session it
   * names ends and its drafts are sealed.
   */
  receiveLogoutToken(token: string, options?: { delivery?: LogoutDelivery }): Promise<LogoutTokenResult>;
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
    // The keep-alive refresh keeps the session's time (the heartbeat's), as its retries do.
    tokenClock: () => options.time.now().wall,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    // private_key_jwt: the key IT provisioned, machine-wide (or, before issue 13, in this account's credential store).
    ...(options.oidc.clientAuth.method === 'private_key_jwt'
      ? { keySource: createClientKeyStore(clientKeyBackendFor(process.platform)) }
      : {}),
  });
  // Set once the relay refuses this workstation as another environment's; every view then says so.
  const relayRefused = refusedRelay();
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
    // Every view names the issuer's environment: off Live, every screen shows the banner.
    environment: environmentOf(new URL(options.oidc.issuer)),
    relayRefused: relayRefused.status,
  });
  const stopSweeping = sweepExpiredDrafts(vault, audit, options.time);
  const receiveLogoutToken = createLogoutReceiver({
    settings: options.oidc,
    providerMetadata: () => signIn.providerMetadata(),
    now: wall,
    sessionLimitMs: options.policy.absoluteLimitMs,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    audit,
    endSession: (logout) => session.backchannelLogout(logout),
  });
  const stopRelay = followRelay(options, { session, signIn, audit, receiveLogoutToken, relayRefused });

  return {
    session,
    signIn,
    vault,
    receiveLogoutToken,
    async close() {
      stopRelay();
      stopSweeping();
      signIn.cancel();
      await session.settled();
      await vault.flush();
      session.dispose();
    },
  };
}

/**
 * Shreds what outlived its retention: from earlier runs at once, then every few minutes. One
 * sweep at a time: a sweep still listing keys when the next falls due (a slow credential store,
 * or a clock that jumped past several) is not joined by another. Returns the stop.
 */
function sweepExpiredDrafts(vault: DraftVault, audit: Audit, time: TimeSource): () => void {
  let sweeping: Promise<void> | null = null;
  const sweep = (): void => {
    sweeping ??= vault
      .sweepExpired()
      .then((clinicians) => void (clinicians > 0 && audit.draftsShredded(clinicians)))
      .catch((error: unknown) => audit.stepFailed('sweep expired drafts', error))
      .finally(() => (sweeping = null));
  };
  sweep();
  return time.every(5 * 60_000, sweep);
}

/**
 * The connection to the trust's logout relay, when one is set: registered while the session
 * exists (working or locked: a logout must reach a locked session too), following every change of
 * session, and handing each token it hears to the receiver. Returns the stop (unfollow, close).
 */
function followRelay(
  options: AppServicesOptions,
  services: {
    session: SessionService;
    signIn: SignInService;
    audit: Audit;
    receiveLogoutToken: LogoutReceiver;
    relayRefused: ReturnType<typeof refusedRelay>;
  },
): () => void {
  if (options.relay === undefined) return () => undefined;
  const { session, signIn, audit, receiveLogoutToken, relayRefused } = services;
  const relay = createRelayClient({
    url: options.relay.url,
    time: options.relay.time ?? options.time,
    ...(options.relay.openSocket ? { openSocket: options.relay.openSocket } : {}),
    currentIdToken: () => ('session' in session.state() ? signIn.tokens.currentIdToken() : null),
    // What the receiver made of it goes back to the relay, which sends a refused one again.
    deliver: (token, delivery) =>
      receiveLogoutToken(token, { delivery }).then(
        (result) => (result.ok ? { outcome: 'accepted' } : { outcome: 'refused', code: result.error.code }),
        () => ({ outcome: 'refused', code: 'LOGOUT_NOT_CHECKED' }),
      ),
    onEvent: (event) => {
      audit.relay(event);
      if (event.kind === 'refused' && event.stopped === true) relayRefused.set();
    },
  });
  const stopFollowing = session.onStateChange(() => relay.sessionChanged());
  return () => {
    stopFollowing();
    relay.close();
  };
}

/** Whether the relay refused this workstation as another environment's: set once, heard by the session's views. */
function refusedRelay() {
  const changes = createEmitter<[]>();
  let refused = false;
  return {
    status: { now: () => refused, onChange: (listener: () => void) => changes.on(listener) },
    set: () => {
      refused = true;
      changes.emit();
    },
  };
}
