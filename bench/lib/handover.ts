/**
 * Hand-over time: at one clinician's lock screen, with their note saved, the next clinician signs
 * in. Timed from the authorization response reaching the shell's loopback callback (t0: Node's
 * performance.now() just before the bench, playing the system browser, requests the callback URL
 * the sandbox redirected to) to the next clinician's workspace painted in the real renderer (t1:
 * as in lock-latency.ts, a MutationObserver or an animation frame finds the condition, then a
 * frame, then a task posted from it; the report crosses back over the DevTools protocol, so t1 is
 * an upper bound). The condition: the workspace, the banner naming the next clinician, their own
 * draft in the editor (empty at their first turn, their last note after that) and the previous
 * clinician's note nowhere in the page's text or input values.
 *
 * Everything the clinician does at the provider (the sign-in page, choosing who they are) is
 * before t0 and untimed. Inside the window the shell exchanges the code (token endpoint), checks
 * the ID token and asks userinfo; the provider's own time there, the union of the spans its
 * requests spent inside the sandbox's provider (sandbox/provider.ts, onProviderRequest), is
 * reported apart and taken off the shell's figure.
 */
import type { Browser, Page } from 'playwright-core';
import type { ProviderSpan } from '../../sandbox/provider';
import { followToCallback } from '../../sandbox/provider';
import type { Harness } from '../../test/harness/harness';
import { timeWithin } from './provider-time';
import { summarise } from './stats';
import { withTimeout } from './timeout';
import type { Summary } from './stats';

/**
 * How the next clinician takes over at the lock screen: "Sign in as someone else" (the previous
 * clinician's session ends and their note is sealed at the press, before the provider), or
 * "Unlock" authenticated as someone else (the previous session ends, and its note is sealed, only
 * once the next clinician's sign-in is proven: inside the timed window).
 */
export type HandoverWay = 'someone-else' | 'unlock';

export interface HandoverClinician {
  readonly id: string;
  /** What the banner must show for them (their surname). */
  readonly shown: string;
}

export interface HandoverOptions {
  readonly harness: Harness;
  readonly browser: Browser;
  /** Filled by the harness's onProviderRequest as the provider handles requests. */
  readonly spans: ProviderSpan[];
  readonly clinicians: readonly HandoverClinician[];
  readonly handovers: number;
  readonly warmup: number;
  readonly way: HandoverWay;
}

export interface HandoverResult {
  readonly way: HandoverWay;
  readonly clinicians: number;
  readonly warmup: number;
  /** Callback → workspace painted, everything included. */
  readonly totalMs: Summary;
  /** The provider's own time inside each window. */
  readonly providerMs: Summary;
  /** Each window less the provider's own time in it: the shell's figure. */
  readonly shellMs: Summary;
  /** Provider requests inside the timed windows, by route. */
  readonly providerRequests: Readonly<Record<string, number>>;
}

interface Expected {
  readonly patient: string;
  readonly text: string;
}

interface ProbeWindow {
  __handoverProbe?: { arm(want: { shown: string; patient: string; text: string; gone: string[] }): void };
}

/** Runs in the page; source text for the reason lock-latency.ts gives. */
const probeSource = `(() => {
  let want = null;
  const ready = () => {
    if (!document.querySelector('[data-testid="screen-workspace"]')) return false;
    const banner = document.querySelector('[data-testid="clinician-name"]');
    if (!banner || !banner.textContent.includes(want.shown)) return false;
    const patient = document.querySelector('[data-testid="draft-patient"]');
    const text = document.querySelector('[data-testid="draft-text"]');
    if (!patient || !text || patient.value !== want.patient || text.value !== want.text) return false;
    const page = document.body.innerText + '\\n' + (document.documentElement.textContent ?? '');
    const values = [...document.querySelectorAll('input, textarea')].map((e) => e.value).join('\\n');
    return want.gone.every((m) => !page.includes(m) && !values.includes(m));
  };
  const post = () => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => void window.__handoverPainted();
    channel.port2.postMessage(null);
  };
  // From a mutation: wait for the next frame. From a frame's callback: that frame paints it.
  const check = () => {
    if (want === null || !ready()) return;
    want = null;
    requestAnimationFrame(post);
  };
  // Input values set as properties are no mutation; each frame looks too while armed.
  const frame = () => {
    if (want === null) return;
    if (ready()) { want = null; post(); return; }
    requestAnimationFrame(frame);
  };
  new MutationObserver(check).observe(document.documentElement, { subtree: true, childList: true, characterData: true, attributes: true });
  window.__handoverProbe = { arm(w) { want = w; check(); requestAnimationFrame(frame); } };
})()`;

