/**
 * The test-environment banner (renderer/screens/EnvironmentBanner.tsx) on every screen of a
 * workstation off Live, and on none on Live: the real App rendered over the real store for each
 * kind of view main sends. Its look at 200 % zoom and axe are in test/e2e/environment.spec.ts.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { cis2Environments } from '../../main/core/environment';
import type { SessionView, ShellApi } from '../../preload/contract';
import { App } from '../../renderer/App';
import { StoreContext } from '../../renderer/context';
import { environmentBannerLabel } from '../../renderer/labels';
import { EnvironmentBanner } from '../../renderer/screens/EnvironmentBanner';
import { createShellStore } from '../../renderer/store';
import { environmentBannerText, relayRefusedText } from '../../renderer/words';

type Environment = (typeof cis2Environments)[number];
const clinician = { name: 'Dr Asha Patel', roleName: 'Nurse', orgName: 'Ward 7', orgCode: 'RX1' };
const working = { clinician, sessionSecondsLeft: 40_000, sessionEndingSoon: false, signingInAgain: null, notice: null };

/** One view of each kind main sends, on a workstation in `environment`. */
function everyScreen(environment: Environment): SessionView[] {
  const workstation = { organisation: 'Ward 7 PC', environment };
  return [
    { kind: 'signed-out', notice: null, workstation },
    { kind: 'signing-in', purpose: 'sign-in', notice: null, workstation },
    { kind: 'active', ...working, draftStorage: 'protected', workstation },
    { kind: 'warning', ...working, secondsLeft: 60, draftStorage: 'protected', workstation },
    { kind: 'locked', reason: 'idle', clinician, unlocking: false, lockedAt: 1, notice: null, workstation },
    { kind: 'ended', reason: 'os-lock', workstation },
  ];
}

function renderApp(view: SessionView): string {
  // The store's actions are never called in a static render: no window.shell is needed.
  const store = createShellStore({ api: {} as ShellApi, newId: () => 'id', now: () => 0 });
  store.setState({ view, connection: 'ready' });
  // A server render reads the store's initial state (useSyncExternalStore's server snapshot).
  store.getInitialState = store.getState;
  return renderToStaticMarkup(
    <StoreContext.Provider value={store}>
      <App />
    </StoreContext.Provider>,
  );
}

describe('the test-environment banner', () => {
  for (const environment of cis2Environments.filter((e) => e !== 'live'))
    it(`shows on every screen of a workstation on ${environment}, under the header and before the screen`, () => {
      const { tag, text } = environmentBannerText[environment as Exclude<Environment, 'live'>];
      for (const view of everyScreen(environment)) {
        const html = renderApp(view);
        const banner = html.indexOf('data-testid="environment-banner"');
        expect(banner, view.kind).toBeGreaterThan(html.indexOf('data-testid="nhs-header"'));
        expect(banner, view.kind).toBeLessThan(html.indexOf('id="main"') === -1 ? Infinity : html.indexOf('id="main"'));
        expect(html).toContain(`data-environment="${environment}"`);
        expect(html).toContain(tag);
        expect(html).toContain(text);
      }
    });

  it('shows on no screen of a workstation on Live', () => {
    for (const view of everyScreen('live')) {
      const html = renderApp(view);
      expect(html).toContain('id="main"');
      expect(html).not.toContain('environment-banner');
    }
  });

  it('says it in words, not colour alone, in a named region with nothing that takes focus', () => {
    const html = renderToStaticMarkup(<EnvironmentBanner environment="int" relayRefused={false} />);
    expect(html).toMatch(new RegExp(`^<section class="shell-phase-banner" aria-label="${environmentBannerLabel}"`));
    expect(html).toContain('<strong class="nhsuk-tag nhsuk-tag--yellow shell-phase-banner__tag">Test (INT)</strong>');
    expect(html).not.toMatch(/<(button|a|input|textarea|select)\b|tabindex|role="alert"|aria-live/i);
    for (const words of Object.values(environmentBannerText)) {
      expect(words.text).toMatch(/not (the live one|NHS Care Identity|sign in to the live)/);
      expect(words.text).toContain('Do not use it for real patients.');
      expect(words.text).not.toContain('CIS2');
    }
  });

  it('says nothing while main has not said which environment it is', () => {
    expect(renderToStaticMarkup(<EnvironmentBanner environment={undefined} relayRefused={false} />)).toBe('');
  });

  it('says on every screen, Live included, that the logout relay was refused, until the shell restarts', () => {
    for (const environment of ['live', 'int'] as const)
      for (const view of everyScreen(environment)) {
        const html = renderApp({ ...view, workstation: { organisation: null, environment, relayRefused: true } });
        expect(html).toContain('data-testid="relay-refused"');
        expect(html).toContain(relayRefusedText.text);
        expect(html.includes('data-testid="environment-line"')).toBe(environment !== 'live');
      }
    expect(relayRefusedText.text).toMatch(/Tell IT\.$/);
    expect(renderApp(everyScreen('live')[0] as SessionView)).not.toContain('relay-refused');
  });
});
