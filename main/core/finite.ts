/**
 * A finite number, the type guard the token and seal checks share: `Number.isFinite` is false for
 * anything that is not a number (a numeric string included), and JSON.parse reads an exponent too
 * large, such as 1e999, as Infinity.
 */
export function isFiniteNumber(value: unknown): value is number {
  return Number.isFinite(value);
}
