// The documents a trust goes Live with (docs/onboarding.md) and its clinical safety officer reviews
// (docs/clinical-safety/) name only settings, commands, files and audit events that exist: a
// renamed setting, script, test or event fails here until the documents say the same.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditEvents } from '../../main/services/audit';
import { SETTING_NAMES } from '../../main/services/policy/catalogue';
import { CLIENT_JWKS_PATH } from '../../relay/client-jwks';
import { RELAY_ENV } from '../../relay/config';
import {
  auditEventNames,
  backtickedPascal,
  camelWords,
  missingPaths,
  namedPaths,
  namedScripts,
  packageScripts,
  readDoc,
  relaySettings,
  repoRoot,
} from './doc-names';

const safetyFolder = 'docs/clinical-safety';
const documents = [
  'docs/onboarding.md',
  ...readdirSync(path.join(repoRoot, safetyFolder))
    .filter((f) => f.endsWith('.md') || f.endsWith('.json'))
    .map((f) => `${safetyFolder}/${f}`),
];
const settings = SETTING_NAMES as readonly string[];
/** Two-humped words in these documents that are not settings (none yet: add one here with its reason). */
const notSettings: string[] = [];
const events = Object.values(auditEvents) as string[];
/** Dotted names in backticks that are not audit events (file names and the like). */
const notEvents = ['hazard-log.json', 'safety-case-report.md'];

describe.each(documents)('%s', (doc) => {
  const text = readDoc(doc);

  it('names files that exist', () => {
    expect(missingPaths(namedPaths(doc, text))).toEqual([]);
  });

  it('names npm scripts that exist', () => {
    const scripts = packageScripts();
    expect(namedScripts(text).filter((s) => !['start', 'test'].includes(s) && !scripts.includes(s))).toEqual([]);
  });

  it('names only policy settings that exist', () => {
    expect(backtickedPascal(text).filter((n) => !settings.includes(n))).toEqual([]);
    expect(camelWords(text).filter((n) => !settings.includes(n) && !notSettings.includes(n))).toEqual([]);
  });

  it('names only relay settings that exist', () => {
    const relay = Object.values(RELAY_ENV);
    expect(relaySettings(text).filter((n) => !relay.includes(n))).toEqual([]);
  });

  it('names only audit events that exist', () => {
    expect(auditEventNames(text).filter((n) => !events.includes(n) && !notEvents.includes(n))).toEqual([]);
  });
});

describe('the finders', () => {
  const bogus = [
    'see `test/e2e/no-such.spec.ts`, [x](../nowhere.md), npx vitest run test/docs/none.test.ts,',
    '`npm run no-such-script`, `IdleLimitAAL9Seconds`, RelayAddress, RELAY_NO_SUCH and `session.vanished`',
  ].join(' ');

  it('catch a missing file, link, script, setting, relay setting and audit event', () => {
    expect(missingPaths(namedPaths('docs/clinical-safety/x.md', bogus))).toEqual([
      'test/e2e/no-such.spec.ts',
      'test/docs/none.test.ts',
      'docs/nowhere.md',
    ]);
    expect(namedScripts(bogus).filter((s) => !packageScripts().includes(s))).toEqual(['no-such-script']);
    expect(backtickedPascal(bogus).filter((n) => !settings.includes(n))).toEqual(['IdleLimitAAL9Seconds']);
    expect(camelWords(bogus).filter((n) => !settings.includes(n))).toEqual(['IdleLimitAAL9Seconds', 'RelayAddress']);
    expect(relaySettings(bogus)).toEqual(['RELAY_NO_SUCH']);
    expect(auditEventNames(bogus).filter((n) => !events.includes(n))).toEqual(['session.vanished']);
  });
});

describe('docs/onboarding.md follows NHS England’s path', () => {
  const guide = readDoc('docs/onboarding.md');

  it('has each stage, and the steps NHS England names for them', () => {
    for (const words of [
      '## 1. Engage',
      'Service Assessment Questionnaire',
      'digital onboarding',
      '## 2. Design and build',
      '## 3. Test in the Integration environment (INT)',
      'Connection Manager',
      'Team ID',
      '"Welcome to CIS2"',
      'not our\npreferred environment',
      'test users, authenticators and client devices',
      '## 4. Assurance',
      'Connection Agreement',
      '## 5. Put it live',
      'JWKS endpoint URI',
      'at least 2 weeks',
    ])
      expect(guide.replace(/\*\*/g, '').toLowerCase()).toContain(words.toLowerCase());
  });

  it('keeps every open item in one section, naming the ones this repository depends on', () => {
    expect(guide.match(/^## To be confirmed with NHS England$/gm)).toHaveLength(1);
    const open = guide.slice(guide.indexOf('## To be confirmed with NHS England'));
    for (const item of ['Live and DEP issuer', '`amr`', '`acr`', 'role picker', 'Identity Agent', 'public client'])
      expect(open).toContain(item);
  });

  it('registers the relay’s JWKS endpoint, fed with exactly the line the provisioning command prints', () => {
    expect(guide).not.toMatch(/JWKS[^.]*\*\*planned\*\*|planned: the relay serving the JWKS/);
    expect(guide).toContain(`https://<relay's public name>${CLIENT_JWKS_PATH}`);
    expect(guide).toContain('RELAY_CLIENT_JWKS_FILES');
    expect(guide).toContain('Public key to register with CIS2 for this client (JWKS):');
    expect(readDoc('main/services/client-key/public-jwks.ts')).toContain(
      'Public key to register with CIS2 for this client (JWKS):',
    );
    // The rotation, in the order that never leaves a PC signing with a key CIS2 cannot fetch.
    const relayGuide = readDoc('docs/relay.md');
    const steps = [
      '**Add** the new file',
      '**Wait for the caches**',
      "**Switch the PCs' signing key**",
      '**remove** the old file',
    ];
    const at = steps.map((step) => relayGuide.indexOf(step));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });
});
