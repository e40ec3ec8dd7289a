/**
 * The drafts folder on disk. Writes are atomic (temp file in the same folder, fsync, rename,
 * fsync the folder where the platform allows), so a crash leaves the old seal or the new one,
 * never half of one. Files are created 0600 in a 0700 folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { tempFileName } from '../../core/drafts';
import type { SubjectHash } from '../../core/drafts';

export async function prepareFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

export async function listFolder(dir: string): Promise<string[]> {
  return readdir(dir);
}

export async function readIfPresent(dir: string, name: string): Promise<string | null> {
  try {
    return await readFile(join(dir, name), 'utf8');
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

export async function writeAtomically(dir: string, name: string, hash: SubjectHash, content: string): Promise<void> {
  const temp = join(dir, tempFileName(hash, randomBytes(6).toString('base64url')));
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, name));
  } catch (error) {
    await removeIfPresent(dir, temp.slice(dir.length + 1)).catch(() => undefined);
    throw error;
  }
  await syncFolder(dir);
}

/** Makes the rename itself durable. Windows cannot open a folder for fsync; NTFS journals it. */
async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Best effort only: see above.
  } finally {
    await handle?.close();
  }
}

export async function removeIfPresent(dir: string, name: string): Promise<boolean> {
  try {
    await unlink(join(dir, name));
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

export async function moveAside(dir: string, from: string, to: string): Promise<void> {
  await rename(join(dir, from), join(dir, to));
  await syncFolder(dir);
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}
