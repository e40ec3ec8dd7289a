/**
 * The drafts folder on disk, through the atomic folder I/O of ../files.ts: a crash leaves the old
 * seal or the new one, never half of one. A draft's temp file carries its subject hash
 * (core/drafts tempFileName), so a crash's leftovers can be told apart per clinician.
 */
import { randomBytes } from 'node:crypto';
import { tempFileName } from '../../core/drafts';
import type { SubjectHash } from '../../core/drafts';
import { writeAtomically as writeThroughTemp } from '../files';

export { listFolder, moveAside, prepareFolder, readIfPresent, removeIfPresent } from '../files';

export async function writeAtomically(dir: string, name: string, hash: SubjectHash, content: string): Promise<void> {
  await writeThroughTemp(dir, name, content, tempFileName(hash, randomBytes(6).toString('base64url')));
}
