/**
 * Lock latency: from an OS lock event reaching the main-process services to the lock screen
 * painted in the real renderer with the clinician's note gone from the DOM.
 *
 * t0 is Node's performance.now() just before the event is injected; t1 is Node's
 * performance.now() when the page reports back. The page reports from a MutationObserver
 * that waits until [data-testid=screen-locked] exists and the note (patient and text) is in
 * neither the text of the document nor any input value, then a requestAnimationFrame, then a
 * task posted from that frame (which runs once the frame's rendering update is done). The
 * report crosses back to Node over the DevTools protocol (page.exposeFunction), so each
 * sample includes that hop: the figure is an upper bound on what a clinician would see.
 *
 * Between locks the same clinician unlocks through the sandbox, and the note must come back
 * exactly; a lock that leaves the note on screen, or an unlock that loses it, stops the run.
 */
import type { Browser, Page } from 'playwright-core';
import type { LockReason } from '../../preload/contract';
import type { Harness } from '../../test/harness/harness';
import { summarise } from './stats';
import { withTimeout } from './timeout';
import type { Summary } from './stats';

/** How the OS event is injected: straight into the services, or through the harness control endpoint over HTTP. */
export type LockInjection = 'in-process' | 'control-http';

/**
 * Another way in for the OS event than the session's own port: a real source's trigger (the
 * virtual smartcard pulled, a D-Bus signal sent), timed from just before `fire()`.
 */
export interface LockTrigger {
  /** What fired, for the report. */
  readonly label: string;
  /** The lock reason the event must give the session. */
  readonly reason: LockReason;
  /** Before each lock, untimed: e.g. put the card back and wait until the source has seen it. */
  prepare?(): Promise<void>;
  fire(): Promise<unknown>;
}

export interface LockLatencyOptions {
  readonly harness: Harness;
  readonly browser: Browser;
  readonly locks: number;
  readonly warmup: number;
  readonly injection: LockInjection;
  /** When given, used instead of `injection`. */
  readonly trigger?: LockTrigger;
  /** Stop after this long (ms) with the locks timed so far, if any were; default no limit. */
  readonly maxMs?: number;
  readonly clinician?: string;
}

export interface LockLatencyResult {
  readonly injection: LockInjection;
  readonly clinician: string;
  readonly warmup: number;
  readonly latencyMs: Summary;
  /** Wall time of one lock-and-unlock round, for a sense of how long a run takes. */
  readonly roundMs: Summary;
  /** Each timed lock's latency, in order (after the warm-up), for a benchmark that splits it up. */
  readonly samplesMs: readonly number[];
}

const patient = 'Bench Patient 999 000 0001';
const note = 'Bench note: obs stable overnight, plan repeat U&Es at 14:00 (marker 7f3c9a).';

interface ProbeWindow {
  __lockProbe?: { arm(markers: readonly string[]): void };
  __lockPainted?(): Promise<void>;
}

/**
 * Runs in the page. Kept as source text: tsx wraps named functions in a helper that does not
 * exist in the page, so a serialised TypeScript function would not run there.
 */
const probeSource = `(() => {
  let markers = null;
  const noteGone = () => {
    if (!document.querySelector('[data-testid="screen-locked"]')) return false;
    const text = document.body.innerText + '\\n' + (document.documentElement.textContent ?? '');
    const values = [...document.querySelectorAll('input, textarea')].map((e) => e.value).join('\\n');
    return markers.every((m) => !text.includes(m) && !values.includes(m));
  };
  const check = () => {
    if (markers === null || !noteGone()) return;
    markers = null;
    // The frame's rendering update runs after its animation-frame callbacks; a message
    // posted from one is handled once that update is done.
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => void window.__lockPainted();
      channel.port2.postMessage(null);
    });
  };
  new MutationObserver(check).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });
  window.__lockProbe = { arm(m) { markers = m; check(); } };
})()`;

async function noteIsBack(page: Page): Promise<void> {
  await page
    .waitForFunction(
      ([p, t]) => {
        const patientBox = document.querySelector<HTMLInputElement>('[data-testid="draft-patient"]');
        const textBox = document.querySelector<HTMLTextAreaElement>('[data-testid="draft-text"]');
        return (
          document.querySelector('[data-testid="screen-workspace"]') !== null &&
          patientBox?.value === p &&
          textBox?.value === t
        );
      },
      [patient, note] as const,
      { timeout: 10_000 },
    )
    .catch((cause: unknown) => {
      throw new Error(
        'After unlocking, the workspace did not come back with the note exactly as saved; the lock-latency run stops here.',
        { cause },
      );
    });
}

