// Every line of the shell's log and of the relay's has its time as ISO 8601 in UTC, which RFC 5424,
// Elastic Common Schema's @timestamp and a person all read as written (docs/audit-log.md).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../main/services/logger';
import { createRelayLogger } from '../../relay/log';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function capture(): { lines: string[]; destination: Writable } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, destination };
}

describe('log times', () => {
  it('are ISO 8601 UTC, and the moment written, in the shell and in the relay', () => {
    const shell = capture();
    const relay = capture();
    const before = Date.now();
    createLogger({ destination: shell.destination }).info({ event: 'x' }, 'a line');
    createRelayLogger({ level: 'info', destination: relay.destination }).info({ event: 'relay started' });
    const after = Date.now();
    for (const text of [shell.lines[0], relay.lines[0]]) {
      const time = (JSON.parse(text ?? '{}') as { time?: unknown }).time;
      expect(time).toMatch(ISO_UTC);
      const at = Date.parse(String(time));
      expect(at).toBeGreaterThanOrEqual(before);
      expect(at).toBeLessThanOrEqual(after);
    }
  });
});
