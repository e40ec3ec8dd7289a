import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyDraftFile,
  isSubjectHash,
  quarantineFileName,
  sealFileName,
  tempFileName,
} from '../../../main/core/drafts';

/** CI raises this (FC_NUM_RUNS) to run the safety properties over many more cases. */
const numRuns = Number(process.env.FC_NUM_RUNS ?? 1000);

const hash = 'Qx9_-'.padEnd(43, 'z');

describe('draft file names', () => {
  it('round-trips every kind of name through classifyDraftFile', () => {
    expect(classifyDraftFile(sealFileName(hash))).toEqual({ kind: 'seal', subjectHash: hash });
    expect(classifyDraftFile(tempFileName(hash, 'n0nce_-'))).toEqual({ kind: 'temp', subjectHash: hash });
    expect(classifyDraftFile(quarantineFileName(sealFileName(hash), 1234.9))).toEqual({
      kind: 'quarantined',
      subjectHash: hash,
      quarantinedAt: 1234,
    });
  });

  it.each([
    '',
    'notes.txt',
    `${hash}.drafts.json`,
    `${hash}x.drafts.jwe`,
    `${hash}.drafts.jwe.bak`,
    `${hash.slice(1)}.drafts.jwe`,
    `../${hash}.drafts.jwe`,
    // Eleven characters where the suffix belongs, so the length alone would pass for a sealed file.
    `${hash}.drafts.txt`,
    `${hash}.sealed.jwe`,
    // Where the hash belongs, 43 characters that are not a hash.
    `${'!'.repeat(43)}.drafts.jwe`,
    `${'.'.repeat(43)}.drafts.jwe.tmp-abc`,
    // A temp or quarantine marker with something before or after it.
    `${hash}.drafts.jwex.tmp-abc`,
    `${hash}.drafts.jwe.tmp-abc.bak`,
    `${hash}.drafts.jwe.tmp-`,
    `${hash}.drafts.jwex.quarantined-123`,
    `${hash}.drafts.jwe.quarantined-123x`,
    `${hash}.drafts.jwe.quarantined-${'1'.repeat(17)}`,
  ])('treats %j as not ours', (name) => {
    expect(classifyDraftFile(name)).toEqual({ kind: 'other' });
  });

  it('refuses to name a file after anything but a subject hash (a raw CIS2 subject, say)', () => {
    expect(() => sealFileName('555012345678')).toThrow(RangeError);
    expect(() => sealFileName('../'.repeat(15))).toThrow(RangeError);
    expect(() => sealFileName('../'.repeat(15))).toThrow('A draft file name needs a 43-character subject hash.');
  });

  it('takes a subject hash to be exactly 43 base64url characters, nothing before or after', () => {
    expect(isSubjectHash(hash)).toBe(true);
    expect(isSubjectHash(`.${hash}`)).toBe(false);
    expect(isSubjectHash(`${hash}.`)).toBe(false);
    expect(isSubjectHash(`${hash}a`)).toBe(false);
    expect(isSubjectHash(hash.slice(1))).toBe(false);
  });

  it('property: only 43-character base64url strings are subject hashes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (value) => {
        expect(isSubjectHash(value)).toBe(/^[A-Za-z0-9_-]{43}$/.test(value));
      }),
      { numRuns },
    );
  });
});
