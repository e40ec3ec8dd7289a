// The committed form of a group's Stryker report: docs/mutation-reports/<group>.json, written by
// `npm run mutation` after each group (or from the last report alone: `npm run mutation -- --summary <group>`).
// Stryker's own JSON report (reports/mutation/<group>.json) holds every file's source and the
// machine's project path, so it is not committed; this keeps what a reviewer needs: per file the
// counts by status, and every mutant not killed (where, which mutator, what it became, whether it
// was static), so each survivor can be found and either killed or argued equivalent.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';

const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** The summary of a Stryker JSON report, limited to `own` files when given. */
function summarise(report, own, measuredOn) {
  const files = {};
  for (const [name, file] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
    if (own !== null && !own.has(name)) continue;
    const counts = {};
    const undetected = [];
    for (const m of file.mutants) {
      counts[m.status] = (counts[m.status] ?? 0) + 1;
      if (UNDETECTED.has(m.status))
        undetected.push({
          line: m.location.start.line,
          column: m.location.start.column,
          mutator: m.mutatorName,
          replacement: (m.replacement ?? '').slice(0, 120),
          status: m.status,
          ...(m.static === true ? { static: true } : {}),
        });
    }
    undetected.sort((a, b) => a.line - b.line || a.column - b.column);
    files[name] = { counts, undetected };
  }
  return { measuredOn, stryker: report.framework?.version ?? null, files };
}

/**
 * The files a group names one by one, so that a report can be read for those alone (an incremental
 * file can carry another group's results); null for a group named by patterns, whose report is its own.
 */
export function ownFiles(patterns) {
  return patterns.every((f) => !f.includes('*') && !f.startsWith('!')) ? new Set(patterns) : null;
}

export function writeSummary(group, patterns) {
  const file = `reports/mutation/${group}.json`;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  // The day of the run: when Stryker wrote its report.
  const summary = summarise(report, ownFiles(patterns), statSync(file).mtime.toISOString().slice(0, 10));
  mkdirSync('docs/mutation-reports', { recursive: true });
  writeFileSync(`docs/mutation-reports/${group}.json`, `${JSON.stringify(summary, null, 2)}\n`);
}
