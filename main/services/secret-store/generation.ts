/**
 * The local sealed store's generation, kept outside its folder (issue 24, item 13).
 *
 * On Windows the draft seals (`drafts\`) and the key records that open them (this store's
 * `secrets\`) both live under `%LOCALAPPDATA%`. Restoring that whole folder (Previous Versions, a
 * backup) puts back older seals together with their older keys, so an older note would reopen
 * with no warning: each half on its own is caught (a seal no kept key opens is tampering), the
 * pair is not. So every change to the store counts up a generation, written first in the folder
 * (as one more sealed secret) and then in the OS credential store (Credential Manager, which
 * keeps it under `%APPDATA%\Microsoft\Credentials`, outside the restored tree). At first use a
 * folder whose generation is below the credential store's has been put back from the past: the
 * store refuses it (KEYRING_UNAVAILABLE, so drafts are kept in memory only), reports
 * `rolled-back`, and keeps every file. A crash between the two writes leaves the folder ahead,
 * which is taken as it is. IT accepts a restore on purpose by deleting the credential (its name
 * is in docs/security.md): a missing one is started from the folder's generation.
 *
 * The credential's account is derived from the KEK, so each PC's store (and a profile that
 * roams between PCs) has its own, and it names nothing.
 */
import type { SecretStore } from './port';
import type { StoreProblem } from './kek';

/** The service both generations are kept under: in the folder, and in the credential store. */
export const GENERATION = 'clinical-workstation-shell/secret-store-generation';
const LOCAL = 'local';

export interface GenerationDeps {
  /** The folder's own sealed secrets. */
  readonly read: (service: string, account: string) => Promise<string | null>;
  readonly write: (service: string, account: string, value: string) => Promise<void>;
  /** The OS credential store, outside the folder. */
  readonly outside: SecretStore;
  /** The credential's account for this store (derived from its KEK). */
  readonly account: () => Promise<string>;
  readonly report: (problem: StoreProblem) => void;
}

function parse(value: string | null, where: string): number | null {
  if (value === null) return null;
  if (!/^\d{1,15}$/.test(value)) throw new Error(`The secret store's generation ${where} is not a number.`);
  return Number(value);
}

/** Whether the folder is a restored past (a pure rule: the folder's and the outside generation). */
export function isRolledBack(folder: number, outside: number | null): boolean {
  return outside !== null && folder < outside;
}

export function generationLedger(deps: GenerationDeps): { check(): Promise<void>; bump(): Promise<void> } {
  let current: Promise<number> | null = null;

  async function load(): Promise<number> {
    const folder = parse(await deps.read(GENERATION, LOCAL), 'in the folder') ?? 0;
    const account = await deps.account();
    const outside = parse(await deps.outside.get(GENERATION, account), 'in the credential store');
    if (isRolledBack(folder, outside)) {
      const message = `The local secret store's folder is older than this PC's record of it (generation ${folder}, last written ${outside}): it was put back from a backup or a previous version, so the drafts it would open may be out of date. It is not used (drafts are kept in memory only) and nothing is deleted; docs/security.md says how IT can accept the restore.`;
      deps.report({ kind: 'rolled-back', message });
      throw new Error(message);
    }
    if (outside !== folder) await deps.outside.set(GENERATION, account, String(folder));
    return folder;
  }

  /** Before the store's first use: refuses a folder put back from the past. */
  function check(): Promise<number> {
    current ??= load().catch((error: unknown) => {
      current = null;
      throw error;
    });
    return current;
  }

  return {
    check: async () => {
      await check();
    },
    /** After a change: the folder first, then outside it (so a crash leaves the folder ahead). */
    async bump() {
      const next = (await check()) + 1;
      await deps.write(GENERATION, LOCAL, String(next));
      current = Promise.resolve(next);
      await deps.outside.set(GENERATION, await deps.account(), String(next));
    },
  };
}
