// What a document names, found the same way for every doc test: repository paths, Markdown links,
// npm scripts, policy settings (backticked PascalCase, as docs/policy.md writes them), relay
// settings and audit events. Each finder returns what it found; the tests say what must exist.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');

export const readDoc = (relative: string): string => readFileSync(path.join(repoRoot, relative), 'utf8');

const repoFolders = 'main|preload|renderer|relay|sandbox|test|bench|scripts|docs|packaging|policy-templates';

/** Repository paths in `code` spans, and Markdown links resolved against the document's folder. */
export function namedPaths(doc: string, markdown: string): string[] {
  const code = [...markdown.matchAll(new RegExp(`\`((?:${repoFolders})/[^\`\\s]*)\``, 'g'))].map((m) => m[1]!);
  const inCommands = [...markdown.matchAll(new RegExp(`(?<=\\s)((?:${repoFolders})/[\\w./-]+\\.\\w+)`, 'g'))].map(
    (m) => m[1]!,
  );
  const links = [...markdown.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)].map((m) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(doc), m[1]!)),
  );
  return [...new Set([...code, ...inCommands, ...links])];
}

export const missingPaths = (paths: string[]): string[] => paths.filter((p) => !existsSync(path.join(repoRoot, p)));

/** `npm run <script>` anywhere in the text, and `npm start` / `npm test`. */
export function namedScripts(text: string): string[] {
  const run = [...text.matchAll(/npm run (?:-s )?([a-z][\w:-]*)/g)].map((m) => m[1]!);
  const short = [...text.matchAll(/npm (start|test)\b/g)].map((m) => m[1]!);
  return [...new Set([...run, ...short])];
}

export function packageScripts(): string[] {
  return Object.keys((JSON.parse(readDoc('package.json')) as { scripts: Record<string, string> }).scripts);
}

/** Backticked words shaped like a policy setting (PascalCase, letters and digits only). */
export const backtickedPascal = (markdown: string): string[] => [
  ...new Set([...markdown.matchAll(/`([A-Z][A-Za-z0-9]+)`/g)].map((m) => m[1]!)),
];

/** Words with two or more capitalised humps (IdleLimitAAL3Seconds, RelayUrl) in plain text. */
export const camelWords = (text: string): string[] => [
  ...new Set([...text.matchAll(/\b([A-Z][a-z]+(?:[A-Z][A-Za-z0-9]*)+)\b/g)].map((m) => m[1]!)),
];

export const relaySettings = (text: string): string[] => [
  ...new Set([...text.matchAll(/\b(RELAY_[A-Z_]+[A-Z])\b/g)].map((m) => m[1]!)),
];

/** Backticked audit event names (lower-case, dotted: `session.locked`). */
export const auditEventNames = (markdown: string): string[] => [
  ...new Set([...markdown.matchAll(/`([a-z]+(?:-[a-z]+)*\.[a-z]+(?:-[a-z]+)*)`/g)].map((m) => m[1]!)),
];
