/**
 * Policy files: JSON on Linux (`/etc/clinical-workstation-shell/policy.json`), and the managed
 * preferences plist on macOS (`/Library/Managed Preferences/<bundle id>.plist`, written by a
 * configuration profile). macOS often stores managed preferences as binary plists, so the
 * format is chosen by the file's first bytes, not its name. The plist parsers are loaded only
 * when a plist is read, so Windows and Linux workstations never hold them in memory.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { unreadable } from './source';
import type { SourceRead } from './source';

export const LINUX_POLICY_FILE = '/etc/clinical-workstation-shell/policy.json';
export const MACOS_POLICY_FILE = '/Library/Managed Preferences/uk.nhs.clinical-workstation-shell.plist';

export type ReadFile = (path: string) => Promise<Buffer>;
export const readFileBytes: ReadFile = (path) => fsReadFile(path);

/** A policy file is small; anything far larger is not one and is not parsed. */
const MAX_BYTES = 1 << 20;

export async function readJsonSource(path: string, readFile: ReadFile = readFileBytes): Promise<SourceRead> {
  return readSource(path, readFile, 'JSON', (bytes) => JSON.parse(bytes.toString('utf8')) as unknown);
}

export async function readPlistSource(path: string, readFile: ReadFile = readFileBytes): Promise<SourceRead> {
  const [{ parseBuffer }, { parse }] = await Promise.all([import('bplist-parser'), import('plist')]);
  return readSource(path, readFile, 'property list', (bytes) => {
    if (bytes.subarray(0, 8).toString('latin1') === 'bplist00') return parseBuffer(bytes)[0] as unknown;
    return parse(bytes.toString('utf8'));
  });
}

async function readSource(
  path: string,
  readFile: ReadFile,
  format: string,
  parseBytes: (bytes: Buffer) => unknown,
): Promise<SourceRead> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      return { source: path, status: 'absent', values: {}, problems: [] };
    return unreadable(
      path,
      'The policy file could not be read, so none of its settings apply; check that the account running the shell may read it.',
    );
  }
  if (bytes.length > MAX_BYTES)
    return unreadable(
      path,
      'The policy file is larger than 1 MB, so it is not read and none of its settings apply; replace it with the settings file from the templates.',
    );
  let root: unknown;
  try {
    root = parseBytes(bytes);
  } catch {
    return unreadable(
      path,
      `The policy file is not a valid ${format}, so none of its settings apply; correct it (the templates have an example).`,
    );
  }
  if (!isPlainObject(root)) {
    return unreadable(
      path,
      `The policy file must hold one ${format === 'JSON' ? 'object' : 'dictionary'} of settings, so none of it applies; correct it (the templates have an example).`,
    );
  }
  return { source: path, status: 'read', values: root, problems: [] };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
