// The seal itself (main/services/drafts/seal.ts), one refusal at a time: a file that is not five
// parts, or whose header is not JSON, is torn; a header that names another algorithm, another
// encryption, no kid or no time, or another clinician's kid, is tampered with; so is a seal that
// opens to something that is not the drafts' payload, or whose authenticated generation is not a
// whole number of zero or more. Built with jose as the vault builds them, so each case breaks
// exactly one rule.
import { randomBytes } from 'node:crypto';
import { CompactEncrypt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { SubjectHash } from '../../../main/core/drafts';
import { openSeal, readSealHeader, sealDrafts } from '../../../main/services/drafts/seal';

const kid = 'A'.repeat(43) as SubjectHash;
const otherKid = 'B'.repeat(43) as SubjectHash;
const key = new Uint8Array(randomBytes(32));
const drafts = [{ id: 'd1', patient: 'Jane Doe', text: 'Obs stable', updatedAt: 1 }];
const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A seal with this protected header and payload, authentic under `key`. */
function sealWith(header: Record<string, unknown>, payload: unknown): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, gen: 1, sealedAt: 1000, ...header })
    .encrypt(key);
}

describe('readSealHeader', () => {
  it('reads kid and sealedAt from a whole seal', async () => {
    expect(readSealHeader(await sealDrafts(drafts, key, kid, 1, 1000))).toEqual({ ok: true, kid, sealedAt: 1000 });
  });

  it.each([
    ['three parts', 'a.b.c'],
    ['six parts', 'a.b.c.d.e.f'],
    ['a header that is not JSON', `${Buffer.from('not json').toString('base64url')}.b.c.d.e`],
  ])('%s: torn', (_name, jwe) => {
    expect(readSealHeader(jwe)).toEqual({ ok: false, code: 'DRAFTS_FILE_TORN' });
  });

  it('the first three parts of a whole seal (a readable header, the rest cut off): torn', async () => {
    const whole = await sealDrafts(drafts, key, kid, 1, 1000);
    expect(readSealHeader(whole.split('.').slice(0, 3).join('.'))).toEqual({ ok: false, code: 'DRAFTS_FILE_TORN' });
  });

  it.each([
    ['another algorithm', { alg: 'A256KW', enc: 'A256GCM', kid, sealedAt: 1 }],
    ['another encryption', { alg: 'dir', enc: 'A128GCM', kid, sealedAt: 1 }],
    ['no kid', { alg: 'dir', enc: 'A256GCM', sealedAt: 1 }],
    ['no time', { alg: 'dir', enc: 'A256GCM', kid }],
    ['a time that is not a number', { alg: 'dir', enc: 'A256GCM', kid, sealedAt: '1' }],
  ])('a header with %s: tampered', (_name, header) => {
    expect(readSealHeader(`${b64(header)}..iv.ciphertext.tag`)).toEqual({ ok: false, code: 'DRAFTS_FILE_TAMPERED' });
  });
});

describe('openSeal', () => {
  it('opens a whole seal to its drafts, generation and time', async () => {
    expect(await openSeal(await sealDrafts(drafts, key, kid, 3, 1000), key, kid)).toEqual({
      ok: true,
      drafts,
      gen: 3,
      sealedAt: 1000,
    });
  });

  it("refuses another clinician's seal before trying to open it", async () => {
    expect(await openSeal(await sealDrafts(drafts, key, otherKid, 1, 1000), key, kid)).toEqual({
      ok: false,
      code: 'DRAFTS_FILE_TAMPERED',
    });
  });

  it('refuses a seal that opens to something other than the drafts payload', async () => {
    expect(await openSeal(await sealWith({}, { v: 1, drafts: [{ id: '' }] }), key, kid)).toEqual({
      ok: false,
      code: 'DRAFTS_FILE_TAMPERED',
    });
    expect(await openSeal(await sealWith({}, { v: 2, drafts }), key, kid)).toEqual({
      ok: false,
      code: 'DRAFTS_FILE_TAMPERED',
    });
  });

  it.each([
    ['a negative generation', { gen: -1 }],
    ['a generation that is not whole', { gen: 1.5 }],
    ['a generation that is not a number', { gen: '1' }],
  ])('refuses %s', async (_name, header) => {
    expect(await openSeal(await sealWith(header, { v: 1, drafts }), key, kid)).toEqual({
      ok: false,
      code: 'DRAFTS_FILE_TAMPERED',
    });
  });

  it('a seal from before generations (no gen) opens as generation 0', async () => {
    expect(await openSeal(await sealWith({ gen: undefined }, { v: 1, drafts }), key, kid)).toMatchObject({
      ok: true,
      gen: 0,
    });
  });

  it('refuses a seal whose payload is not UTF-8 as tampered, instead of reading it with replacement characters', async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ v: 1, drafts: [{ ...drafts[0], text: 'Obs @' }] }));
    bytes[bytes.indexOf('@'.charCodeAt(0))] = 0xff;
    const jwe = await new CompactEncrypt(bytes)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid, gen: 1, sealedAt: 1000 })
      .encrypt(key);
    expect(await openSeal(jwe, key, kid)).toEqual({ ok: false, code: 'DRAFTS_FILE_TAMPERED' });
  });

  it('a seal whose initialisation vector was cut short is torn, not tampered with', async () => {
    const parts = (await sealDrafts(drafts, key, kid, 1, 1000)).split('.');
    const cut = [parts[0], parts[1], (parts[2] ?? '').slice(0, 8), parts[3], parts[4]].join('.');
    expect(await openSeal(cut, key, kid)).toEqual({ ok: false, code: 'DRAFTS_FILE_TORN' });
  });

  it('a changed byte is tampering, a cut-off seal is torn', async () => {
    const whole = await sealDrafts(drafts, key, kid, 1, 1000);
    const parts = whole.split('.');
    const tag = parts[4] ?? '';
    const flipped = [...parts.slice(0, 4), `${tag[0] === 'A' ? 'B' : 'A'}${tag.slice(1)}`].join('.');
    expect(await openSeal(flipped, key, kid)).toEqual({ ok: false, code: 'DRAFTS_FILE_TAMPERED' });
    expect(await openSeal(parts.slice(0, 4).join('.'), key, kid)).toEqual({ ok: false, code: 'DRAFTS_FILE_TORN' });
  });
});
