/**
 * What the credential store keeps for one clinician: the key of the seal on disk, with the
 * generation and the moment of that seal, and (only while a write is in flight) the key of the
 * seal it replaces.
 *
 * Every write seals under a fresh key. The new key is stored, next to the old one, before the
 * new file is renamed into place; the old key is dropped once the rename has happened. So:
 * - an older copy of the file put back (a backup, Previous Versions, a sync conflict) was sealed
 *   under a key the store no longer has: it does not open, and is reported as tampering;
 * - a crash between storing the new key and the rename leaves the old file with the old key
 *   still kept (`prev`), so nothing saved is lost; the next read opens it and tidies the record;
 * - the generation and sealedAt are also in the seal's protected header, which AES-GCM
 *   authenticates: a seal whose authenticated values disagree with these is tampering, and
 *   retention is decided on them, never on an unauthenticated header.
 */
import * as z from 'zod';

const keyBytes = 32;

export interface KeyEntry {
  /** The 256-bit content key. */
  key: Uint8Array;
  /** Counts the writes for this clinician; 0 for a key stored before generations existed. */
  gen: number;
  /** When the seal under this key was made; null for a key stored before generations existed. */
  sealedAt: number | null;
}

export interface KeyRecord {
  cur: KeyEntry;
  /** The key of the seal being replaced, kept until the new file's rename is done. */
  prev: KeyEntry | null;
}

// g 0 and t null: a key kept from before generations (its seal has no generation in its header).
const EntryOnStore = z.strictObject({
  k: z.string(),
  g: z.int().min(0),
  t: z.number().refine(Number.isFinite).nullable(),
});
const RecordOnStore = z.strictObject({ v: z.literal(2), cur: EntryOnStore, prev: EntryOnStore.optional() });

function decodeKey(encoded: string): Uint8Array | null {
  const key = Buffer.from(encoded, 'base64url');
  return key.length === keyBytes ? new Uint8Array(key) : null;
}

/** The record in a stored value, or null when the value is not one (then nothing opens). */
export function parseKeyRecord(stored: string): KeyRecord | null {
  // A bare key: stored by an earlier version, one key per clinician for every write.
  if (!stored.startsWith('{')) {
    const key = decodeKey(stored);
    return key === null ? null : { cur: { key, gen: 0, sealedAt: null }, prev: null };
  }
  let parsed;
  try {
    parsed = RecordOnStore.safeParse(JSON.parse(stored));
  } catch {
    return null;
  }
  if (!parsed.success) return null;
  const entry = (e: z.infer<typeof EntryOnStore>): KeyEntry | null => {
    const key = decodeKey(e.k);
    return key === null ? null : { key, gen: e.g, sealedAt: e.t };
  };
  const cur = entry(parsed.data.cur);
  const prev = parsed.data.prev === undefined ? null : entry(parsed.data.prev);
  if (cur === null || (parsed.data.prev !== undefined && prev === null)) return null;
  return { cur, prev };
}

export function serialiseKeyRecord(record: KeyRecord): string {
  const entry = (e: KeyEntry): z.infer<typeof EntryOnStore> => ({
    k: Buffer.from(e.key).toString('base64url'),
    g: e.gen,
    t: e.sealedAt,
  });
  return JSON.stringify(
    record.prev === null
      ? { v: 2, cur: entry(record.cur) }
      : { v: 2, cur: entry(record.cur), prev: entry(record.prev) },
  );
}
