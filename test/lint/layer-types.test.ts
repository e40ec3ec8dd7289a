// Proves the per-layer tsconfigs hold: core compiles against ES2023 alone (no DOM, no Node),
// the renderer against the DOM without Node. Each case type-checks one probe file, served from
// memory at a path inside the layer, with the layer's real tsconfig; everything else the probe
// imports comes from disk. A clean probe must compile, so a config that rejects everything
// fails here too.
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = process.cwd();

function loadConfig(configFile: string): ts.ParsedCommandLine {
  const configPath = path.join(root, configFile);
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, root, undefined, configPath);
  if (parsed.errors.length > 0)
    throw new Error(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')).join('\n'));
  return parsed;
}

const configs = { core: loadConfig('tsconfig.core.json'), renderer: loadConfig('tsconfig.renderer.json') };
/** Files from disk, parsed once for every probe (both configs parse and bind them alike). */
const parsed = new Map<string, ts.SourceFile | undefined>();

/** The messages of every error tsc reports in `probeFile` (repo-relative) holding `text`. */
function errorsIn(config: ts.ParsedCommandLine, probeFile: string, text: string): string[] {
  const probePath = path.join(root, probeFile);
  const isProbe = (fileName: string) => path.resolve(fileName) === probePath;
  const host = ts.createCompilerHost(config.options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (fileName, languageVersion, ...rest) => {
    if (isProbe(fileName)) return ts.createSourceFile(fileName, text, languageVersion, true);
    if (!parsed.has(fileName)) parsed.set(fileName, getSourceFile.call(host, fileName, languageVersion, ...rest));
    return parsed.get(fileName);
  };
  host.fileExists = (fileName) => isProbe(fileName) || fileExists.call(host, fileName);
  host.readFile = (fileName) => (isProbe(fileName) ? text : readFile.call(host, fileName));

  const program = ts.createProgram({ rootNames: [probePath], options: config.options, host });
  const probe = program.getSourceFile(probePath);
  if (!probe) throw new Error(`the probe ${probeFile} was not compiled`);
  return [...program.getSyntacticDiagnostics(probe), ...program.getSemanticDiagnostics(probe)]
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('tsconfig.core.json: core compiles against ES2023 alone', () => {
  const probe = 'main/core/__probe__.ts';

  it('covers main/core and nothing else', () => {
    const files = configs.core.fileNames.map((f) => path.relative(root, f).split(path.sep).join('/'));
    expect(files).toContain('main/core/clock.ts');
    expect(files.filter((f) => !f.startsWith('main/core/'))).toEqual([]);
    expect(configs.core.options.lib).toEqual(['lib.es2023.d.ts']);
    expect(configs.core.options.types).toEqual([]);
  });

  it('compiles a clean probe that uses core and ES2023', () => {
    const clean =
      "import type { Instant } from './clock';\nexport const last = (xs: readonly Instant[]): Instant | undefined => xs.findLast(() => true);\nexport const copy = [3, 1, 2].toSorted();\n";
    expect(errorsIn(configs.core, probe, clean)).toEqual([]);
  });

  it.each([
    ['the DOM (document)', 'document', 'export const title = document.title;\n'],
    ['Node (Buffer)', 'Buffer', "export const bytes = Buffer.from('x');\n"],
    ['fetch', 'fetch', "export const response = fetch('https://example.nhs.uk');\n"],
    ['timers (setTimeout)', 'setTimeout', 'export const timer = setTimeout(() => undefined, 1);\n'],
    ['process', 'process', 'export const env = process.env;\n'],
  ])('rejects %s', (_what, name, text) => {
    const errors = errorsIn(configs.core, probe, text);
    expect(errors.some((e) => e.includes(`Cannot find name '${name}'`))).toBe(true);
  });
});

describe('tsconfig.renderer.json: the renderer compiles against the DOM, without Node', () => {
  const probe = 'renderer/__probe__.ts';

  it('covers the renderer but not its build config', () => {
    const files = configs.renderer.fileNames.map((f) => path.relative(root, f).split(path.sep).join('/'));
    expect(files).toContain('renderer/main.tsx');
    expect(files).not.toContain('renderer/vite.config.ts');
    expect(configs.renderer.options.types).toEqual([]);
  });

  it('compiles a clean probe that uses the DOM and the contract’s types (zod and core included)', () => {
    const clean =
      "import type { SessionView, ShellApi } from '../preload/contract';\nexport const title: string = document.title;\nexport type Seen = SessionView['kind'] | keyof ShellApi;\n";
    expect(errorsIn(configs.renderer, probe, clean)).toEqual([]);
  });

  it.each([
    ['Buffer', "export const bytes = Buffer.from('x');\n"],
    ['process', 'export const env = process.env;\n'],
    ['require', "export const fs = require('node:fs');\n"],
  ])('rejects Node’s %s', (name, text) => {
    const errors = errorsIn(configs.renderer, probe, text);
    expect(errors.some((e) => e.includes(`Cannot find name '${name}'`))).toBe(true);
  });
});
