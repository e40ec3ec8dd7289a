// The size rules bite: a production file of 301 lines and a function of 81 fail lint with the
// project's real config, 300 and 80 pass; and eslint/oversized.js (the files not yet split) only
// shrinks, because an entry that is no longer over its limit fails here.
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { oversized } from '../../eslint/oversized.js';

const project = new ESLint({ cwd: process.cwd() });

async function rulesFiring(filePath: string, code: string): Promise<string[]> {
  const [result] = await project.lintText(code, { filePath });
  if (!result) throw new Error('ESLint returned no result');
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

/** A module of exactly `lines` lines (the last one ends with a newline). */
const fileOf = (lines: number): string =>
  Array.from({ length: lines }, (_, i) => `export const v${i} = ${i};`).join('\n') + '\n';

/** A function spanning exactly `lines` lines, from its signature to its closing brace. */
const functionOf = (lines: number): string =>
  ['export function f(): number {', '  let n = 0;', ...Array.from({ length: lines - 3 }, () => '  n += 1;'), '}'].join(
    '\n',
  ) + '\n';

describe('size rules', () => {
  it.each(['main/services/x.ts', 'relay/x.ts', 'renderer/x.tsx', 'sandbox/x.ts', 'preload/x.ts'])(
    '%s: 301 lines fail max-lines, 300 pass',
    async (file) => {
      expect(await rulesFiring(file, fileOf(301))).toContain('max-lines');
      expect(await rulesFiring(file, fileOf(300))).not.toContain('max-lines');
    },
  );

  it('a function of 81 lines fails max-lines-per-function in main, one of 80 passes', async () => {
    expect(await rulesFiring('main/core/x.ts', functionOf(81))).toContain('max-lines-per-function');
    expect(await rulesFiring('main/core/x.ts', functionOf(80))).not.toContain('max-lines-per-function');
  });

  it('comments count: a file of 301 lines that are mostly comment fails', async () => {
    const code = `${Array.from({ length: 300 }, (_, i) => `// line ${i}`).join('\n')}\nexport const x = 1;\n`;
    expect(await rulesFiring('main/services/x.ts', code)).toContain('max-lines');
  });

  it('tests are exempt: a 400-line test file and a 120-line scenario pass', async () => {
    const rules = await rulesFiring('test/services/x.test.ts', fileOf(400) + functionOf(120).replace('f()', 'g()'));
    expect(rules).not.toContain('max-lines');
    expect(rules).not.toContain('max-lines-per-function');
  });
});

describe('eslint/oversized.js only shrinks', () => {
  const strict = new ESLint({
    cwd: process.cwd(),
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
        languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
        rules: {
          'max-lines': ['error', { max: 300, skipBlankLines: false, skipComments: false }],
          'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false, IIFEs: true }],
        },
      },
    ],
  });
  const firing = async (file: string): Promise<string[]> =>
    (await strict.lintFiles([file])).flatMap((r) => r.messages.map((m) => m.ruleId ?? 'fatal'));

  it.each(oversized.files)('%s is still over 300 lines (else take it off the list)', async (file) => {
    expect(await firing(file)).toContain('max-lines');
  });
  it.each(oversized.functionsIn)('%s still has a function over 80 lines (else take it off the list)', async (file) => {
    expect(await firing(file)).toContain('max-lines-per-function');
  });
});
