/**
 * The harness starts its presence sources with startPresence (main/services/presence/start.ts),
 * as main/index.ts does on a ward PC: the smartcard source is the one the registration table
 * builds, and each sign-in is audited with every source's state (presence.sources).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness } from './harness';
import type { Harness } from './harness';

let harness: Harness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

async function auditLines(h: Harness, event: string): Promise<Record<string, unknown>[]> {
  return ((await h.control('GET', `/control/audit?event=${event}`)) as { lines: Record<string, unknown>[] }).lines;
}

describe('the harness runs startPresence', () => {
  it('audits presence.sources at sign-in, the smartcard built by the registration table among them', async () => {
    const h = (harness = await startHarness({ secretStore: 'memory', smartcard: { cardIn: true } }));
    expect(h.smartcard?.source).toBe(h.presence.smartcard);
    expect(h.presence.registry.summary()).toEqual({
      live: ['smartcard'],
      notLive: [
        { source: 'logind', state: 'not-on-this-platform' },
        { source: 'screensaver', state: 'not-on-this-platform' },
        { source: 'wts', state: 'not-on-this-platform' },
      ],
    });
    await h.services.session.backend.signIn();
    await h.control('POST', '/control/sign-in/complete', { clinician: 'nurse-hughes' });
    const [line, ...more] = await auditLines(h, 'presence.sources');
    expect(more).toEqual([]);
    expect(line).toMatchObject({
      live: ['smartcard'],
      sources: [
        { source: 'smartcard', state: 'live' },
        { source: 'logind', state: 'not-on-this-platform' },
        { source: 'screensaver', state: 'not-on-this-platform' },
        { source: 'wts', state: 'not-on-this-platform' },
      ],
    });
  });

  it('without a reader, no smartcard source is built and PC/SC is never loaded', async () => {
    const h = (harness = await startHarness({ secretStore: 'memory' }));
    expect(h.smartcard).toBeNull();
    expect(h.presence.smartcard).toBeNull();
    expect(h.presence.registry.statuses().map((s) => s.source)).toEqual(['logind', 'screensaver', 'wts']);
  });
});
