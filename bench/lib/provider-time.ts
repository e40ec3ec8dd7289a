/**
 * The provider's own time inside a window: the union of the spans the CIS2 sandbox's provider
 * spent on requests (its first middleware in to out), clipped to the window. A union, not a sum:
 * two requests in flight at once (the next clinician's token exchange and the previous one's
 * revocation) cost the window their overlap once, not twice.
 */
export interface Span {
  readonly startMs: number;
  readonly endMs: number;
}

export function timeWithin(spans: readonly Span[], fromMs: number, toMs: number): number {
  const clipped = spans
    .map((s) => ({ start: Math.max(s.startMs, fromMs), end: Math.min(s.endMs, toMs) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start);
  let total = 0;
  let end = -Infinity;
  for (const s of clipped) {
    if (s.end <= end) continue;
    total += s.end - Math.max(s.start, end);
    end = s.end;
  }
  return total;
}
