/**
 * Subject hashes: HMAC-SHA-256 of the CIS2 subject under a per-workstation naming key kept in
 * the credential store. A plain SHA-256 would not do: CIS2 subjects are 12-digit numbers, few
 * enough to hash them all and read a file name back as a clinician.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { SubjectHash } from '../../core/drafts';
import type { SecretStore } from '../secret-store';

/** The keyring account of the naming key; subject keys use 43-character hashes instead. */
export const namingKeyAccount = 'subject-naming-key';

export type SubjectHasher = (subject: string) => SubjectHash;

export async function loadSubjectHasher(store: SecretStore, service: string): Promise<SubjectHasher> {
  let encoded = await store.get(service, namingKeyAccount);
  if (encoded === null || Buffer.from(encoded, 'base64url').length !== 32) {
    encoded = randomBytes(32).toString('base64url');
    await store.set(service, namingKeyAccount, encoded);
  }
  const key = Buffer.from(encoded, 'base64url');
  return (subject) =>
    createHmac('sha256', key).update('cws-drafts-subject\0').update(subject, 'utf8').digest('base64url');
}
