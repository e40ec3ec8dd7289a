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
import { createDraftVault } from './drafts';
import type { DraftVault } from './drafts';
import type { Logger } from './logger';
import { createLogoutTokenValidatorFor, createSignInService, toShellError } from './oidc';
import type { LogoutTokenResult, LogoutTokenValidator, OidcSettings, SignInService, SystemBrowser } from './oidc';
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
  /** HTTP for every request to the issuer; the global fetch when omitted (tests watch the exchange with it). */
  readonly fetch?: CustomFetch;
}

export interface AppServices {
  readonly session: SessionService;
  readonly signIn: SignInService;
  readonly vault: DraftVault;
  /**
   * A CIS2 back-channel logout token, from whatever relays it to this workstation: checked
   * (OIDC BCL §2.6), then the session it names ends and its drafts are sealed.
   */
  receiveLogoutToken(token: string): Promise<LogoutTokenResult>;
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
    // private_key_jwt: the key IT provisioned into the OS credential store.
    ...(options.oidc.clientAuth.method === 'private_key_jwt' ? { keySource: createClientKeyStore() } : {}),
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
  });
  // Shred what outlived its retention: from earlier runs at once, then every few minutes.
  const sweep = (): void =>
    void vault
      .sweepExpired()
      .then((clinicians) => clinicians > 0 && audit.draftsShredded(clinicians))
      .catch((error: unknown) => audit.stepFailed('sweep expired drafts', error));
  sweep();
  const stopSweeping = options.time.every(5 * 60_000, sweep);
  let validator: Promise<LogoutTokenValidator> | null = null;
  async function receiveLogoutToken(token: string): Promise<LogoutTokenResult> {
    validator ??= signIn.providerMetadata().then((metadata) => createLogoutTokenValidatorFor(options.oidc, metadata, { now: wall }));
    // A failed discovery is tried again with the next token.
    const validate = await validator.catch((error: unknown) => {
      validator = null;
      // The token could not be checked (CIS2 unreachable): refused, and counted as downstream.
      audit.logoutRefused(toShellError(error));
      throw error;
    });
    const result = await validate(token);
    if (result.ok) {
      audit.logoutAccepted({ subject: result.subject, sessionId: result.sessionId });
      session.backchannelLogout({ subject: result.subject, sessionId: result.sessionId });
    } else audit.logoutRefused(result.error);
    return result;
  }

  return {
    session,
    signIn,
    vault,
    receiveLogoutToken,
    async close() {
      stopSweeping();
      signIn.cancel();
      await session.settled();
      await vault.flush();
      session.dispose();
    },
  };
}