async function writeNote(page: Page, note: Expected): Promise<void> {
  await page.getByTestId('draft-patient').fill(note.patient);
  await page.getByTestId('draft-text').fill(note.text);
  await page.locator('[data-testid="save-status"][data-status="saved"]').waitFor({ timeout: 10_000 });
}

const noteOf = (clinician: string, turn: number): Expected => ({
  patient: `Bench Patient ${turn} of ${clinician}`,
  text: `Hand-over note ${turn}: obs stable, repeat U&Es at 14:00 (marker ${clinician}-${turn}-${Math.random().toString(36).slice(2, 8)}).`,
});

const arm = (page: Page, want: { shown: string; patient: string; text: string; gone: string[] }) =>
  page.evaluate((w) => (window as unknown as ProbeWindow).__handoverProbe?.arm(w), want);

export async function measureHandover(options: HandoverOptions): Promise<HandoverResult> {
  const { harness, browser, spans, clinicians, handovers, warmup, way } = options;
  if (clinicians.length < 2) throw new Error('A hand-over needs at least two clinicians.');
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    let painted: ((t: number) => void) | null = null;
    await page.exposeFunction('__handoverPainted', () => painted?.(performance.now()));
    await page.goto(harness.pageUrl);
    await page.getByTestId('screen-signed-out').waitFor();
    const first = clinicians[0] as HandoverClinician;
    await page.getByTestId('sign-in').click();
    await harness.control('POST', '/control/sign-in/complete', { clinician: first.id });
    const drafts = new Map<string, Expected>([[first.id, noteOf(first.id, 0)]]);
    await writeNote(page, drafts.get(first.id) as Expected);
    await page.evaluate(probeSource);
    // The probe must be able to say no: armed for the next clinician while the first one's note
    // is on screen, it stays silent.
    let early = false;
    painted = () => void (early = true);
    await arm(page, { shown: (clinicians[1] as HandoverClinician).shown, patient: '', text: '', gone: [] });
    await new Promise((r) => setTimeout(r, 250));
    if (early) throw new Error('The hand-over probe reported the next workspace while the first was on screen.');
    painted = null;

    const total: number[] = [];
    const provider: number[] = [];
    const routes: Record<string, number> = {};
    for (let i = 0; i < warmup + handovers; i += 1) {
      const from = clinicians[i % clinicians.length] as HandoverClinician;
      const to = clinicians[(i + 1) % clinicians.length] as HandoverClinician;
      const leaving = drafts.get(from.id) as Expected;
      await harness.services.session.os.signal('lock-screen');
      await harness.services.session.settled();
      await page.getByTestId('screen-locked').waitFor();
      await page.getByTestId(way === 'unlock' ? 'unlock' : 'sign-in-as-someone-else').click();
      const { url } = (await harness.control('POST', '/control/sign-in/page')) as { url: string };
      // The clinician at the provider: untimed, as it would be at CIS2.
      const callback = await harness.sandbox.completeLogin(new URL(url), to.id);
      const own = drafts.get(to.id) ?? { patient: '', text: '' };
      await arm(page, { shown: to.shown, ...own, gone: [leaving.patient, leaving.text] });
      const reported = new Promise<number>((resolve) => (painted = resolve));
      spans.length = 0;
      const t0 = performance.now();
      const [t1] = await Promise.all([
        withTimeout(reported, 10_000, `Hand-over ${i + 1} (${from.id} → ${to.id}): no workspace within 10 s.`),
        followToCallback(callback),
      ]);
      painted = null;
      if (i >= warmup) {
        total.push(t1 - t0);
        provider.push(timeWithin(spans, t0, t1));
        for (const s of spans) if (s.startMs < t1 && s.endMs > t0) routes[s.route] = (routes[s.route] ?? 0) + 1;
      }
      const state = harness.services.session.state();
      if (state.status !== 'active')
        throw new Error(`Hand-over ${i + 1}: the session is "${state.status}" after ${to.id} signed in.`);
      const next = noteOf(to.id, i + 1);
      await writeNote(page, next);
      drafts.set(to.id, next);
    }
    return {
      way,
      clinicians: clinicians.length,
      warmup,
      totalMs: summarise(total),
      providerMs: summarise(provider),
      shellMs: summarise(total.map((t, i) => t - (provider[i] as number))),
      providerRequests: routes,
    };
  } finally {
    await context.close();
  }
}
