import type { Notice } from '../../preload/contract';
import { ActionError, Button, NoticeBox, ScreenHeading } from '../common';
import { useShell } from '../context';
import { signingInLabels } from '../labels';
import { browserTroubleText, continueInBrowserText } from '../words';

/** Shared by sign-in and by unlock: the browser has the next step. */
export function ContinueInBrowser({ purpose }: { purpose: 'sign-in' | 'unlock' }) {
  const act = useShell((s) => s.act);
  const busy = useShell((s) => s.busy);
  return (
    <div data-testid="continue-in-browser">
      <p className="nhsuk-body" aria-live="polite">
        {continueInBrowserText}
      </p>
      <p className="nhsuk-body">{browserTroubleText}</p>
      <div className="shell-button-row">
        <Button
          testId="try-again"
          onClick={() => act(purpose === 'unlock' ? 'unlock' : 'signIn')}
          disabled={busy === 'unlock' || busy === 'signIn'}
        >
          {signingInLabels.tryAgain}
        </Button>
        <Button
          testId="cancel-sign-in"
          secondary
          onClick={() => act('cancelSignIn')}
          disabled={busy === 'cancelSignIn'}
        >
          {signingInLabels.cancel}
        </Button>
      </div>
    </div>
  );
}

export function SigningInScreen({ purpose, notice }: { purpose: 'sign-in' | 'unlock'; notice: Notice | null }) {
  return (
    <main className="nhsuk-main-wrapper" id="main" data-testid="screen-signing-in">
      <ScreenHeading>{signingInLabels.title}</ScreenHeading>
      <NoticeBox notice={notice} />
      <ActionError />
      <ContinueInBrowser purpose={purpose} />
    </main>
  );
}
