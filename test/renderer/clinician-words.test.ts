/**
 * Every sentence a clinician can see, from renderer/words.ts and labels.ts and from any literal
 * text left in the renderer's .tsx files, reads as NHS words (issue 14 item 5): "NHS Care
 * Identity", never "CIS2"; durations in words ("12 hours", not "12 h"); "locked", not "locked
 * out"; and a sentence ends with a full stop. Headings, labels and button names are not sentences.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { EndReasonSchema, LockReasonSchema, noticeCodes, refusalCodes } from '../../preload/contract';
import * as labels from '../../renderer/labels';
import * as words from '../../renderer/words';

const rendererDir = join(import.meta.dirname, '../../renderer');

/** Attributes whose values are read out or shown; the rest (className, data-testid…) are code. */
const spokenAttributes = new Set(['aria-label', 'title', 'alt', 'placeholder']);

interface Shown {
  readonly where: string;
  readonly text: string;
  /** Part of a sentence built around an expression: checked for words, not for its full stop. */
  readonly fragment: boolean;
}

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsxFiles(join(dir, entry.name)) : entry.name.endsWith('.tsx') ? [join(dir, entry.name)] : [],
  );
}

/** The text a .tsx file shows: JSX text, string literals inside JSX expressions, spoken attributes. */
export function literalTextIn(file: string, source: string): Shown[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: Shown[] = [];
  const where = (node: ts.Node): string =>
    `${relative(rendererDir, file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const isFragment = (node: ts.Node): boolean => {
    const siblings = ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent) ? node.parent.children : null;
    return siblings !== null && siblings.some((s) => s !== node && ts.isJsxExpression(s));
  };
  const visit = (node: ts.Node, inJsxExpression: boolean): void => {
    if (ts.isJsxText(node)) {
      const text = node.getText().replace(/\s+/g, ' ').trim();
      if (text !== '')
        found.push({ where: where(node), text: text.replace(/&apos;/g, "'"), fragment: isFragment(node) });
      return;
    }
    if (ts.isJsxAttribute(node)) {
      const name = node.name.getText();
      if (spokenAttributes.has(name) && node.initializer !== undefined && ts.isStringLiteral(node.initializer)) {
        found.push({ where: where(node), text: node.initializer.text, fragment: false });
      }
      return; // className, data-* and friends are not shown
    }
    if (inJsxExpression && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) {
      // A comparison's operand (view.kind === 'active') is code, not text.
      const parent = node.parent;
      const compared =
        ts.isBinaryExpression(parent) &&
        [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(
          parent.operatorToken.kind,
        );
      const argument = ts.isCallExpression(parent) || ts.isElementAccessExpression(parent);
      if (!compared && !argument) found.push({ where: where(node), text: node.text, fragment: false });
      return;
    }
    ts.forEachChild(node, (child) =>
      visit(child, inJsxExpression || (ts.isJsxExpression(node) && !ts.isJsxAttribute(node.parent))),
    );
  };
  visit(sf, false);
  return found;
}

/**
 * The functions of words.ts (at the top, or in a table as `table.key`), each with what it says over
 * sample inputs. Headings and status lines built around a duration are fragments: checked for their
 * words, not for a full stop. The test below fails for a function missing here.
 */
const sampleSeconds = [0, 5, 10, 15, 42, 59, 60, 61, 90, 3600, 3660, 43_200];
const wordFunctions: Record<string, () => { text: string | null; fragment: boolean }[]> = {
  idleWarningText: () => sampleSeconds.map((s) => ({ text: words.idleWarningText(s), fragment: false })),
  idleAnnouncement: () => sampleSeconds.map((s) => ({ text: words.idleAnnouncement(s), fragment: false })),
  // A duration, used inside a sentence.
  formatSessionLeft: () => sampleSeconds.map((s) => ({ text: words.formatSessionLeft(s), fragment: true })),
  formatCountdown: () => sampleSeconds.map((s) => ({ text: words.formatCountdown(s), fragment: true })),
  lockedAtText: () => [{ text: words.lockedAtText(1_700_000_000_000), fragment: true }],
  sessionLeftText: () => sampleSeconds.map((s) => ({ text: words.sessionLeftText(s), fragment: true })),
  sessionEndingAnnouncement: () =>
    sampleSeconds.map((s) => ({ text: words.sessionEndingAnnouncement(s), fragment: false })),
  'sessionEndingText.title': () =>
    sampleSeconds.map((s) => ({ text: words.sessionEndingText.title(s), fragment: true })),
  'sessionEndingText.renewed': () =>
    sampleSeconds.map((s) => ({ text: words.sessionEndingText.renewed(s), fragment: false })),
  cis2ReachAnnouncement: () =>
    [false, true].flatMap((was) =>
      [false, true].flatMap((now) =>
        (['protected', 'memory-only'] as const).map((storage) => ({
          text: words.cis2ReachAnnouncement(was, now, storage),
          fragment: false,
        })),
      ),
    ),
  'lockedUnreachableText.text': () =>
    LockReasonSchema.options.map((reason) => ({ text: words.lockedUnreachableText.text(reason), fragment: false })),
  noticeWords: () =>
    noticeCodes.flatMap((code) => {
      const { title, text } = words.noticeWords({ code, message: 'A sentence from main.' });
      return [
        { text: title, fragment: false },
        { text, fragment: false },
      ];
    }),
};
/** Functions of words.ts that say nothing: they decide. */
const notWords = new Set(['showsClinicalContent', 'noticeSaysUnreachable']);

/** Where each function of a module is, at the top or one table down ("sessionEndingText.title"). */
function functionsIn(module: Record<string, unknown>): string[] {
  return Object.entries(module).flatMap(([name, value]) =>
    typeof value === 'function'
      ? [name]
      : value !== null && typeof value === 'object'
        ? Object.entries(value)
            .filter(([, v]) => typeof v === 'function')
            .map(([key]) => `${name}.${key}`)
        : [],
  );
}

/** Every string words.ts and labels.ts can produce: their constants, every table entry, and each function over sample inputs. */
function wordsTexts(): Shown[] {
  const out: Shown[] = [];
  const add = (where: string, value: unknown): void => {
    if (typeof value === 'string') out.push({ where, text: value, fragment: false });
    else if (value !== null && typeof value === 'object')
      for (const [key, v] of Object.entries(value)) add(`${where}.${key}`, v);
  };
  for (const [name, value] of Object.entries(words)) if (typeof value !== 'function') add(`words.${name}`, value);
  for (const [name, value] of Object.entries(labels)) add(`labels.${name}`, value);
  for (const [name, say] of Object.entries(wordFunctions))
    for (const { text, fragment } of say()) if (text !== null) out.push({ where: name, text, fragment });
  return out;
}

/** A sentence (as opposed to a heading, label or button name): six words or more, or more than one clause ended by a full stop. */
const isSentence = (text: string): boolean => text.split(/\s+/).length >= 6 || /[.?!]\s/.test(text);

/** What is wrong with one piece of shown text, if anything. */
export function problemsWith(shown: Pick<Shown, 'text' | 'fragment'>): string[] {
  const { text } = shown;
  const problems: string[] = [];
  if (/CIS2/i.test(text)) problems.push('says CIS2 (say NHS Care Identity, or your smartcard)');
  if (/\d\s*h\b|\sh\s|\d\s*min\b/.test(text)) problems.push('abbreviates a duration (say "12 hours", "5 minutes")');
  if (/locked out/i.test(text)) problems.push('says "locked out" (say "locked")');
  if (!shown.fragment && isSentence(text) && !/[.?!]$/.test(text))
    problems.push('is a sentence without a closing full stop');
  return problems;
}

describe('clinician words', () => {
  it('the checks catch each thing the ward trips on', () => {
    expect(problemsWith({ text: 'CIS2 did not ask you to sign in again as requested.', fragment: false })).toHaveLength(
      1,
    );
    expect(problemsWith({ text: 'Sign-in needed again in 12 h 0 min', fragment: true })).toHaveLength(1);
    expect(problemsWith({ text: 'You have been locked out of this workstation.', fragment: false })).toHaveLength(1);
    expect(problemsWith({ text: 'Sign in there, then come back to this window', fragment: false })).toHaveLength(1);
    expect(problemsWith({ text: 'Sign in to this workstation', fragment: false })).toEqual([]);
    expect(problemsWith({ text: 'Your work is kept for you. Only you can open it again.', fragment: false })).toEqual(
      [],
    );
  });

  it('finds the text in a screen, and leaves code alone', () => {
    const found = literalTextIn(
      join(rendererDir, 'screens/Example.tsx'),
      `export const X = ({ on }) => <main className="nhsuk-main-wrapper" data-testid="x" aria-label="The example screen">
         <h1>Example heading</h1>
         <p>Left for {on ? 'twelve hours' : 'a while'}</p>
         {on === 'yes' ? 'Shown when on' : null}
       </main>;`,
    );
    expect(found.map((f) => [f.text, f.fragment])).toEqual([
      ['The example screen', false],
      ['Example heading', false],
      ['Left for', true],
      ['twelve hours', false],
      ['a while', false],
      ['Shown when on', false],
    ]);
  });

  it('says something for every function of words.ts (a new one is added to the samples above), and labels.ts has none', () => {
    expect(
      functionsIn(words)
        .filter((name) => !notWords.has(name))
        .sort(),
    ).toEqual(Object.keys(wordFunctions).sort());
    expect(functionsIn(labels)).toEqual([]);
  });

  it('has words for every lock and end reason and every refusal (the tables are checked below)', () => {
    const texts = wordsTexts().map((s) => s.text);
    for (const reason of LockReasonSchema.options) expect(texts).toContain(words.lockReasonText[reason]);
    for (const reason of EndReasonSchema.options) expect(texts).toContain(words.endReasonText[reason]);
    for (const code of refusalCodes) expect(texts).toContain(words.actionRefusalText[code]);
    for (const code of noticeCodes) expect(texts).toContain(words.noticeShown[code].title);
  });

  it('nothing a clinician reads, in words.ts or in any screen, says CIS2, abbreviates a duration, says "locked out", or leaves a sentence open', () => {
    const shown = [
      ...wordsTexts(),
      ...tsxFiles(rendererDir).flatMap((file) => literalTextIn(file, readFileSync(file, 'utf8'))),
    ];
    expect(shown.length).toBeGreaterThan(50);
    const bad = shown.flatMap((s) => problemsWith(s).map((problem) => `${s.where}: "${s.text}" ${problem}`));
    expect(bad).toEqual([]);
  });
});
