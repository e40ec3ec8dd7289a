import type { EndReason } from '../../preload/contract';
import { ActionError, Button, ScreenHeading } from '../common';
import { useShell } from '../context';
import { endedLabels } from '../labels';
import { endReasonText } from '../words';

export function EndedScreen({ reason }: { reason: EndReason }) {
  const act = useShell((s) => s.act);
  const busy = useShell((s) => s.busy);
  return (
    <main className="nhsuk-main-wrapper" id="main" data-testid="screen-ended">
      <ScreenHeading>{endedLabels.title}</ScreenHeading>
      <p className="nhsuk-body-l" data-testid="ended-reason" data-reason={reason}>
        {endReasonText[reason]}
      </p>
      <ActionError />
      <Button testId="sign-in" onClick={() => act('signIn')} disabled={busy === 'signIn'}>
        {endedLabels.button}
      </Button>
    </main>
  );
}
