// The key record the credential store keeps for one clinician (main/services/drafts/key-record.ts):
// what parses to a record that opens a seal, and everything that parses to none (then nothing
// opens, and the vault reports what it finds on disk instead of guessing a key).
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKeyRecord, serialiseKeyRecord } from '../../../main/services/drafts/key-record';
import type { KeyEntry } from '../../../main/services/drafts/key-record';

const keyOf = (bytes = 32): Uint8Array => new Uint8Array(randomBytes(bytes));
const encoded = (key: Uint8Array): string => Buffer.from(key).toString('base64url');
const entry = (gen: number, sealedAt: number | null, key = keyOf()): KeyEntry => ({ key, gen, sealedAt });

describe('parseKeyRecord', () => {
  it('reads a bare key, as an earlier version stored it, as generation 0 with no time and no previous key', () => {
    const key = keyOf();
    expect(parseKeyRecord(encoded(key))).toEqual({ cur: { key, gen: 0, sealedAt: null }, prev: null });
  });

  it('reads back what it serialised, with and without a previous key', () => {
    const cur = entry(3, 1000);
    const prev = entry(2, 500);
    expect(parseKeyRecord(serialiseKeyRecord({ cur, prev: null }))).toEqual({ cur, prev: null });
    expect(parseKeyRecord(serialiseKeyRecord({ cur, prev }))).toEqual({ cur, prev });
    expect(parseKeyRecord(serialiseKeyRecord({ cur: entry(0, null), prev: null }))?.cur.sealedAt).toBeNull();
  });

  it.each([
    ['a bare key of 31 bytes', encoded(keyOf(31))],
    ['a bare key of 33 bytes', encoded(keyOf(33))],
    ['an empty value', ''],
    ['a record that is not JSON', '{"v":2,'],
    ['a record of another version', JSON.stringify({ v: 1, cur: { k: encoded(keyOf()), g: 1, t: 1 } })],
    [
      'a record with a member it does not know',
      JSON.stringify({ v: 2, cur: { k: encoded(keyOf()), g: 1, t: 1 }, x: 1 }),
    ],
    ['a record whose key is 16 bytes', JSON.stringify({ v: 2, cur: { k: encoded(keyOf(16)), g: 1, t: 1 } })],
    [
      'a record whose previous key is 16 bytes',
      JSON.stringify({ v: 2, cur: { k: encoded(keyOf()), g: 2, t: 2 }, prev: { k: encoded(keyOf(16)), g: 1, t: 1 } }),
    ],
    [
      'a record whose key is 16 bytes beside a good previous key',
      JSON.stringify({ v: 2, cur: { k: encoded(keyOf(16)), g: 2, t: 2 }, prev: { k: encoded(keyOf()), g: 1, t: 1 } }),
    ],
    ['a negative generation', JSON.stringify({ v: 2, cur: { k: encoded(keyOf()), g: -1, t: 1 } })],
    ['a fractional generation', JSON.stringify({ v: 2, cur: { k: encoded(keyOf()), g: 1.5, t: 1 } })],
  ])('reads %s as no record', (_name, stored) => {
    expect(parseKeyRecord(stored)).toBeNull();
  });
});
