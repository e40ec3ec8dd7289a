/**
 * Sealing drafts: JWE compact serialisation, `dir` + `A256GCM`, a fresh 256-bit key for every
 * write (key-record.ts). The protected header carries only non-identifying data (alg, enc,
 * kid = subject hash, gen, sealedAt) and AES-GCM authenticates it, so a changed or swapped
 * header fails to open. Nothing read from a header is trusted before the seal has opened.
 */
import { CompactEncrypt, compactDecrypt, decodeProtectedHeader, errors } from 'jose';
import * as z from 'zod';
import type { Draft, SubjectHash } from '../../core/drafts';
import { isFiniteNumber } from '../../core/finite';

const payloadVersion = 1;

const DraftOnDisk = z.strictObject({
  id: z.string().min(1),
  patient: z.string(),
  text: z.string(),
  updatedAt: z.number(),
});
const Payload = z.strictObject({ v: z.literal(payloadVersion), drafts: z.array(DraftOnDisk) });

/** A generation: a whole number of zero or more. */
function isGeneration(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

export async function sealDrafts(
  drafts: readonly Draft[],
  key: Uint8Array,
  kid: SubjectHash,
  gen: number,
  sealedAt: number,
): Promise<string> {
  const payload = encoder.encode(JSON.stringify({ v: payloadVersion, drafts }));
  return new CompactEncrypt(payload)
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, gen, sealedAt })
    .encrypt(key);
}

export type SealHeader =
  { ok: true; kid: string; sealedAt: number } | { ok: false; code: 'DRAFTS_FILE_TORN' | 'DRAFTS_FILE_TAMPERED' };

/**
 * What can be read without the key: only enough to tell a torn file from a whole one and to
 * check the name. Not authenticated: never decide anything else (retention above all) on it.
 */
export function readSealHeader(jwe: string): SealHeader {
  if (jwe.split('.').length !== 5) return { ok: false, code: 'DRAFTS_FILE_TORN' };
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jwe);
  } catch {
    return { ok: false, code: 'DRAFTS_FILE_TORN' };
  }
  const { alg, enc, kid, sealedAt } = header;
  if (alg !== 'dir' || enc !== 'A256GCM' || typeof kid !== 'string' || !isFiniteNumber(sealedAt)) {
    return { ok: false, code: 'DRAFTS_FILE_TAMPERED' };
  }
  return { ok: true, kid, sealedAt };
}

export type Opened =
  /** `gen` and `sealedAt` from the authenticated protected header (gen 0: sealed before generations). */
  | { ok: true; drafts: Draft[]; gen: number; sealedAt: number }
  | { ok: false; code: 'DRAFTS_FILE_TORN' | 'DRAFTS_FILE_TAMPERED' };

/** Opens a seal for `kid` with its key. Anything short of an intact, authentic seal is refused. */
export async function openSeal(jwe: string, key: Uint8Array, kid: SubjectHash): Promise<Opened> {
  const header = readSealHeader(jwe);
  if (!header.ok) return header;
  if (header.kid !== kid) return { ok: false, code: 'DRAFTS_FILE_TAMPERED' };
  let plaintext: Uint8Array;
  let authenticated: Record<string, unknown>;
  try {
    // Stryker disable next-line ObjectLiteral: readSealHeader has already refused any alg but dir and any enc but A256GCM, read from the same protected header jose reads here
    const opened = await compactDecrypt(jwe, key, {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    plaintext = opened.plaintext;
    authenticated = opened.protectedHeader as Record<string, unknown>;
  } catch (error) {
    // A failed tag check means the bytes were changed; anything else means they are incomplete.
    return {
      ok: false,
      code: error instanceof errors.JWEDecryptionFailed ? 'DRAFTS_FILE_TAMPERED' : 'DRAFTS_FILE_TORN',
    };
  }
  // Now authentic: the protected header AES-GCM authenticated is the one readSealHeader checked
  // (a compact seal has no other), so its kid and sealedAt are this clinician's and a time; gen
  // is read here for the first time.
  const { gen = 0 } = authenticated;
  if (!isGeneration(gen)) return { ok: false, code: 'DRAFTS_FILE_TAMPERED' };
  try {
    // A payload that is not UTF-8, not JSON or not the drafts' shape throws: tampering.
    const { drafts } = Payload.parse(JSON.parse(decoder.decode(plaintext)));
    return { ok: true, drafts, gen, sealedAt: header.sealedAt };
  } catch {
    return { ok: false, code: 'DRAFTS_FILE_TAMPERED' };
  }
}
