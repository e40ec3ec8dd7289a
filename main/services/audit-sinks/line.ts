/**
 * One audit line as the sinks receive it: the JSON text pino wrote (already scrubbed by the
 * logger, main/services/logger.ts), parsed once. Only audit lines (`audit: true`) leave the PC;
 * the developer diagnostics stay in the file.
 */

export interface AuditLine {
  /** The whole line, every field, as written to the file (no trailing newline). */
  readonly json: string;
  readonly fields: Readonly<Record<string, unknown>>;
  /** pino's numeric level: 20 debug, 30 info, 40 warn, 50 error, 60 fatal. */
  readonly level: number;
  readonly time: string;
  readonly event: string;
  readonly msg: string;
  readonly host: string;
}

/** The line, when it is an audit line; null for diagnostics and anything that does not parse. */
export function auditLineOf(text: string): AuditLine | null {
  const json = text.trimEnd();
  let fields: unknown;
  try {
    fields = JSON.parse(json);
  } catch {
    return null;
  }
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) return null;
  const f = fields as Record<string, unknown>;
  if (f['audit'] !== true) return null;
  const text_ = (k: string, fallback: string): string => (typeof f[k] === 'string' ? (f[k] as string) : fallback);
  return {
    json,
    fields: f,
    level: typeof f['level'] === 'number' ? f['level'] : 30,
    time: text_('time', new Date().toISOString()),
    event: text_('event', 'audit'),
    msg: text_('msg', ''),
    host: text_('host', '-'),
  };
}

/** RFC 5424 severity (also journald's PRIORITY) for a pino level. */
export function severityOf(level: number): number {
  if (level >= 60) return 2; // critical
  if (level >= 50) return 3; // error
  if (level >= 40) return 4; // warning
  if (level >= 30) return 6; // informational
  return 7; // debug
}

/** The JSON with every character outside printable ASCII escaped (\uXXXX): still the same JSON value. */
export function asciiJson(json: string): string {
  return json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
