// No dead exports in production code: an export that no file imports (tests, benchmarks and
// scripts included) and that its own file does not use either is deleted, not kept "in case".
// Built on the TypeScript compiler's own resolution, so re-exports, `import type`, namespace
// imports, `typeof import()` and dynamic `import()` all count as uses.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Entry points whose exports are read by a tool, not imported by our code. */
const entryPoints = new Set(['renderer/vite.config.ts: default']);

/** The dead exports of the project whose tsconfig.json is in `root`, as `file: name`. */
function deadExports(root: string): string[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    path.join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: () => undefined,
    },
  );
  if (!config) throw new Error('tsconfig.json could not be read');
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const checker = program.getTypeChecker();
  const ours = program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && f.fileName.startsWith(root) && !f.fileName.includes('node_modules'));
  const resolve = (s: ts.Symbol | undefined): ts.Symbol | undefined =>
    s && s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
  const used = new Set<ts.Symbol>();
  const use = (s: ts.Symbol | undefined): void => {
    const target = resolve(s);
    if (target) used.add(target);
  };
  const useModule = (specifier: ts.Node): void => {
    const module = checker.getSymbolAtLocation(specifier);
    if (module) for (const e of checker.getExportsOfModule(module)) use(e);
  };
  for (const file of ours) {
    const visit = (node: ts.Node): void => {
      if (ts.isImportDeclaration(node) && node.importClause) {
        const { name, namedBindings } = node.importClause;
        if (name) use(checker.getSymbolAtLocation(name));
        if (namedBindings && ts.isNamespaceImport(namedBindings)) useModule(node.moduleSpecifier);
        if (namedBindings && ts.isNamedImports(namedBindings))
          for (const el of namedBindings.elements) use(checker.getSymbolAtLocation(el.name));
      } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && node.exportClause) {
        if (ts.isNamedExports(node.exportClause))
          for (const el of node.exportClause.elements) use(checker.getSymbolAtLocation(el.name));
        else useModule(node.moduleSpecifier);
      } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        if (node.arguments[0]) useModule(node.arguments[0]);
      } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
        useModule(node.argument.literal);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  const production = /^(main|preload|renderer|relay|sandbox)\//;
  const dead: string[] = [];
  for (const file of ours) {
    const rel = path.relative(root, file.fileName).split(path.sep).join('/');
    const module = production.test(rel) ? checker.getSymbolAtLocation(file) : undefined;
    if (!module) continue;
    for (const e of checker.getExportsOfModule(module)) {
      const target = resolve(e);
      if (!target || used.has(target) || entryPoints.has(`${rel}: ${e.name}`)) continue;
      // A name passed on by `export *` is judged once, in the file that declares it.
      if (!(target.declarations ?? []).some((d) => d.getSourceFile() === file)) continue;
      const declarations = new Set<ts.Node>(target.declarations ?? []);
      let local = false;
      const scan = (node: ts.Node): void => {
        if (local) return;
        if (ts.isIdentifier(node) && node.text === e.name && !declarations.has(node.parent)) {
          if (resolve(checker.getSymbolAtLocation(node)) === target) local = true;
        }
        ts.forEachChild(node, scan);
      };
      scan(file);
      if (!local) dead.push(`${rel}: ${e.name}`);
    }
  }
  return dead;
}

describe('dead exports', () => {
  it('finds an export nobody uses, and not one used only through `export *`, a type import or import()', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cws-dead-exports-'));
    try {
      mkdirSync(path.join(root, 'main'));
      mkdirSync(path.join(root, 'test'));
      const write = (file: string, text: string): void => writeFileSync(path.join(root, file), text);
      write(
        'tsconfig.json',
        JSON.stringify({ compilerOptions: { strict: true, noEmit: true }, include: ['main', 'test'] }),
      );
      write('main/a.ts', 'export const used = 1;\nexport type Typed = number;\nexport const dead = 3;\n');
      write('main/d.ts', 'export const lazy = 2;\n');
      write('main/b.ts', "export * from './a';\nexport const local = 4;\nexport const twice = local + 1;\n");
      write(
        'test/c.ts',
        "import { used } from '../main/b';\nimport type { Typed } from '../main/b';\n" +
          "export const t: Typed = used;\nexport const l = import('../main/d').then((m) => m.lazy);\n",
      );
      expect(deadExports(root)).toEqual(['main/a.ts: dead', 'main/b.ts: twice']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('every export in main/, preload/, renderer/, relay/ and sandbox/ is imported somewhere or used in its own file', () => {
    expect(deadExports(process.cwd())).toEqual([]);
  }, 120_000);
});
