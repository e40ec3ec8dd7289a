import { useEffect, useRef } from 'react';
import type { Workstation } from '../preload/contract';
import { NhsHeader, ScreenHeading } from './common';
import { useShell } from './context';
import { EndedScreen } from './screens/Ended';
import { EnvironmentBanner } from './screens/EnvironmentBanner';
import { LockedScreen } from './screens/Locked';
import { SignInScreen } from './screens/SignIn';
import { SigningInScreen } from './screens/SigningIn';
import { Workspace } from './screens/Workspace';
import { connectingLabels, skipLinkText } from './labels';
import { screenText } from './words';

const activityEvents = ['keydown', 'pointerdown', 'input', 'wheel'] as const;

/** Reports user input to main (throttled in the store) so the idle clock restarts. */
function useActivityReporting(): void {
  const reportActivity = useShell((s) => s.reportActivity);
  useEffect(() => {
    const onActivity = (): void => reportActivity();
    for (const name of activityEvents) window.addEventListener(name, onActivity, { capture: true, passive: true });
    return () => {
      for (const name of activityEvents) window.removeEventListener(name, onActivity, { capture: true });
    };
  }, [reportActivity]);
}

function Screen() {
  const view = useShell((s) => s.view);
  const connection = useShell((s) => s.connection);
  if (view === null) {
    return (
      <main className="nhsuk-main-wrapper" id="main" data-testid="screen-connecting">
        <ScreenHeading>
          {connection === 'failed' ? connectingLabels.notResponding : connectingLabels.starting}
        </ScreenHeading>
        {connection === 'failed' ? <p className="nhsuk-body">{screenText.notResponding}</p> : null}
      </main>
    );
  }
  switch (view.kind) {
    case 'signed-out':
      return <SignInScreen key="signed-out" notice={view.notice} />;
    case 'signing-in':
      return <SigningInScreen key="signing-in" purpose={view.purpose} notice={view.notice} />;
    case 'active':
    case 'warning':
      // One key for both, so the workspace (and the note being typed) stays mounted when the warning comes and goes.
      return (
        <Workspace
          key="workspace"
          clinician={view.clinician}
          sessionSecondsLeft={view.sessionSecondsLeft}
          draftStorage={view.draftStorage}
          warningSecondsLeft={view.kind === 'warning' ? view.secondsLeft : null}
          cis2Unreachable={view.cis2Unreachable ?? false}
        />
      );
    case 'locked':
      return <LockedScreen key="locked" view={view} />;
    case 'ended':
      return <EndedScreen key="ended" reason={view.reason} />;
  }
}

/**
 * The CIS2 environment main last said (every view names it), and whether the logout relay was
 * refused (until a restart); a view that does not say (the fail-closed fallback) keeps the banner
 * up rather than take it down.
 */
function useEnvironment(): { environment: Workstation['environment']; relayRefused: boolean } {
  const told = useShell((s) => s.view?.workstation?.environment);
  const refused = useShell((s) => s.view?.workstation?.relayRefused === true);
  const last = useRef({ environment: told, relayRefused: refused });
  if (told !== undefined) last.current = { ...last.current, environment: told };
  if (refused) last.current = { ...last.current, relayRefused: true };
  return last.current;
}

export function App() {
  useActivityReporting();
  const { environment, relayRefused } = useEnvironment();
  // The signed-in clinician's role organisation (CIS2's org claim: who they act for) while their
  // session lasts; otherwise, and for a role without one, the workstation's (machine policy).
  const organisation = useShell((s) =>
    s.view === null
      ? null
      : (('clinician' in s.view ? s.view.clinician.orgName : null) ?? s.view.workstation?.organisation ?? null),
  );
  return (
    <>
      <a className="nhsuk-skip-link" href="#main">
        {skipLinkText}
      </a>
      <NhsHeader organisation={organisation} />
      <EnvironmentBanner environment={environment} relayRefused={relayRefused} />
      <div className="nhsuk-width-container shell-page">
        <Screen />
      </div>
    </>
  );
}
