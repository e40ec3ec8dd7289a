// Group Policy shows each setting by a readable name (issue 14 item 10): "Idle lock for smartcard
// (AAL3) sessions (seconds)", not IdleLimitAAL3Seconds. The value name stays the catalogue's, and
// is shown beside the box and in the explanation so IT can match the two.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { CATALOGUE, SETTING_NAMES } from '../../main/services/policy/catalogue';
import type { SettingSpec } from '../../main/services/policy/setting-spec';
import { renderAdml } from '../../main/services/policy/templates/admx';
import { repoRoot } from './builder-config';

/** Each setting's readable name, from its own entry in the catalogue (SettingSpec.displayName). */
const DISPLAY_NAMES: Readonly<Record<string, string | undefined>> = Object.fromEntries(
  SETTING_NAMES.map((name) => [name, CATALOGUE[name].displayName]),
);

/** A name a person reads: words with spaces, not an identifier. */
const isHuman = (text: string): boolean =>
  /^[A-Z][^\s]*(\s+\S+)+$/.test(text) && !/^[A-Z][a-z]+([A-Z0-9][a-z0-9]*)+$/.test(text);

function admlStrings(adml: string): Map<string, string> {
  return new Map([...adml.matchAll(/<string id="([^"]+)">([^<]*)<\/string>/g)].map((m) => [m[1]!, m[2]!]));
}

describe('policy display names', () => {
  it('the check tells a readable name from a raw one', () => {
    expect(isHuman('Idle lock for smartcard (AAL3) sessions (seconds)')).toBe(true);
    expect(isHuman('IdleLimitAAL3Seconds')).toBe(false);
    expect(isHuman('Kiosk')).toBe(false);
  });

  it('every setting in the catalogue has a readable name', () => {
    const missing = SETTING_NAMES.filter((name) => DISPLAY_NAMES[name] === undefined);
    expect(missing).toEqual([]);
    for (const name of SETTING_NAMES)
      expect(isHuman(DISPLAY_NAMES[name]!), `${name}: ${DISPLAY_NAMES[name]}`).toBe(true);
  });

  it('a setting without a display name does not compile (npm run typecheck fails on an unused expectation)', () => {
    // @ts-expect-error displayName is a required field of every setting
    const unnamed: SettingSpec = {
      group: 'Logging',
      registry: 'REG_SZ',
      schema: z.string(),
      admx: { element: 'text', maxLength: 10 },
      default: 'none',
      range: 'any',
      description: 'A setting someone forgot to name.',
      rule: 'None.',
      example: 'x',
    };
    expect(unnamed.displayName).toBeUndefined();
  });

  it('the ADML shows each policy by its readable name, and names its value in the explanation and beside the box', () => {
    const adml = renderAdml();
    const strings = admlStrings(adml);
    for (const name of SETTING_NAMES) {
      expect(strings.get(name), name).toBe(DISPLAY_NAMES[name]!.replace(/&/g, '&amp;'));
      expect(strings.get(`${name}_Explain`), name).toContain(`key: ${name}.`);
    }
    expect(adml).toContain('Idle lock for smartcard (AAL3) sessions (seconds) (IdleLimitAAL3Seconds)');
  });

  it('the committed ADML is the one generated (npm run policy:templates), with no raw names as titles', () => {
    const committed = readFileSync(
      path.join(repoRoot, 'policy-templates/windows/en-US/ClinicalWorkstationShell.adml'),
      'utf8',
    );
    const strings = admlStrings(committed);
    for (const name of SETTING_NAMES) expect(strings.get(name), name).not.toBe(name);
  });
});
