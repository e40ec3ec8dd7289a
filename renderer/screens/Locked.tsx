import type { SessionView } from '../../preload/contract';
import { ActionError, Button, NoticeBox, ScreenHeading } from '../common';
import { useShell } from '../context';
import { lockedLabels, noRoleSelected } from '../labels';
import {
  lockedAtText,
  lockedUnreachableText,
  lockNeedsFullSignIn,
  lockReasonText,
  noticeSaysUnreachable,
  smartcardPromptText,
  workKeptText,
} from '../words';
import { ContinueInBrowser } from './SigningIn';

/** Who is signed in and why it locked. Never any clinical content: the workspace is unmounted. */
export function LockedScreen({ view }: { view: Extract<SessionView, { kind: 'locked' }> }) {
  const act = useShell((s) => s.act);
  const busy = useShell((s) => s.busy);
  const { clinician } = view;
  // NHS Care Identity could not be reached as it locked; a failed unlock's own notice says it instead.
  const unreachable = view.cis2Unreachable === true && !noticeSaysUnreachable(view.notice);
  return (
    <main className="nhsuk-main-wrapper" id="main" data-testid="screen-locked">
      <ScreenHeading stage={view.unlocking ? 'unlocking' : 'locked'}>{lockedLabels.title}</ScreenHeading>
      {/* Announced when the lock screen appears: why, and that nothing was lost. */}
      <div role="status" aria-live="polite">
        <p className="nhsuk-body-l" data-testid="lock-reason" data-reason={view.reason}>
          {lockReasonText[view.reason]}
        </p>
        <p className="nhsuk-body" data-testid="work-kept">
          {workKeptText}
        </p>
        {unreachable ? (
          <div className="nhsuk-inset-text shell-locked-unreachable" data-testid="lock-cis2-unreachable">
            <h2 className="nhsuk-heading-s">{lockedUnreachableText.title}</h2>
            <p className="nhsuk-body">{lockedUnreachableText.text(view.reason)}</p>
          </div>
        ) : null}
        {view.smartcard === undefined || view.unlocking ? null : (
          <p className="nhsuk-body" data-testid="smartcard-prompt" data-card={view.smartcard}>
            {smartcardPromptText[view.smartcard]}
          </p>
        )}
      </div>
      <dl className="nhsuk-summary-list" data-testid="locked-identity">
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">{lockedLabels.lockedBy}</dt>
          <dd className="nhsuk-summary-list__value" data-testid="locked-name">
            {clinician.name}
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">{lockedLabels.lockedAt}</dt>
          <dd className="nhsuk-summary-list__value" data-testid="locked-at">
            {lockedAtText(view.lockedAt)}
          </dd>
        </div>
        <div className="nhsuk-summary-list__row">
          <dt className="nhsuk-summary-list__key">{lockedLabels.role}</dt>
          <dd className="nhsuk-summary-list__value">{clinician.roleName ?? noRoleSelected}</dd>
        </div>
      </dl>
      <NoticeBox notice={view.notice} />
      <ActionError />
      {view.unlocking ? (
        <ContinueInBrowser purpose="unlock" />
      ) : (
        <div className="shell-button-row">
          <Button testId="unlock" onClick={() => act('unlock')} disabled={busy === 'unlock'}>
            {lockNeedsFullSignIn[view.reason] ? lockedLabels.signInAgain : lockedLabels.unlock}
          </Button>
          <Button
            testId="sign-in-as-someone-else"
            secondary
            onClick={() => act('signInAsSomeoneElse')}
            disabled={busy === 'signInAsSomeoneElse'}
          >
            {lockedLabels.someoneElse}
          </Button>
        </div>
      )}
    </main>
  );
}
