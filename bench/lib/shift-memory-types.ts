/** What the 12-hour shift process reports; shared by the parent and the child it starts. */
export const SHIFT_RESULT_PREFIX = 'SHIFT_RESULT ';

export interface MemorySample {
  readonly rssBytes: number;
  /** What V8 has reserved for its heap; growth here with flat heapUsed is fragmentation, not live objects. */
  readonly heapTotalBytes: number;
  readonly heapUsedBytes: number;
  /** Memory of C++ objects bound to JS (Buffers included), outside the V8 heap. */
  readonly externalBytes: number;
}

export interface ShiftChildResult {
  readonly afterImports: MemorySample;
  readonly afterSignIn: MemorySample;
  /** After each simulated hour, after a full GC: a leak shows as steady growth here. */
  readonly hourly: readonly MemorySample[];
  readonly atEnd: MemorySample;
  readonly activityEvents: number;
  readonly draftSaves: number;
  readonly finalTextChars: number;
  readonly simulatedMs: number;
  readonly realMs: number;
  readonly endStatus: string;
  readonly endReason: string | null;
  readonly secretStore: 'keyring' | 'memory';
}
