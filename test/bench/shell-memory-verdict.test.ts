// The shell benchmark's memory verdicts (issue 24): the services' RSS above a bare Node process
// (≤ 50 MB) and a flat heap over the shift, not the retired absolute 80 MB, which judged Node's
// own base as much as the services.
import { describe, expect, it } from 'vitest';
import { shiftMeasures } from '../../bench/shell.bench';
import type { ShiftChildResult } from '../../bench/lib/shift-memory-types';

const MB = 1_000_000;
const sample = (rss: number, heapUsed: number) => ({
  rssBytes: rss * MB,
  heapTotalBytes: 30 * MB,
  heapUsedBytes: heapUsed * MB,
  externalBytes: 1 * MB,
});

function child(atEndRss: number, hour1Heap: number, atEndHeap: number): ShiftChildResult {
  return {
    afterImports: sample(60, 10),
    afterSignIn: sample(80, 12),
    hourly: [sample(85, hour1Heap), sample(90, (hour1Heap + atEndHeap) / 2)],
    atEnd: sample(atEndRss, atEndHeap),
    activityEvents: 43_200,
    draftSaves: 720,
    finalTextChars: 70_000,
    simulatedMs: 12 * 3_600_000,
    realMs: 30_000,
    endStatus: 'locked',
    endReason: 'absolute-limit',
    secretStore: 'memory',
  };
}

const verdicts = (atEndRss: number, hour1Heap: number, atEndHeap: number, bare = 47) =>
  Object.fromEntries(
    shiftMeasures({
      withDrafts: child(atEndRss, hour1Heap, atEndHeap),
      withoutDrafts: child(90, 12, 12),
      bareNodeRssBytes: bare * MB,
    }).map((m) => [m.name, m.verdict]),
  );

describe('the 12-hour shift memory verdicts', () => {
  it('passes 94 MB at the lock with a 47 MB bare Node (47 MB above) and a flat heap', () => {
    expect(verdicts(94, 13.4, 13.4)).toMatchObject({
      'services RSS above a bare Node process, after a 12-hour shift': 'PASS',
      'services heap used, growth from hour 1 to the 12-hour lock': 'PASS',
      'services RSS after a 12-hour shift (absolute)': 'INFO',
    });
  });

  it('misses when the services add more than 50 MB to a bare Node process', () => {
    expect(verdicts(98, 13, 13)['services RSS above a bare Node process, after a 12-hour shift']).toBe('MISS');
    expect(verdicts(97, 13, 13)['services RSS above a bare Node process, after a 12-hour shift']).toBe('PASS');
  });

  it('misses when the heap grows more than 2 MB from the first hour to the lock', () => {
    expect(verdicts(90, 12, 14.5)['services heap used, growth from hour 1 to the 12-hour lock']).toBe('MISS');
    expect(verdicts(90, 12, 13.9)['services heap used, growth from hour 1 to the 12-hour lock']).toBe('PASS');
  });
});
