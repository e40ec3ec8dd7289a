/**
 * A private folder's files, written so a crash leaves the old content or the new, never half:
 * a temp file created `0600` in the same folder, fsync, rename over the name, fsync of the folder
 * where the OS allows it. The drafts folder (drafts/files.ts) and the local secret store
 * (secret-store/sealed-entries.ts) both keep their files this way. Folders are created `0700`;
 * on Windows the modes are ignored and the folder's place in the user's profile keeps others out.
 */
import { link, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

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

/** Writes `name` in `dir` through the temp file `temp` (same folder, so the rename is atomic). */
export async function writeAtomically(dir: string, name: string, content: string, temp: string): Promise<void> {
  try {
    await writeNewPrivateFile(join(dir, temp), content);
    await rename(join(dir, temp), join(dir, name));
  } catch (error) {
    await removeIfPresent(dir, temp).catch(() => undefined);
    throw error;
  }
  await syncFolder(dir);
}

/**
 * Creates `name` in `dir` only if it does not exist yet: the content goes to the temp file `temp`
 * first (so whoever sees `name` sees all of it), which is then hard-linked to `name`. link(2) and
 * Windows' CreateHardLinkW both fail when the name exists, so of two writers only one creates
 * it; the other gets false and must read what is there. The temp file is removed either way.
 */
export async function createExclusively(dir: string, name: string, content: string, temp: string): Promise<boolean> {
  let created = true;
  try {
    await writeNewPrivateFile(join(dir, temp), content);
    await link(join(dir, temp), join(dir, name)).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
      created = false;
    });
  } finally {
    await removeIfPresent(dir, temp).catch(() => undefined);
  }
  await syncFolder(dir);
  return created;
}

/** Creates `path` (which must not exist) readable by its owner only, with `content` on disk. */
async function writeNewPrivateFile(path: string, content: string): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename durable. Windows cannot open a folder for fsync; NTFS journals the rename. */
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
