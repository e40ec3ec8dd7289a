// Proves the layering rules bite: each snippet below breaks one rule of DESIGN.md's layers,
// and ESLint (with the project's real config) must report it. Clean snippets must pass,
// so a rule that fires on everything would fail here too.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error('ESLint returned no result');
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

const violations: Array<[string, string, string, string]> = [
  ['main/core may not import electron', 'main/core/bad.ts', "import { app } from 'electron';\nexport const x = app;\n", '@typescript-eslint/no-restricted-imports'],
  ['main/core may not import node:*', 'main/core/bad.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", '@typescript-eslint/no-restricted-imports'],
  ['main/core may not import bare fs', 'main/core/bad.ts', "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n", '@typescript-eslint/no-restricted-imports'],
  ['main/core may not import services', 'main/core/bad.ts', "import { x } from '../services/thing';\nexport const y = x;\n", '@typescript-eslint/no-restricted-imports'],
  ['main/core may not import adapters', 'main/core/session/bad.ts', "import { x } from '../../adapters/windows';\nexport const y = x;\n", '@typescript-eslint/no-restricted-imports'],
  ['main/core may not read Date', 'main/core/bad.ts', 'export const now = Date.now();\n', 'no-restricted-globals'],
  ['main/core may not use setTimeout', 'main/core/bad.ts', 'export const t = setTimeout(() => undefined, 1);\n', 'no-restricted-globals'],
  ['main/core may not use setInterval', 'main/core/bad.ts', 'export const t = setInterval(() => undefined, 1);\n', 'no-restricted-globals'],
  ['main/core may not reach Date through globalThis', 'main/core/bad.ts', 'export const now = globalThis.Date.now();\n', 'no-restricted-properties'],
  ['main/services may not import electron', 'main/services/bad.ts', "import { shell } from 'electron';\nexport const x = shell;\n", '@typescript-eslint/no-restricted-imports'],
  ['sandbox may not import electron', 'sandbox/bad.ts', "import { app } from 'electron';\nexport const x = app;\n", '@typescript-eslint/no-restricted-imports'],
  ['renderer may not import electron', 'renderer/bad.tsx', "import { ipcRenderer } from 'electron';\nexport const x = ipcRenderer;\n", '@typescript-eslint/no-restricted-imports'],
  ['renderer may not import node:*', 'renderer/bad.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", '@typescript-eslint/no-restricted-imports'],
  ['renderer may not import main code', 'renderer/bad.ts', "import { x } from '../main/core/session';\nexport const y = x;\n", '@typescript-eslint/no-restricted-imports'],
  ['renderer may not import the preload script', 'renderer/bad.ts', "import { x } from '../preload/index';\nexport const y = x;\n", '@typescript-eslint/no-restricted-imports'],
  ['renderer may import only types from the contract', 'renderer/bad.ts', "import { channels } from '../preload/contract';\nexport const y = channels;\n", '@typescript-eslint/no-restricted-imports'],
];

const allowed: Array<[string, string, string]> = [
  ['main/core may import its own modules', 'main/core/ok.ts', "import type { Aal } from './assurance-level';\nexport const a: Aal = 'AAL3';\n"],
  ['main/adapters may import electron', 'main/adapters/ok.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ['main/index.ts may import electron', 'main/index.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ['preload/index.ts may import electron', 'preload/index.ts', "import { contextBridge } from 'electron';\nexport const x = contextBridge;\n"],
  ['main/services may use node:* and Date', 'main/services/ok.ts', "import { readFileSync } from 'node:fs';\nexport const x = [readFileSync, Date.now()];\n"],
  ['renderer may import types from the contract', 'renderer/ok.ts', "import type { ShellApi } from '../preload/contract';\nexport type X = ShellApi;\n"],
];

describe('layering lint', () => {
  it.each(violations)('fails: %s', async (_name, filePath, code, ruleId) => {
    expect(await ruleIdsFor(filePath, code)).toContain(ruleId);
  });

  it.each(allowed)('passes: %s', async (_name, filePath, code) => {
    expect(await ruleIdsFor(filePath, code)).toEqual([]);
  });
});
