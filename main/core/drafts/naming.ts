/**
 * File names in the drafts folder. Every name starts with a subject hash, never a subject.
 *   <hash>.drafts.jwe                   the sealed drafts of one clinician
 *   <hash>.drafts.jwe.tmp-<nonce>       a write in progress (renamed over the sealed file)
 *   <hash>.drafts.jwe.quarantined-<ms>  a torn or tampered file, kept aside unopened
 */
import type { SubjectHash } from './types';

const sealSuffix = '.drafts.jwe';
const hashPattern = /^[A-Za-z0-9_-]{43}$/;

export function isSubjectHash(value: string): value is SubjectHash {
  return hashPattern.test(value);
}

export function sealFileName(hash: SubjectHash): string {
  if (!isSubjectHash(hash)) throw new RangeError('A draft file name needs a 43-character subject hash.');
  return hash + sealSuffix;
}

export function tempFileName(hash: SubjectHash, nonce: string): string {
  return `${sealFileName(hash)}.tmp-${nonce}`;
}

export function quarantineFileName(sealName: string, now: number): string {
  return `${sealName}.quarantined-${Math.floor(now)}`;
}

export type DraftFile =
  | { kind: 'seal'; subjectHash: SubjectHash }
  | { kind: 'temp'; subjectHash: SubjectHash }
  | { kind: 'quarantined'; subjectHash: SubjectHash; quarantinedAt: number }
  | { kind: 'other' };

/** What a file in the drafts folder is, from its name alone. */
export function classifyDraftFile(name: string): DraftFile {
  const at = name.indexOf(sealSuffix);
  if (at !== 43) return { kind: 'other' };
  const subjectHash = name.slice(0, 43);
  if (!isSubjectHash(subjectHash)) return { kind: 'other' };
  const rest = name.slice(43 + sealSuffix.length);
  if (rest === '') return { kind: 'seal', subjectHash };
  if (/^\.tmp-[A-Za-z0-9_-]+$/.test(rest)) return { kind: 'temp', subjectHash };
  const q = /^\.quarantined-(\d{1,16})$/.exec(rest);
  if (q?.[1] !== undefined) return { kind: 'quarantined', subjectHash, quarantinedAt: Number(q[1]) };
  return { kind: 'other' };
}
