// The DCB0129 hazard log (docs/clinical-safety/hazard-log.json) is evidence only while what it
// cites exists: every control's files, test titles and document sections, a control for every hazard, residual risk
// never above initial, risks as the matrix gives them, and the safety case report exactly what
// `npm run safety-case` makes from the log now. Each check is also run on a log broken on purpose,
// so a check that stopped biting would fail here too.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LIKELIHOODS,
  REPORT,
  SEVERITIES,
  readHazardLog,
  renderSafetyCase,
  riskOf,
  type HazardLog,
} from '../../scripts/safety-case.mjs';

const root = path.resolve(import.meta.dirname, '../..');
const log = readHazardLog(root);
const copy = (): HazardLog => structuredClone(log);

/** What is wrong with the evidence the log cites, one line per problem. */
function evidenceProblems(hazards: HazardLog['hazards']): string[] {
  const problems: string[] = [];
  for (const h of hazards)
    for (const c of h.controls)
      for (const e of c.evidence) {
        const file = path.join(root, e.path);
        if (path.isAbsolute(e.path) || e.path.includes('..') || !existsSync(file)) {
          problems.push(`${h.id}: ${e.path} does not exist`);
          continue;
        }
        const text = readFileSync(file, 'utf8');
        if (e.test !== undefined && !text.includes(e.test)) problems.push(`${h.id}: ${e.path} has no test "${e.test}"`);
        if (e.section !== undefined && !text.includes(e.section))
          problems.push(`${h.id}: ${e.path} has no section "${e.section}"`);
      }
  return problems;
}

/** What is wrong with the log's structure and risks. */
function logProblems(hazards: HazardLog['hazards']): string[] {
  const problems: string[] = [];
  const ids = hazards.map((h) => h.id);
  if (new Set(ids).size !== ids.length) problems.push('hazard ids are not unique');
  for (const h of hazards) {
    const inPlace = h.controls.filter((c) => c.state === 'in-place');
    if (inPlace.length === 0) problems.push(`${h.id}: no control in place`);
    for (const c of inPlace)
      if (c.evidence.length === 0) problems.push(`${h.id}: a control in place cites no evidence`);
    for (const c of h.controls)
      if (!['design', 'test', 'training', 'deployment'].includes(c.type))
        problems.push(`${h.id}: control type ${c.type}`);
    for (const [name, r] of [
      ['initial', h.initial],
      ['residual', h.residual],
    ] as const)
      if (!SEVERITIES.includes(r.severity) || !LIKELIHOODS.includes(r.likelihood))
        problems.push(`${h.id}: ${name} risk names a severity or likelihood the matrix does not have`);
      else if (riskOf(r.severity, r.likelihood) !== r.risk)
        problems.push(`${h.id}: ${name} risk ${r.risk} is not the matrix's ${riskOf(r.severity, r.likelihood)}`);
    if (h.residual.risk > h.initial.risk) problems.push(`${h.id}: residual risk above initial`);
    if (h.causes.length === 0 || !h.effect || !h.clinicalConsequence) problems.push(`${h.id}: cause or effect missing`);
  }
  return problems;
}

describe('the hazard log', () => {
  it('cites only files that exist, and test titles that are in them', () => {
    expect(evidenceProblems(log.hazards)).toEqual([]);
  });

  it('would notice a missing file and a test title that is not there', () => {
    const broken = copy();
    const [first] = broken.hazards;
    first!.controls[0]!.evidence = [
      { path: 'test/core/no-such.test.ts' },
      { path: 'test/e2e/session.spec.ts', test: 'a test nobody wrote' },
      { path: 'docs/relay.md', section: '## A section nobody wrote' },
    ];
    expect(evidenceProblems([first!])).toEqual([
      `${first!.id}: test/core/no-such.test.ts does not exist`,
      `${first!.id}: test/e2e/session.spec.ts has no test "a test nobody wrote"`,
      `${first!.id}: docs/relay.md has no section "## A section nobody wrote"`,
    ]);
  });

  it('gives every hazard a control in place with evidence, and risks as the matrix gives them', () => {
    expect(log.hazards.length).toBeGreaterThanOrEqual(11);
    expect(logProblems(log.hazards)).toEqual([]);
  });

  it('would notice a hazard with no control, a residual risk above the initial, and a risk the matrix does not give', () => {
    const broken = copy();
    const [a, b, c] = broken.hazards;
    a!.controls = a!.controls.filter((x) => x.state === 'planned');
    b!.residual = { ...b!.initial, likelihood: 'Very high', risk: riskOf(b!.initial.severity, 'Very high') };
    c!.residual = { ...c!.residual, risk: 1 };
    expect(logProblems(broken.hazards)).toEqual([
      `${a!.id}: no control in place`,
      `${b!.id}: residual risk above initial`,
      `${c!.id}: residual risk 1 is not the matrix's ${riskOf(c!.residual.severity, c!.residual.likelihood)}`,
    ]);
  });

  it('covers the hazards the shell exists to control', () => {
    const titles = log.hazards.map((h) => h.title.toLowerCase()).join('\n');
    for (const words of [
      'note is lost',
      'wrong clinician',
      'lock that should come does not',
      'locked out',
      'logout never reaches',
      'wrong role',
      'walked away',
      'lock screen',
      'assurance level',
      'test environment',
      'audit trail',
    ])
      expect(titles).toContain(words);
  });

  it('claims no sign-off', () => {
    expect(log.review.signedOff).toBe(false);
    expect(log.review.clinicalSafetyOfficer).toMatch(/role to be filled/);
  });
});

describe('docs/clinical-safety/safety-case-report.md', () => {
  const committed = readFileSync(path.join(root, REPORT), 'utf8');

  it('is exactly what npm run safety-case makes from the hazard log now', () => {
    expect(committed).toBe(renderSafetyCase(log));
  });

  it('would notice a log changed without regenerating the report', () => {
    const changed = copy();
    changed.hazards[0]!.title += ' (changed)';
    expect(renderSafetyCase(changed)).not.toBe(committed);
  });

  it('says at the top that it is generated and not signed', () => {
    const top = committed.split('\n').slice(0, 10).join('\n');
    expect(top).toContain('NOT SIGNED');
    expect(top).toContain('Generated and not signed');
    expect(top).toContain('npm run safety-case');
  });

  it('cites every evidence file of every control', () => {
    for (const h of log.hazards)
      for (const c of h.controls) for (const e of c.evidence) expect(committed).toContain(`\`${e.path}\``);
  });
});
