/**
 * Windows policy: `HKLM\SOFTWARE\Policies\NHS\Clinical Workstation Shell`, then the same key in
 * HKCU, read with `reg.exe query <key> /s /reg:64` (no native module; run by main/platform/programs.ts). Only administrators can
 * write under SOFTWARE\Policies in either hive.
 *
 * reg.exe prints a blank line, then per key a header line with the full key path and one line
 * per value: four spaces, name, four spaces, type, four spaces, data (CRLF line ends). REG_DWORD
 * data is 0x hex; REG_MULTI_SZ items are joined by the two characters `\0`; an empty REG_SZ has
 * no data after the type. /s adds each subkey as its own block, which is how the Group Policy
 * `list` element stores Scopes: values 1, 2, 3… under the Scopes subkey (see templates/admx.ts).
 */
import { REG_EXE } from '../../platform/programs';
import type { ExecFile, ExecResult } from '../../platform/programs';
import { shortName, unreadable } from './source';
import type { PolicyProblem, SourceRead } from './source';

export const POLICY_KEY = 'SOFTWARE\\Policies\\NHS\\Clinical Workstation Shell';
/** The subkey the ADMX `list` element writes Scopes into, one numbered value per scope. */
export const LIST_SUBKEYS = ['Scopes', 'TrustedAudiences'] as const;

export type Hive = 'HKLM' | 'HKCU';

export interface RegistryValue {
  readonly name: string;
  readonly type: string;
  readonly data: string | number | string[];
}
export interface RegistryKey {
  readonly path: string;
  readonly values: RegistryValue[];
}

const VALUE_LINE = /^ {4}(.+?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

/** Parses `reg query` output into its keys and values, converting data by type. */
export function parseRegQuery(stdout: string): RegistryKey[] {
  const keys: { path: string; values: RegistryValue[] }[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const value = VALUE_LINE.exec(line);
    if (value && keys.length > 0) {
      const [, name = '', type = '', raw = ''] = value;
      keys.at(-1)?.values.push({ name, type, data: convert(type, raw) });
    } else if (!line.startsWith(' ')) {
      keys.push({ path: line.trim(), values: [] });
    }
  }
  return keys;
}

function convert(type: string, raw: string): string | number | string[] {
  if ((type === 'REG_DWORD' || type === 'REG_QWORD') && /^0x[0-9a-f]+$/i.test(raw))
    return Number.parseInt(raw.slice(2), 16);
  if (type === 'REG_MULTI_SZ') return raw === '' ? [] : raw.split('\\0');
  return raw;
}

/** Reads one hive's policy key and its list subkeys into a raw layer. */
export async function readRegistrySource(hive: Hive, exec: ExecFile): Promise<SourceRead> {
  const source = `${hive}\\${POLICY_KEY}`;
  let result: ExecResult;
  try {
    result = await exec(REG_EXE, ['query', source, '/s', '/reg:64']);
  } catch {
    return unreadable(
      source,
      'The registry could not be read (reg.exe did not run), so no settings from this key apply; check that reg.exe is present and not blocked.',
    );
  }
  // reg.exe exits 1 for a missing key: that is "no policy here", not a fault.
  if (result.code === 1 && /unable to find/i.test(result.stderr))
    return { source, status: 'absent', values: {}, problems: [] };
  if (result.code !== 0) {
    return unreadable(
      source,
      `The registry could not be read (reg.exe exited with ${result.code}), so no settings from this key apply; check the key's permissions.`,
    );
  }
  return toLayer(source, parseRegQuery(result.stdout));
}

function toLayer(source: string, keys: RegistryKey[]): SourceRead {
  const values: Record<string, unknown> = {};
  const problems: PolicyProblem[] = [];
  const main = source
    .replace(/^HKLM\\/, 'HKEY_LOCAL_MACHINE\\')
    .replace(/^HKCU\\/, 'HKEY_CURRENT_USER\\')
    .toLowerCase();
  for (const key of keys) {
    const path = key.path.toLowerCase();
    if (path === main) {
      // The unnamed default value is not a setting; Group Policy never writes it.
      for (const v of key.values) if (v.name !== '(Default)') values[v.name] = v.data;
      continue;
    }
    const sub = path.startsWith(`${main}\\`) ? key.path.slice(main.length + 1) : key.path;
    const list = LIST_SUBKEYS.find((name) => name.toLowerCase() === sub.toLowerCase());
    if (list) {
      const items = listFrom(key.values, list, `${source}\\${list}`, problems);
      // An empty list subkey is what Group Policy leaves when the list is switched off: not set.
      if (items && items.length > 0) values[list] = items;
    } else {
      problems.push({
        setting: shortName(sub),
        source,
        reason:
          'This subkey is not a setting this version of the shell knows, so it is ignored; remove it or check the name.',
      });
    }
  }
  return { source, status: 'read', values, problems, caseInsensitive: true };
}

/** A `list` subkey: string values named 1, 2, 3…, taken in number order. */
function listFrom(
  entries: RegistryValue[],
  setting: string,
  where: string,
  problems: PolicyProblem[],
): string[] | null {
  const items = entries.filter((v) => v.name !== '(Default)');
  const bad = items.find((v) => !/^\d+$/.test(v.name) || typeof v.data !== 'string');
  if (bad) {
    problems.push({
      setting,
      source: where,
      reason:
        'A list entry is not a numbered text value as Group Policy writes it, so the whole list is ignored; set the list again with the policy template.',
    });
    return null;
  }
  return items.sort((a, b) => Number(a.name) - Number(b.name)).map((v) => String(v.data));
}
