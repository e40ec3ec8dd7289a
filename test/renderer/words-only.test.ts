/**
 * The screens hold no text of their own: every sentence is in renderer/words.ts and every heading,
 * label and button name in renderer/labels.ts, where the word tests (clinician-words.test.ts,
 * words-exhaustive.test.ts) read them all. This parses each renderer .tsx file with the TypeScript
 * compiler and fails, saying where, on:
 *  - JSX text with a letter in it (`<h1>Session ended</h1>`);
 *  - a string given to an attribute a person hears or sees (aria-label, title, placeholder, alt),
 *    written in place or chosen in place (`aria-label={open ? 'Close' : 'Open'}`);
 *  - a string with a letter that a JSX expression shows (`{busy ? 'Saving…' : null}`);
 *  - anywhere else, a string that reads as words (a capitalised word, or two words), such as a
 *    status kept in a variable before it is shown; code strings (class names, test ids, action
 *    names, comparisons, what is passed to a function) are left alone.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const rendererDir = join(import.meta.dirname, '../../renderer');

/** Attributes whose values are read out or shown; the rest (className, data-testid…) are code. */
const spokenAttributes = new Set(['aria-label', 'title', 'alt', 'placeholder']);

const hasLetter = (text: string): boolean => /\p{L}/u.test(text);
/** "Saving…", "Try again", "I'm still here": a capitalised word starting the text or after a space, or two words in a row. */
const readsAsWords = (text: string): boolean =>
  /(^|\s)\p{Lu}\p{Ll}{2,}/u.test(text) || /\p{L}{2,}\s+\p{L}{2,}/u.test(text);

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? tsxFiles(join(dir, entry.name)) : entry.name.endsWith('.tsx') ? [join(dir, entry.name)] : [],
  );
}

/** The nodes a string's value passes through unchanged on its way to where it is used. */
function passesThrough(node: ts.Node, child: ts.Node): boolean {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return true;
  if (ts.isConditionalExpression(node)) return child !== node.condition;
  if (ts.isBinaryExpression(node)) {
    const op = node.operatorToken.kind;
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) return child === node.right;
    return op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken;
  }
  return ts.isTemplateSpan(node) || ts.isTemplateExpression(node);
}

/** Where a string literal's value ends up: shown in JSX, given to an attribute, or used as code. */
function destination(literal: ts.Node): ts.Node {
  let child = literal;
  let node = literal.parent;
  while (passesThrough(node, child)) {
    child = node;
    node = node.parent;
  }
  return node;
}

/** Whether a literal sits in code: a module name, a non-spoken attribute, a comparison, a call's argument, a key, a type. */
function isCode(literal: ts.Node): boolean {
  for (let child = literal, node = literal.parent; !ts.isSourceFile(node); child = node, node = node.parent) {
    if (ts.isJsxAttribute(node)) return !spokenAttributes.has(node.name.getText());
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isTypeNode(node)) return true;
    if (ts.isCallExpression(node) || ts.isNewExpression(node)) return node.arguments?.some((a) => a === child) ?? false;
    if (ts.isElementAccessExpression(node) || ts.isCaseClause(node) || ts.isPropertyAssignment(node))
      return child !== (ts.isPropertyAssignment(node) ? node.initializer : null);
    if (
      ts.isBinaryExpression(node) &&
      [
        ts.SyntaxKind.EqualsEqualsEqualsToken,
        ts.SyntaxKind.ExclamationEqualsEqualsToken,
        ts.SyntaxKind.EqualsEqualsToken,
        ts.SyntaxKind.ExclamationEqualsToken,
        ts.SyntaxKind.InKeyword,
      ].includes(node.operatorToken.kind)
    )
      return true;
    const onTheWay = passesThrough(node, child) || ts.isJsxExpression(node) || ts.isVariableDeclaration(node);
    if (!onTheWay) return false;
  }
  return false;
}

/** Each piece of text a .tsx file holds itself, as "file:line: …". */
export function inlineTextIn(file: string, source: string): string[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const report = (node: ts.Node, text: string, why: string): void => {
    const line = sf.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    found.push(`${relative(rendererDir, file)}:${line}: "${text.replace(/\s+/g, ' ').trim()}" ${why}`);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isJsxText(node)) {
      if (hasLetter(node.text)) report(node, node.text, 'is JSX text');
      return;
    }
    if (ts.isJsxAttribute(node) && spokenAttributes.has(node.name.getText()) && node.initializer !== undefined) {
      if (ts.isStringLiteral(node.initializer) && hasLetter(node.initializer.text))
        report(node, node.initializer.text, `is given to ${node.name.getText()}`);
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateLiteralToken(node)) {
      const text = node.text;
      const to = destination(node);
      const shown = ts.isJsxExpression(to) && (ts.isJsxElement(to.parent) || ts.isJsxFragment(to.parent));
      const spoken =
        ts.isJsxExpression(to) && ts.isJsxAttribute(to.parent) && spokenAttributes.has(to.parent.name.getText());
      if ((shown || spoken) && hasLetter(text))
        report(node, text, shown ? 'is shown by JSX' : 'is given to an attribute');
      else if (!ts.isJsxAttribute(node.parent) && readsAsWords(text) && !isCode(node))
        report(node, text, 'reads as words');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('the screens hold no text of their own', () => {
  it('finds text written in a screen, and leaves code alone', () => {
    const found = inlineTextIn(
      join(rendererDir, 'screens/Example.tsx'),
      `import { x } from '../Some Module';
       const status = saving ? 'Saving…' : 'idle';
       const logo = 'M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5';
       export const X = ({ on, busy }) => (
         <main className={on ? 'Big Wrapper' : 'b'} data-testid="x" aria-label="The example screen" id={on ? 'a b' : 'c'}>
           <h1>Example heading</h1>
           <p>Left for {on ? 'twelve hours' : null}</p>
           <img alt={busy ? 'Busy now' : ''} />
           <input placeholder="Patient" />
           {on === 'Yes Please' ? <b>{label}</b> : null}
           <p>{'x'} · {status}</p>
           {act('Sign In')}
           <path d="M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5" />
         </main>
       );`,
    );
    expect(found).toEqual([
      'screens/Example.tsx:2: "Saving…" reads as words',
      'screens/Example.tsx:5: "The example screen" is given to aria-label',
      'screens/Example.tsx:6: "Example heading" is JSX text',
      'screens/Example.tsx:7: "Left for" is JSX text',
      'screens/Example.tsx:7: "twelve hours" is shown by JSX',
      'screens/Example.tsx:8: "Busy now" is given to an attribute',
      'screens/Example.tsx:9: "Patient" is given to placeholder',
      'screens/Example.tsx:11: "x" is shown by JSX',
    ]);
  });

  it('every renderer .tsx file takes its words from words.ts and labels.ts', () => {
    const files = tsxFiles(rendererDir);
    expect(files.length).toBeGreaterThan(10);
    expect(files.flatMap((file) => inlineTextIn(file, readFileSync(file, 'utf8')))).toEqual([]);
  });
});
