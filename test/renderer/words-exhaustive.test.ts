// The renderer's words are exhaustive records over the contract's lists, so a new lock reason
// (added to the engine's list, which the contract derives from), a new refusal code or a new
// ShellErrorCode (a notice's code) does not compile until it has its words. This proves it with
// the compiler itself: renderer/words.ts is type-checked against an in-memory copy of
// main/core/session/vocabulary.ts, preload/contract.ts or main/core/errors.ts with one entry
// added, and everything else from disk.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const at = (file: string): string => path.resolve(root, file);
const wordsFile = at('renderer/words.ts');
const reasonsFile = at('main/core/session/vocabulary.ts');
const contractFile = at('preload/contract.ts');
const errorsFile = at('main/core/errors.ts');

const config = ts.readConfigFile(at('tsconfig.json'), (file) => ts.sys.readFile(file));
if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, '\n'));
const options: ts.CompilerOptions = {
  ...ts.parseJsonConfigFileContent(config.config, ts.sys, root).options,
  noEmit: true,
};

// Parsed once and shared by every program below (the lib and zod declarations are most of the work).
const parsed = new Map<string, ts.SourceFile>();

/** The messages of every diagnostic in renderer/words.ts, with `overrides` (absolute path → text) served from memory. */
function wordsDiagnostics(overrides: ReadonlyMap<string, string> = new Map()): string[] {
  const base = ts.createCompilerHost(options, true);
  const override = (fileName: string): string | undefined => overrides.get(path.resolve(fileName));
  const host: ts.CompilerHost = {
    ...base,
    fileExists: (fileName) => override(fileName) !== undefined || base.fileExists(fileName),
    readFile: (fileName) => override(fileName) ?? base.readFile(fileName),
    getSourceFile(fileName, languageVersion, onError) {
      const text = override(fileName);
      if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
      const key = path.resolve(fileName);
      let file = parsed.get(key);
      if (file === undefined) {
        file = base.getSourceFile(fileName, languageVersion, onError);
        if (file !== undefined) parsed.set(key, file);
      }
      return file;
    },
  };
  const program = ts.createProgram({ rootNames: [wordsFile], options, host });
  const words = program.getSourceFile(wordsFile);
  if (words === undefined) throw new Error('renderer/words.ts is not in the program');
  return [...program.getSyntacticDiagnostics(words), ...program.getSemanticDiagnostics(words)].map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  );
}

/** `file`'s text with `entry` added as the first element of the array `declaration` opens. */
function withEntry(file: string, declaration: string, entry: string): Map<string, string> {
  const text = readFileSync(file, 'utf8');
  expect(text, `${path.relative(root, file)} declares ${declaration}`).toContain(declaration);
  return new Map([[file, text.replace(declaration, `${declaration}\n  '${entry}',`)]]);
}

describe('the renderer has words for every reason and refusal (checked by the compiler)', () => {
  it('compiles as it is', () => {
    expect(wordsDiagnostics()).toEqual([]);
  });

  it('does not compile with a lock reason that has no words', () => {
    const messages = wordsDiagnostics(withEntry(reasonsFile, 'export const lockReasons = [', 'badge-tapped-out'));
    expect(
      messages.some((m) => m.includes('badge-tapped-out')),
      messages.join('\n'),
    ).toBe(true);
  });

  it('does not compile with an end reason that has no words', () => {
    const messages = wordsDiagnostics(withEntry(reasonsFile, 'export const endReasons = [', 'badge-tapped-out'));
    expect(
      messages.some((m) => m.includes('badge-tapped-out')),
      messages.join('\n'),
    ).toBe(true);
  });

  it('does not compile with a refusal code that has no words', () => {
    const messages = wordsDiagnostics(withEntry(contractFile, 'export const refusalCodes = [', 'printer-on-fire'));
    expect(
      messages.some((m) => m.includes('printer-on-fire')),
      messages.join('\n'),
    ).toBe(true);
  });

  it('does not compile with a ShellErrorCode (a notice code) that has no words', () => {
    const declaration = 'export type ShellErrorCode =';
    const text = readFileSync(errorsFile, 'utf8');
    expect(text, 'main/core/errors.ts declares the ShellErrorCode union').toContain(declaration);
    const messages = wordsDiagnostics(
      new Map([[errorsFile, text.replace(declaration, `${declaration}\n  | 'PRINTER_ON_FIRE'`)]]),
    );
    expect(
      messages.some((m) => m.includes('PRINTER_ON_FIRE')),
      messages.join('\n'),
    ).toBe(true);
  });
});