async function signInAndWrite(harness: Harness, page: Page, clinician: string): Promise<void> {
  await page.getByTestId('sign-in').click();
  await page.getByTestId('screen-signing-in').waitFor();
  await harness.control('POST', '/control/sign-in/complete', { clinician });
  await page.getByTestId('draft-patient').fill(patient);
  await page.getByTestId('draft-text').fill(note);
  await page.locator('[data-testid="save-status"][data-status="saved"]').waitFor({ timeout: 10_000 });
}

export async function measureLockLatency(options: LockLatencyOptions): Promise<LockLatencyResult> {
  const { harness, browser, locks, warmup, injection, trigger } = options;
  const started = performance.now();
  const clinician = options.clinician ?? 'nurse-hughes';
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    let painted: ((t: number) => void) | null = null;
    await page.exposeFunction('__lockPainted', () => {
      const t = performance.now();
      painted?.(t);
    });
    await page.goto(harness.pageUrl);
    await page.getByTestId('screen-signed-out').waitFor();
    await signInAndWrite(harness, page, clinician);
    await page.evaluate(probeSource);
    // The probe must be able to say no: armed while the note is on screen, it stays silent.
    let early = false;
    painted = () => {
      early = true;
    };
    await page.evaluate((m) => (window as unknown as ProbeWindow).__lockProbe?.arm(m), [patient, note]);
    await new Promise((r) => setTimeout(r, 250));
    if (early)
      throw new Error(
        'The lock probe reported a lock while the workspace and note were still on screen; the measurement cannot be trusted.',
      );

    const latencies: number[] = [];
    const rounds: number[] = [];
    for (let i = 0; i < warmup + locks; i += 1) {
      if (options.maxMs !== undefined && latencies.length > 0 && performance.now() - started > options.maxMs) break;
      const roundStart = performance.now();
      await trigger?.prepare?.();
      await page.evaluate((m) => (window as unknown as ProbeWindow).__lockProbe?.arm(m), [patient, note]);
      const reported = new Promise<number>((resolve) => {
        painted = resolve;
      });
      const t0 = performance.now();
      const sent = trigger
        ? trigger.fire()
        : injection === 'in-process'
          ? Promise.resolve(harness.services.session.os.signal('lock-screen'))
          : harness.control('POST', '/control/os/lock-screen');
      const [t1] = await Promise.all([
        withTimeout(
          reported,
          5_000,
          `Lock ${i + 1}: the lock screen was not painted without the note within 5 s of the OS lock event.`,
        ),
        sent,
      ]);
      painted = null;
      if (i >= warmup) latencies.push(t1 - t0);

      const state = harness.services.session.state();
      const reason = trigger?.reason ?? 'os-lock';
      if (state.status !== 'locked' || state.reason !== reason) {
        throw new Error(
          `Lock ${i + 1}: the session is "${state.status}" after ${trigger ? trigger.label : 'an OS lock event'}, where "locked" for "${reason}" was expected.`,
        );
      }
      await page.getByTestId('unlock').click();
      await harness.control('POST', '/control/sign-in/complete', { clinician });
      await noteIsBack(page);
      if (i >= warmup) rounds.push(performance.now() - roundStart);
    }
    return {
      injection,
      clinician,
      warmup,
      latencyMs: summarise(latencies),
      roundMs: summarise(rounds),
      samplesMs: latencies,
    };
  } finally {
    await context.close();
  }
}

/**
 * Each lock's latency split at the moment the presence source saw the event: `detected[i]` is how
 * long after the trigger fired the source saw the i-th timed event.
 */
export function split(
  samples: readonly number[],
  detected: readonly number[],
): { detectMs: Summary; shellMs: Summary } {
  if (detected.length < samples.length)
    throw new Error(
      `The source saw ${detected.length} of ${samples.length} timed events; the split cannot be trusted.`,
    );
  return {
    detectMs: summarise(detected.slice(0, samples.length)),
    shellMs: summarise(samples.map((t, i) => t - (detected[i] as number))),
  };
}
