/**
 * Draft custody vocabulary shared by the pure rules and the vault. Same fields as the
 * contract's Draft (preload/contract.ts); the vault checks every draft against that shape.
 */
import type { ShellErrorCode } from '../errors';

/** A clinical note in progress, held by main on behalf of one clinician (the owner). */
export interface Draft {
  id: string;
  patient: string;
  text: string;
  /** Milliseconds since the epoch, by the renderer's clock; informational only. */
  updatedAt: number;
}

/** 'memory-only': the OS credential store is unusable, so nothing is sealed to disk. */
export type DraftStorage = 'protected' | 'memory-only';

/**
 * A keyed hash of a CIS2 subject (base64url of HMAC-SHA-256, 43 characters). File names and
 * keyring accounts use it so that no raw subject reaches the disk or the credential store.
 */
export type SubjectHash = string;

/** Problems the vault reports: a stable code, a file name (a hash, never a subject), no content. */
export type DraftProblemCode = Extract<
  ShellErrorCode,
  'DRAFTS_FILE_TORN' | 'DRAFTS_FILE_TAMPERED' | 'KEYRING_UNAVAILABLE' | 'STORAGE_FAILED'
>;

export interface DraftProblem {
  code: DraftProblemCode;
  message: string;
  /** Base name of the file concerned, if any (a subject hash plus suffix). */
  file?: string;
}
