/**
 * Shared pieces for the vault tests: a temp folder per test, a clock that moves when told, a
 * problem recorder, and the plaintext scan every test ends with (no patient, text or subject
 * may appear in any file name or byte written by the vault).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Draft, DraftProblem } from '../../../main/core/drafts';
import { createDraftVault } from '../../../main/services/drafts';
import type { DraftVault, DraftVaultOptions } from '../../../main/services/drafts';
import type { SecretStore } from '../../../main/services/secret-store';

export const hour = 60 * 60 * 1000;

/** Subjects shaped like CIS2 UUIDs: a plain hash of these would be easy to reverse. */
export const alice = '555012345678';
export const bob = '555087654321';

export function draft(id: string, patient: string, text: string, updatedAt = 1): Draft {
  return { id, patient, text, updatedAt };
}

export class Clock {
  constructor(public t = Date.UTC(2026, 10, 24, 8, 0, 0)) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** Everything sensitive a test put into a vault, to be looked for on disk afterwards. */
export class Sensitive {
  private readonly values = new Set<string>();
  readonly dirs: string[] = [];

  folder(): string {
    const dir = mkdtempSync(join(tmpdir(), 'cws-drafts-'));
    this.dirs.push(dir);
    return join(dir, 'drafts');
  }

  note(...values: string[]): void {
    for (const v of values) if (v.length >= 4) this.values.add(v);
  }

  track(d: Draft): Draft {
    this.note(d.patient, d.text, d.id);
    return d;
  }

  /** Fails if any noted value appears in any file name or file content under the folders. */
  assertNothingInPlaintext(): number {
    let scanned = 0;
    const walk = (path: string): void => {
      for (const name of readdirSync(path)) {
        const full = join(path, name);
        for (const v of this.values)
          expect(name.includes(v), `file name ${name} contains a sensitive value`).toBe(false);
        if (statSync(full).isDirectory()) {
          walk(full);
          continue;
        }
        scanned += 1;
        const bytes = readFileSync(full);
        for (const v of this.values) {
          expect(bytes.includes(Buffer.from(v, 'utf8')), `${name} contains a sensitive value in plaintext`).toBe(false);
          expect(
            bytes.includes(Buffer.from(v, 'utf8').toString('base64url')),
            `${name} contains a sensitive value in base64url`,
          ).toBe(false);
        }
      }
    };
    for (const dir of this.dirs) walk(dir);
    return scanned;
  }

  cleanUp(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export interface Opened {
  vault: DraftVault;
  problems: DraftProblem[];
}

export async function openVault(options: DraftVaultOptions): Promise<Opened> {
  const problems: DraftProblem[] = [];
  const vault = await createDraftVault({ ...options, onProblem: (p) => problems.push(p) });
  return { vault, problems };
}

export function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch {
    return [];
  }
}

export type { SecretStore };

/**
 * gnome-keyring-daemon --daemonize can return before its collection is unlocked, so the tests
 * give the Secret Service a few seconds to come up before deciding it is not there.
 */
export async function secretServiceReady(store: SecretStore, withinMs = 5_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  for (;;) {
    if (await store.probe()) return true;
    if (!process.env.DBUS_SESSION_BUS_ADDRESS || Date.now() >= until) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
