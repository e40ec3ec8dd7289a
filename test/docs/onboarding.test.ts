// The onboarding guide IT follows to go Live (docs/onboarding.md) must name real settings, and its
// checklist every setting a Live deployment needs: a renamed or new setting fails here until the
// guide says it.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../main/services/policy/catalogue';

const guide = readFileSync(new URL('../../docs/onboarding.md', import.meta.url), 'utf8');
const checklist = guide.slice(guide.indexOf('## Checklist for a Live deployment'));

/** What a Live deployment cannot do without (the sign-in environment, the relay, the ward set-up). */
const neededForLive = ['Issuer', 'ClientId', 'ClientAuthMethod', 'RelayUrl', 'Kiosk', 'LogFolder'] as const;

describe('docs/onboarding.md', () => {
  it('has a Live checklist that names every setting a Live deployment needs', () => {
    expect(checklist.length).toBeGreaterThan(100);
    for (const name of neededForLive) {
      expect(SETTING_NAMES).toContain(name);
      expect(checklist, name).toContain(`\`${name}\``);
    }
  });

  it('names only settings that exist', () => {
    const named = [...guide.matchAll(/`([A-Z][A-Za-z0-9]+)`/g)].map((m) => m[1] ?? '');
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !(SETTING_NAMES as readonly string[]).includes(n))).toEqual([]);
  });

  it('gives the redirect URI as a loopback address with any port, never localhost or a fixed port', () => {
    expect(guide).toContain('`http://127.0.0.1/callback`');
    expect(guide).not.toMatch(/127\.0\.0\.1:\d+\/callback/);
    expect(guide).not.toMatch(/localhost\/callback|localhost:\d+\/callback/);
  });

  it('every document names policy settings by their real names (a renamed setting fails here)', () => {
    // Names shaped like the catalogue's (these prefixes are the catalogue's own families).
    const settingShaped =
      /^(Issuer|ClientId|ClientAuth\w*|ClientKey\w*|Scopes|AcrValues|MaxAge\w*|AuthTime\w*|Relay\w*|IdleLimit\w*|AbsoluteLimit\w*|WarningLead\w*|OnOsLock|OnSleep|OnUserSwitch|On[A-Z]\w*|Kiosk|DraftRetention\w*|LogFolder|LogLevel)$/;
    const docs = readdirSync(new URL('../../docs/', import.meta.url)).filter((f) => f.endsWith('.md'));
    const unknown: string[] = [];
    for (const doc of [...docs.map((f) => `docs/${f}`), 'README.md']) {
      const text = readFileSync(new URL(`../../${doc}`, import.meta.url), 'utf8');
      for (const m of text.matchAll(/`([A-Z][A-Za-z0-9]+)`/g)) {
        const name = m[1] ?? '';
        if (settingShaped.test(name) && !(SETTING_NAMES as readonly string[]).includes(name))
          unknown.push(`${doc}: ${name}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});
