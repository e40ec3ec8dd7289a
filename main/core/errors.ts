/**
 * The project's one error family. Every error the shell raises or reports is a
 * ShellError with a stable `code` that code and tests switch on, a whole-sentence `message`
 * that a clinician or an IT admin can act on, and an optional `cause` kept for diagnosis.
 *
 * Messages never contain tokens, codes, verifiers or keys: put the detail a developer needs in
 * `cause` (which the logger redacts) and keep the message about what to do next.
 *
 * The edges have three more vocabularies, each a typed union with an exhaustive table of words:
 * the IPC refusal codes the renderer sees (preload/contract.ts, `refusalFor` in
 * main/services/session/refusals.ts maps every ShellErrorCode to one), the presence reasons
 * (core/presence.ts) and the faults adapters report (core/faults.ts).
 *
 * Internal Error subclasses, each caught inside its module and never reaching a clinician, the
 * renderer or another layer as such:
 * - `PresenceUnavailable` (services/presence/dbus-source.ts): a D-Bus watch that cannot be set up
 *   now; its `reason` becomes the source's PresenceReason and the source retries.
 * - `StoreFailure` (services/drafts/sealed-folder.ts): the credential store failed; the vault
 *   falls back to keeping drafts in memory and reports it as a `drafts.storage-problem`.
 * - `LogFolderNotOursError` (services/log-folder.ts): a log folder that is a link, not a folder,
 *   or another account's; the log goes elsewhere and `log.folder-unavailable` says why.
 * - In the relay (a separate program): `RelayConfigError` (relay/config.ts), printed to the
 *   admin at start, and `BodyTooLarge` (relay/http.ts), answered with HTTP 413.
 *
 * A plain `Error` is thrown only for a programming fault (a store used outside its provider, a
 * source registered twice, a catalogue entry the templates cannot express) or inside a module
 * that catches it and reports a ShellError, a reason or a fault code in its place (the sealed
 * secret store, the PC/SC and WTS loaders, the Redis transaction).
 */

/** Stable codes. Add new ones here; never rename or reuse one (logs and tests depend on them). */
export type ShellErrorCode =
  // sign-in
  | 'SIGNIN_CANCELLED'
  | 'SIGNIN_TIMEOUT'
  | 'SIGNIN_ACCESS_DENIED'
  | 'SIGNIN_LOGIN_REQUIRED'
  | 'SIGNIN_PROVIDER_ERROR'
  | 'SIGNIN_DISCOVERY_FAILED'
  | 'SIGNIN_BROWSER_FAILED'
  | 'SIGNIN_TOKEN_REJECTED'
  | 'SIGNIN_AUTH_TIME_STALE'
  | 'SIGNIN_AUTH_TIME_MISSING'
  | 'SIGNIN_USERINFO_MISMATCH'
  | 'SIGNIN_NETWORK'
  /** The network's proxy asked for credentials the PC's own Windows sign-in cannot answer (HTTP 407). */
  | 'SIGNIN_PROXY_AUTH'
  | 'SIGNIN_CLIENT_KEY_MISSING'
  /** The sign-in did not prove the assurance this workstation needs (MinimumAssurance, or less than the acr_values asked). */
  | 'SIGNIN_ASSURANCE_TOO_LOW'
  // tokens
  | 'TOKEN_REFRESH_FAILED'
  | 'TOKEN_SIGNED_OUT'
  /** Sign-out could not tell CIS2 to revoke the tokens (the local session had already ended). */
  | 'TOKEN_REVOCATION_FAILED'
  // configuration and storage
  | 'CONFIG_INVALID'
  | 'KEYRING_UNAVAILABLE'
  | 'STORAGE_FAILED'
  /** The audit log folder could not be opened, so the log went to standard error instead. */
  | 'LOG_FOLDER_UNAVAILABLE'
  // drafts at rest: a sealed draft file set aside unopened
  | 'DRAFTS_FILE_TORN'
  | 'DRAFTS_FILE_TAMPERED'
  | 'DRAFTS_LIMIT_REACHED'
  // back-channel logout: one code per OIDC BCL §2.6 / CIS2 check a logout token failed
  | 'LOGOUT_TOKEN_MALFORMED'
  | 'LOGOUT_TOKEN_ALG_REFUSED'
  | 'LOGOUT_TOKEN_SIGNATURE_INVALID'
  | 'LOGOUT_TOKEN_KEYS_UNAVAILABLE'
  | 'LOGOUT_TOKEN_ISSUER_MISMATCH'
  | 'LOGOUT_TOKEN_AUDIENCE_MISMATCH'
  | 'LOGOUT_TOKEN_IAT_MISSING'
  | 'LOGOUT_TOKEN_ISSUED_IN_FUTURE'
  | 'LOGOUT_TOKEN_TOO_OLD'
  | 'LOGOUT_TOKEN_EXPIRED'
  | 'LOGOUT_TOKEN_EVENTS_MISSING'
  | 'LOGOUT_TOKEN_NOT_LOGOUT_EVENT'
  | 'LOGOUT_TOKEN_NONCE_PRESENT'
  | 'LOGOUT_TOKEN_SUBJECT_MISSING'
  | 'LOGOUT_TOKEN_JTI_MISSING'
  | 'LOGOUT_TOKEN_REPLAYED'
  | 'IPC_INVALID'
  // a clinician's request that the session's state does not allow (core/session/requests.ts)
  | 'SESSION_NOT_ACTIVE'
  | 'SESSION_WRONG_STATE'
  | 'INTERNAL';

export class ShellError extends Error {
  override readonly name = 'ShellError';
  readonly code: ShellErrorCode;

  constructor(code: ShellErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** A plain, serialisable view (for IPC and logs): no cause, which may carry secrets. */
  toJSON(): { code: ShellErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isShellError(value: unknown): value is ShellError {
  return value instanceof ShellError;
}

/** Invariants fail loudly: use for states that cannot happen (guessing past them hides faults). */
export function invariant(condition: unknown, what: string): asserts condition {
  if (!condition) {
    throw new ShellError(
      'INTERNAL',
      `The shell reached a state it should never reach (${what}); please report this to IT.`,
    );
  }
}

/**
 * An error and the causes under it, at most `depth` deep (openid-client wraps fetch's TypeError,
 * which wraps undici's or Chromium's own error): where a fixed code can be looked for without
 * reading any message.
 */
export function causeChain(error: unknown, depth = 4): readonly object[] {
  const chain: object[] = [];
  for (let current = error; chain.length < depth && current !== null && typeof current === 'object';) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}
