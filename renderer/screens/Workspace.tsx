import { useState } from 'react';
import type { ClinicianView, DraftStorage } from '../../preload/contract';
import { ActionError, Button } from '../common';
import { useFocusOnMount, useShell } from '../context';
import { noRoleSelected, workspaceLabels } from '../labels';
import { memoryOnlyNotice, sessionLeftText } from '../words';
import { Cis2Unreachable } from './Cis2Unreachable';
import { DraftEditor } from './DraftEditor';
import { IdleWarning } from './IdleWarning';
import { SessionEndingSoon } from './SessionEndingSoon';
import { ChangeRoleButton, RoleChangeStatus, RoleGuidance } from './RoleChange';

function IdentityBanner({ clinician, sessionSecondsLeft }: { clinician: ClinicianView; sessionSecondsLeft: number }) {
  const act = useShell((s) => s.act);
  const busy = useShell((s) => s.busy);
  const org =
    clinician.orgName === null
      ? null
      : clinician.orgCode === null
        ? clinician.orgName
        : `${clinician.orgName} (${clinician.orgCode})`;
  // A section, not a header: the NHS header above is the page's one banner landmark.
  return (
    <section className="shell-banner" aria-label={workspaceLabels.banner} data-testid="identity-banner">
      <div className="shell-banner__inner">
        <div>
          <p className="shell-banner__name" data-testid="clinician-name">
            {clinician.name}
          </p>
          <p className="shell-banner__detail" data-testid="clinician-role">
            {clinician.roleName ?? noRoleSelected}
            {org === null ? null : <span data-testid="clinician-org"> · {org}</span>}
          </p>
          <p className="shell-banner__detail" data-testid="session-left">
            {sessionLeftText(sessionSecondsLeft)}
          </p>
        </div>
        <div className="shell-banner__actions">
          <ChangeRoleButton clinician={clinician} />
          <Button testId="lock" reverse onClick={() => act('lock')} disabled={busy === 'lock'}>
            {workspaceLabels.lock}
          </Button>
          <Button testId="sign-out" reverse onClick={() => act('signOut')} disabled={busy === 'signOut'}>
            {workspaceLabels.signOut}
          </Button>
        </div>
      </div>
    </section>
  );
}

export function Workspace({
  clinician,
  sessionSecondsLeft,
  draftStorage,
  warningSecondsLeft,
  cis2Unreachable,
}: {
  clinician: ClinicianView;
  sessionSecondsLeft: number;
  draftStorage: DraftStorage;
  warningSecondsLeft: number | null;
  /** NHS Care Identity did not answer the last refresh: the session goes on, and a calm note says so. */
  cis2Unreachable: boolean;
}) {
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [endingSoonShown, setEndingSoonShown] = useState(false);
  return (
    <>
      <IdentityBanner clinician={clinician} sessionSecondsLeft={sessionSecondsLeft} />
      <main className="nhsuk-width-container nhsuk-main-wrapper" id="main" data-testid="screen-workspace">
        <h1 className="nhsuk-heading-l shell-heading" tabIndex={-1} ref={heading}>
          {workspaceLabels.title}
        </h1>
        <RoleGuidance clinician={clinician} />
        <RoleChangeStatus />
        {draftStorage === 'memory-only' ? (
          <div className="nhsuk-warning-callout" data-testid="memory-only-notice">
            <h2 className="nhsuk-warning-callout__label">{workspaceLabels.important}</h2>
            <p>{memoryOnlyNotice}</p>
          </div>
        ) : null}
        <ActionError />
        <DraftEditor />
      </main>
      {/* After the note in the page's order, so Tab from the note reaches "I'm still here". */}
      {warningSecondsLeft === null ? null : <IdleWarning secondsLeft={warningSecondsLeft} />}
      {/* The 12-hour notice: at the foot too, giving way on screen to the idle warning. */}
      <SessionEndingSoon onShown={setEndingSoonShown} />
      {/* NHS Care Identity not answering: the calmest of the three, giving way on screen to both. */}
      <Cis2Unreachable
        unreachable={cis2Unreachable}
        draftStorage={draftStorage}
        giveWay={warningSecondsLeft !== null || endingSoonShown}
      />
    </>
  );
}
