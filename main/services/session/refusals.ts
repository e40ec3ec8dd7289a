/**
 * The one table from the project's error codes to the IPC contract's refusal vocabulary.
 * Exhaustive: a new ShellErrorCode does not compile until it says how it is refused to the
 * renderer. Codes that never answer a renderer request map to 'internal-error'.
 */
import type { ShellErrorCode } from '../../core/errors';
import type { RefusalCode } from '../../../preload/contract';

export const refusalFor: Readonly<Record<ShellErrorCode, RefusalCode>> = {
  SESSION_NOT_ACTIVE: 'not-active',
  SESSION_WRONG_STATE: 'wrong-state',
  IPC_INVALID: 'draft-invalid',
  DRAFTS_LIMIT_REACHED: 'drafts-limit-reached',
  STORAGE_FAILED: 'storage-failed',
  KEYRING_UNAVAILABLE: 'storage-failed',
  // Sign-in outcomes reach the clinician as a notice on the view, never as a refusal.
  SIGNIN_CANCELLED: 'internal-error',
  SIGNIN_TIMEOUT: 'internal-error',
  SIGNIN_ACCESS_DENIED: 'internal-error',
  SIGNIN_LOGIN_REQUIRED: 'internal-error',
  SIGNIN_PROVIDER_ERROR: 'internal-error',
  SIGNIN_DISCOVERY_FAILED: 'internal-error',
  SIGNIN_BROWSER_FAILED: 'internal-error',
  SIGNIN_TOKEN_REJECTED: 'internal-error',
  SIGNIN_AUTH_TIME_STALE: 'internal-error',
  SIGNIN_AUTH_TIME_MISSING: 'internal-error',
  SIGNIN_USERINFO_MISMATCH: 'internal-error',
  SIGNIN_NETWORK: 'internal-error',
  SIGNIN_PROXY_AUTH: 'internal-error',
  SIGNIN_CLIENT_KEY_MISSING: 'internal-error',
  SIGNIN_ASSURANCE_TOO_LOW: 'internal-error',
  // Token, configuration, logging and logout-token codes belong to the audit log only.
  TOKEN_REFRESH_FAILED: 'internal-error',
  TOKEN_SIGNED_OUT: 'internal-error',
  TOKEN_REVOCATION_FAILED: 'internal-error',
  CONFIG_INVALID: 'internal-error',
  LOG_FOLDER_UNAVAILABLE: 'internal-error',
  DRAFTS_FILE_TORN: 'internal-error',
  DRAFTS_FILE_TAMPERED: 'internal-error',
  LOGOUT_TOKEN_MALFORMED: 'internal-error',
  LOGOUT_TOKEN_ALG_REFUSED: 'internal-error',
  LOGOUT_TOKEN_SIGNATURE_INVALID: 'internal-error',
  LOGOUT_TOKEN_KEYS_UNAVAILABLE: 'internal-error',
  LOGOUT_TOKEN_ISSUER_MISMATCH: 'internal-error',
  LOGOUT_TOKEN_AUDIENCE_MISMATCH: 'internal-error',
  LOGOUT_TOKEN_IAT_MISSING: 'internal-error',
  LOGOUT_TOKEN_ISSUED_IN_FUTURE: 'internal-error',
  LOGOUT_TOKEN_TOO_OLD: 'internal-error',
  LOGOUT_TOKEN_EXPIRED: 'internal-error',
  LOGOUT_TOKEN_EVENTS_MISSING: 'internal-error',
  LOGOUT_TOKEN_NOT_LOGOUT_EVENT: 'internal-error',
  LOGOUT_TOKEN_NONCE_PRESENT: 'internal-error',
  LOGOUT_TOKEN_SUBJECT_MISSING: 'internal-error',
  LOGOUT_TOKEN_JTI_MISSING: 'internal-error',
  LOGOUT_TOKEN_REPLAYED: 'internal-error',
  INTERNAL: 'internal-error',
};
