/** The problems the vault reports, in words a clinician or IT can act on. No content, ever. */
import type { DraftProblem, DraftProblemCode } from '../../core/drafts';
import { storeUnavailableMessage } from '../secret-store';

const messages: Record<DraftProblemCode, string> = {
  DRAFTS_FILE_TORN:
    'A saved draft file on this workstation was incomplete, so it has been set aside unopened and its drafts cannot be shown; if this happens again, tell IT.',
  DRAFTS_FILE_TAMPERED:
    'A saved draft file on this workstation failed its integrity check, so it has been set aside unopened; ask IT to check this workstation.',
  KEYRING_UNAVAILABLE: storeUnavailableMessage,
  STORAGE_FAILED:
    "Drafts could not be written to this workstation's disk, so they are held in memory only until the shell closes; ask IT to check free disk space and folder permissions.",
};

export function problem(code: DraftProblemCode, file?: string): DraftProblem {
  return file === undefined ? { code, message: messages[code] } : { code, message: messages[code], file };
}

/** The subset of a pino logger the vault uses; objects passed hold codes and file names only. */
export interface DraftVaultLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}
