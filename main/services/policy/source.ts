/** What each policy reader hands on: the raw settings of one source, and what went wrong reading it. */

/** A setting (or a whole source) that was not applied as written, and why, in words an admin can act on. */
export interface PolicyProblem {
  /** The setting's name as written in the source, or "*" when the whole source is affected. */
  readonly setting: string;
  /** Where it came from: a registry key or a file path. */
  readonly source: string;
  readonly reason: string;
}

export type SourceStatus = 'read' | 'absent' | 'unreadable';

export interface SourceRead {
  readonly source: string;
  readonly status: SourceStatus;
  /** Raw values by name, not yet checked against the catalogue. Empty unless status is 'read'. */
  readonly values: Readonly<Record<string, unknown>>;
  readonly problems: readonly PolicyProblem[];
  /** Registry names are case-insensitive on Windows; file keys are not. */
  readonly caseInsensitive?: boolean;
}

export const WHOLE_SOURCE = '*';

export function unreadable(source: string, reason: string): SourceRead {
  return { source, status: 'unreadable', values: {}, problems: [{ setting: WHOLE_SOURCE, source, reason }] };
}

/** What kind of value a source held, for a report that must never repeat the value itself. */
export function kindOf(value: unknown): string {
  if (typeof value === 'string') return value === '' ? 'empty text' : 'text';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : 'a non-finite number';
  if (typeof value === 'boolean') return 'true or false';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return 'null';
  if (value instanceof Date) return 'a date';
  return `a value of type ${typeof value}`;
}

/** Names from a source are untrusted too: cut them short before they go into a report. */
export function shortName(name: string): string {
  return name.length > 60 ? `${name.slice(0, 60)}…` : name;
}
