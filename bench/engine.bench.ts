// Cost of the session engine over a simulated 12-hour shift: one clinician, in-app activity
// every second (43,200 events) plus a timer tick every minute (720), each followed by
// nextDeadline() as the service re-arms its timer. Reports ns per event (median of several
// runs) and memory. Run alone: `npx tsx bench/engine.bench.ts` (add `--expose-gc` to node,
// e.g. `node --expose-gc --import tsx bench/engine.bench.ts`, for retained-heap figures).
import { pathToFileURL } from 'node:url';
import type { Instant } from '../main/core/clock';
import { defaultPolicy } from '../main/core/policy';
import { initialSessionState, nextDeadline, transition } from '../main/core/session';
import type { SessionEvent, SessionState } from '../main/core/session';

export type BenchResult = {
  name: string;
  /** Engine calls per run. */
  events: number;
  runs: number;
  nsPerEventMedian: number;
  nsPerEventMin: number;
  nsPerEventMax: number;
  /** Heap still held after a run (after GC when available): the engine should keep nothing. */
  heapUsedDeltaBytes: number;
  rssDeltaBytes: number;
  /** Where the end state landed, as a check that the shift really ran to its 12-hour limit. */
  finalStatus: SessionState['status'];
};

const SHIFT_MS = 12 * 60 * 60 * 1000;
const RUNS = 9;

function shiftEvents(): SessionEvent[] {
  const start: Instant = { wall: Date.UTC(2026, 10, 24, 7, 30), mono: 1_000 };
  const at = (ms: number): Instant => ({ wall: start.wall + ms, mono: start.mono + ms });
  const events: SessionEvent[] = [
    { type: 'signInStarted', at: at(0) },
    {
      type: 'signInSucceeded',
      at: at(0),
      subject: 'bench-clinician',
      sessionId: 'bench-sid',
      authTime: start.wall,
      aal: 'AAL2',
    },
  ];
  for (let ms = 1000; ms <= SHIFT_MS; ms += 1000) {
    events.push({ type: 'activity', at: at(ms) });
    if (ms % 60_000 === 0) events.push({ type: 'tick', at: at(ms) });
  }
  return events;
}

function runShift(events: SessionEvent[], rearm: boolean): SessionState {
  let state = initialSessionState();
  for (const event of events) {
    state = transition(state, event, defaultPolicy).state;
    if (rearm) nextDeadline(state, defaultPolicy);
  }
  return state;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function measure(name: string, events: SessionEvent[], rearm: boolean): BenchResult {
  runShift(events, rearm); // warm up the JIT
  const perEvent: number[] = [];
  let finalStatus: SessionState['status'] = 'signed-out';
  gc();
  const before = process.memoryUsage();
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    finalStatus = runShift(events, rearm).status;
    perEvent.push(Number(process.hrtime.bigint() - t0) / events.length);
  }
  gc();
  const after = process.memoryUsage();
  perEvent.sort((a, b) => a - b);
  return {
    name,
    events: events.length,
    runs: RUNS,
    nsPerEventMedian: perEvent[Math.floor(perEvent.length / 2)] ?? Number.NaN,
    nsPerEventMin: perEvent[0] ?? Number.NaN,
    nsPerEventMax: perEvent[perEvent.length - 1] ?? Number.NaN,
    heapUsedDeltaBytes: after.heapUsed - before.heapUsed,
    rssDeltaBytes: after.rss - before.rss,
    finalStatus,
  };
}

export async function runEngineBench(): Promise<BenchResult[]> {
  const events = shiftEvents();
  return [
    measure('12 h shift, transition() only', events, false),
    measure('12 h shift, transition() + nextDeadline()', events, true),
  ];
}

export function formatEngineBench(results: BenchResult[]): string {
  const kb = (b: number): string => `${(b / 1024).toFixed(0)} KiB`;
  const rows = results.map((r) => [
    r.name,
    String(r.events),
    r.nsPerEventMedian.toFixed(0),
    `${r.nsPerEventMin.toFixed(0)}–${r.nsPerEventMax.toFixed(0)}`,
    kb(r.heapUsedDeltaBytes),
    kb(r.rssDeltaBytes),
    r.finalStatus,
  ]);
  const head = ['scenario', 'events', 'ns/event (median)', 'ns/event (min–max)', 'heapUsed Δ', 'RSS Δ', 'end state'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const results = await runEngineBench();
  const gcNote =
    typeof (globalThis as { gc?: unknown }).gc === 'function'
      ? 'with GC between measurements'
      : 'without --expose-gc: heap figures include garbage';
  console.log(`Session engine, ${RUNS} runs each, Node ${process.version}, ${gcNote}`);
  console.log(formatEngineBench(results));
}
