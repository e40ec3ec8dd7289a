/** Small formatting helpers so every benchmark prints the same kind of table. */

/** A Markdown table (pipes aligned), so output can be pasted into docs/benchmarks.md. */
export function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((w, i) => (cells[i] ?? '').padEnd(w)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export const ms = (value: number, digits = 1): string => `${value.toFixed(digits)} ms`;
/** Decimal units (1 kB = 1000 bytes), which makes the targets (150 kB, 80 MB) the stricter reading. */
export const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;
export const mb = (bytes: number): string => `${(bytes / 1000 / 1000).toFixed(1)} MB`;
