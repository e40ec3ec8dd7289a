// The import graph of the production code has no circles. Every relative import counts, type-only
// ones included (`import type`, `export type … from`, `import('…')` types): a circle of types still
// means two modules that cannot be read, tested or moved one without the other. The graph is read
// with the TypeScript compiler's own pre-processor (ts.preProcessFile), and each circle found is
// printed as the chain of files that make it.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const folders = ['main', 'preload', 'renderer', 'relay', 'sandbox'];
const sourceFile = /\.(ts|tsx|mts|cts)$/;

function sources(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
    return sourceFile.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** A relative specifier as the bundler resolves it: the file, with an extension, or a folder's index. */
function resolveRelative(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  const stem = base.replace(/\.(m|c)?js$/, '');
  const candidates = [
    base,
    ...['.ts', '.tsx', '.mts', '.cts'].map((ext) => stem + ext),
    ...['index.ts', 'index.tsx'].map((index) => join(base, index)),
  ];
  return candidates.find((path) => sourceFile.test(path) && isFile(path)) ?? null;
}

/** Each production file and the production files it imports (types included). */
function importGraph(): Map<string, string[]> {
  const files = folders.flatMap((folder) => sources(join(root, folder)));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = info.importedFiles
      .map((imported) => imported.fileName)
      .filter((specifier) => specifier.startsWith('.'))
      .map((specifier) => resolveRelative(file, specifier))
      .filter((target): target is string => target !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/**
 * Every circle, once each: the strongly connected components of more than one file (Tarjan),
 * plus any file that imports itself, each printed as one shortest chain through the component.
 */
function findCycles(graph: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  function connect(file: string): void {
    order.set(file, index);
    low.set(file, index);
    index += 1;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!order.has(next)) {
        connect(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(file, Math.min(low.get(file)!, order.get(next)!));
    }
    if (low.get(file) !== order.get(file)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || (graph.get(file) ?? []).includes(file)) components.push(component);
  }

  for (const file of graph.keys()) if (!order.has(file)) connect(file);
  return components.map((component) => chainThrough(graph, component));
}

/** A shortest path from the component's first file (by name) back to itself, inside the component. */
function chainThrough(graph: Map<string, string[]>, component: string[]): string[] {
  const members = new Set(component);
  const start = [...component].sort()[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift()!;
    for (const next of graph.get(file) ?? []) {
      if (!members.has(next)) continue;
      if (next === start) {
        const chain = [file];
        while (chain[0] !== start) chain.unshift(previous.get(chain[0]!)!);
        return [...chain, start];
      }
      if (!previous.has(next)) {
        previous.set(next, file);
        queue.push(next);
      }
    }
  }
  return [start, start];
}

const show = (cycle: string[]): string => cycle.map((file) => relative(root, file)).join(' → ');

describe('the import graph', () => {
  it('reads every production folder, type-only imports included', () => {
    const graph = importGraph();
    const names = [...graph.keys()].map((file) => relative(root, file));
    for (const folder of folders) expect(names.some((name) => name.startsWith(`${folder}/`))).toBe(true);
    // A type-only import is an edge: oidc/issuer-keys.ts imports IssuerFetch with `import type`.
    const keys = graph.get(join(root, 'main/services/oidc/issuer-keys.ts')) ?? [];
    expect(keys.map((file) => relative(root, file))).toContain('main/services/oidc/types.ts');
  });

  it('finds a circle when there is one, and prints it', () => {
    const graph = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/c.ts', '/d.ts']],
      ['/c.ts', ['/a.ts']],
      ['/d.ts', []],
      ['/e.ts', ['/e.ts']],
    ]);
    expect(findCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([
      '/a.ts → /b.ts → /c.ts → /a.ts',
      '/e.ts → /e.ts',
    ]);
  });

  it('has no circles in main/, preload/, renderer/, relay/ or sandbox/', () => {
    const cycles = findCycles(importGraph()).map(show);
    expect(cycles, `import circles:\n${cycles.join('\n')}`).toEqual([]);
  });
});
