/**
 * The vault checks drafts with its own schema (services take only types from the contract),
 * so this holds it to the contract's DraftSchema: the two accept and refuse exactly the same
 * values, at and around every limit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DraftSchema, limits } from '../../../preload/contract';
import { DraftInput } from '../../../main/services/drafts/vault-support';

const agree = (value: unknown): void => {
  expect(DraftInput.safeParse(value).success).toBe(DraftSchema.safeParse(value).success);
};

const around = (n: number): fc.Arbitrary<number> => fc.constantFrom(0, 1, n - 1, n, n + 1);
const idChar = fc.constantFrom('a', 'Z', '0', '-', '_', ' ', 'é');
const lengthAround = (n: number, char: fc.Arbitrary<string> = fc.constant('x')): fc.Arbitrary<string> =>
  fc.tuple(around(n), char).map(([len, c]) => c.repeat(Math.max(0, len)));

const valid = { id: 'd1', patient: 'Bed 4', text: 'Obs stable.', updatedAt: 0 };

/** A valid draft with one thing changed: a field's value, a missing field, or an extra one. */
const draftLike: fc.Arbitrary<unknown> = fc.oneof(
  fc
    .oneof(
      lengthAround(limits.draftIdChars),
      fc.constantFrom('A0-z', 'a-', 'a_b', '_a', '-a', 'a b', 'aé', 'a.b'),
      fc.array(idChar, { minLength: 1, maxLength: 8 }).map((cs) => cs.join('')),
      fc.string(),
    )
    .map((id) => ({ ...valid, id })),
  fc.oneof(lengthAround(limits.patientChars), fc.string(), fc.integer()).map((patient) => ({ ...valid, patient })),
  fc.oneof(lengthAround(limits.textChars), fc.string(), fc.constant(null)).map((text) => ({ ...valid, text })),
  fc
    .oneof(
      fc.integer(),
      fc.double(),
      fc.constantFrom(-1, 0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2),
      fc.string(),
    )
    .map((updatedAt) => ({ ...valid, updatedAt })),
  fc
    .constantFrom('id', 'patient', 'text', 'updatedAt')
    .map((key) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== key))),
  fc.string().map((key) => ({ ...valid, [key]: 'x' })),
);

describe('the vault’s draft check', () => {
  it('accepts and refuses exactly what the contract’s DraftSchema does', () => {
    fc.assert(
      fc.property(draftLike, (value) => agree(value)),
      { numRuns: 500 },
    );
  });

  it.each([null, undefined, 'draft', 42, [], { id: 'd1', patient: '', text: '', updatedAt: 0 }])(
    'agrees on %j',
    (value) => {
      agree(value);
    },
  );
});
