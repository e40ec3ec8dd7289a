// The codes an IT admin reads in the log are listed in docs/audit-log.md with the same words as
// the tables they come from (core/presence.ts, core/faults.ts): a new code, or new words, shows
// here until the doc says the same.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { faultWords } from '../../main/core/faults';
import { presenceReasonWords } from '../../main/core/presence';

const doc = readFileSync('docs/audit-log.md', 'utf8');

/** The rows of the two-column table that follows a heading. */
function tableAfter(heading: string): Record<string, string> {
  const start = doc.indexOf(`### ${heading}`);
  if (start < 0) throw new Error(`docs/audit-log.md has no "### ${heading}" section`);
  const rows: Record<string, string> = {};
  const section = doc.slice(start).split('\n### ')[0] ?? '';
  // The first row is the header (`reason` or `code`); the rows after the separator are the table.
  const body = section.split('| --- | --- |')[1] ?? '';
  for (const line of body.split('\n')) {
    const m = /^\| `([^`]+)` \| (.*) \|$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined) rows[m[1]] = m[2].replace(/\\\|/g, '|');
  }
  return rows;
}

describe('docs/audit-log.md lists the log vocabulary', () => {
  it('every presence reason, with its words', () => {
    expect(tableAfter('Presence reasons')).toEqual(presenceReasonWords);
  });

  it('every fault code, with its words', () => {
    expect(tableAfter('Faults on the machine')).toEqual(faultWords);
  });
});
