// For any raw layers at all (random names, random values of random types, one or two sources):
// resolving never throws, never gives a session looser than the rules, and never drops a
// setting silently: each name is applied or reported, and a lower source never supplies a setting
// a higher one names.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RULE_CAPS, RULE_MAXIMA } from '../../../main/core/policy';
import { CATALOGUE, SETTING_NAMES } from '../../../main/services/policy/catalogue';
import type { SettingName } from '../../../main/services/policy/catalogue';
import { resolveMachinePolicy } from '../../../main/services/policy/machine-policy';
import type { SourceRead } from '../../../main/services/policy/source';

/** CI raises FC_NUM_RUNS to run many more cases. */
const NUM_RUNS = Number(process.env.FC_NUM_RUNS ?? 1000);

const name = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SETTING_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom(...SETTING_NAMES).map((n) => n.toLowerCase()) },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.constantFrom('session', '__proto__', 'constructor', 'toString', 'IdleLimitSeconds') },
);
const value = fc.oneof(
  fc.integer({ min: -10, max: 200_000 }),
  fc.constantFrom(0, 1, 0xffff_ffff, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, 1.5, -0),
  fc.double(),
  fc.boolean(),
  fc.string({ maxLength: 60 }),
  fc.constantFrom(
    'lock',
    'end-session',
    'int',
    'live',
    'sandbox',
    'https://idp.example/',
    'http://127.0.0.1:1/',
    'info',
    'debug',
    '/var/log/cws',
    'C:\\logs',
    '',
  ),
  fc.array(fc.constantFrom('openid', 'profile', '', 'a b'), { maxLength: 4 }),
  fc.constant(null),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }),
);
const layer = (source: string): fc.Arbitrary<SourceRead> =>
  fc
    .record({ values: fc.dictionary(name, value, { maxKeys: 12 }), caseInsensitive: fc.boolean() })
    .map((l) => ({ source, status: 'read' as const, problems: [], ...l }));
const layers = fc.oneof(fc.tuple(layer('HKLM')), fc.tuple(layer('HKLM'), layer('HKCU')));
const context = fc.record({
  platform: fc.constantFrom('win32', 'linux', 'darwin'),
  packaged: fc.boolean(),
  env: fc.option(fc.constant({ CWS_SANDBOX_ISSUER: 'http://127.0.0.1:4100' }), { nil: {} }),
});

/** The JavaScript type each registry type reads as: a value of another type can never be valid. */
const jsTypeFor = (n: SettingName): string =>
  CATALOGUE[n].admx.element === 'boolean'
    ? 'boolean-or-dword'
    : { REG_DWORD: 'number', REG_SZ: 'string', REG_MULTI_SZ: 'array' }[CATALOGUE[n].registry];
const hasJsType = (n: SettingName, v: unknown): boolean => {
  const t = jsTypeFor(n);
  if (t === 'boolean-or-dword') return typeof v === 'boolean' || v === 0 || v === 1;
  return t === 'array' ? Array.isArray(v) : typeof v === t;
};
const canonical = (written: string, caseInsensitive: boolean | undefined): SettingName | undefined =>
  SETTING_NAMES.find((n) => n === written || (caseInsensitive === true && n.toLowerCase() === written.toLowerCase()));

describe('resolveMachinePolicy (property)', () => {
  it('is never looser than the rules and reports every name it does not apply', () => {
    fc.assert(
      fc.property(layers, context, (reads, ctx) => {
        const policy = resolveMachinePolicy(reads, ctx);
        const { session } = policy;
        expect(session.idleLimitMs.AAL2).toBeGreaterThan(0);
        expect(session.idleLimitMs.AAL2).toBeLessThanOrEqual(RULE_MAXIMA.idleLimitMs.AAL2);
        expect(session.idleLimitMs.AAL3).toBeGreaterThan(0);
        expect(session.idleLimitMs.AAL3).toBeLessThanOrEqual(RULE_MAXIMA.idleLimitMs.AAL3);
        expect(session.absoluteLimitMs).toBeGreaterThan(0);
        expect(session.absoluteLimitMs).toBeLessThanOrEqual(RULE_MAXIMA.absoluteLimitMs);
        expect(session.warningLeadMs).toBeGreaterThanOrEqual(0);
        expect(session.warningLeadMs).toBeLessThan(Math.min(session.idleLimitMs.AAL2, session.idleLimitMs.AAL3));
        expect(policy.draftRetentionMs).toBeGreaterThan(0);
        expect(policy.draftRetentionMs).toBeLessThanOrEqual(RULE_CAPS.DraftRetentionHours * 3_600_000);
        if (policy.oidc) {
          expect(policy.oidc.authTimeSkewSeconds).toBeLessThanOrEqual(RULE_CAPS.AuthTimeSkewSeconds);
          expect(policy.oidc.scopes).toContain('openid');
          // An installed shell never signs in to the sandbox or over plain http.
          if (ctx.packaged)
            expect(policy.oidc.issuer.startsWith('https://') && !policy.oidc.allowInsecureLoopbackIssuer).toBe(true);
        }

        const namedAbove = new Set<SettingName>();
        for (const read of reads) {
          const namedHere: SettingName[] = [];
          for (const [written, raw] of Object.entries(read.values)) {
            const reported = policy.problems.some(
              (p) => p.source === read.source && p.setting === written.slice(0, 60) + (written.length > 60 ? '…' : ''),
            );
            const setting = canonical(written, read.caseInsensitive);
            if (!setting) {
              expect(reported, `unknown name ${JSON.stringify(written)} not reported`).toBe(true);
              continue;
            }
            if (!hasJsType(setting, raw))
              expect(reported, `${setting} holding a ${typeof raw} not reported`).toBe(true);
            const appliedHere = policy.applied[setting] === read.source;
            // Machine over user: a setting a higher source names is never taken from a lower one.
            if (namedAbove.has(setting))
              expect(appliedHere, `${setting} from ${read.source} overrode a higher source`).toBe(false);
            else expect(appliedHere || reported, `${setting} from ${read.source} silently dropped`).toBe(true);
            namedHere.push(setting);
          }
          for (const n of namedHere) namedAbove.add(n);
        }
        // Every clamp names a setting and never applies more than was asked.
        for (const clamp of policy.clamps) expect(clamp.applied).toBeLessThan(clamp.requested);
      }),
      { numRuns: NUM_RUNS },
    );
  }, 60_000);
});
