import type { Notice } from '../../preload/contract';
import { ActionError, Button, NoticeBox, ScreenHeading } from '../common';
import { useShell } from '../context';
import { signInLabels } from '../labels';
import { screenText } from '../words';

export function SignInScreen({ notice }: { notice: Notice | null }) {
  const act = useShell((s) => s.act);
  const busy = useShell((s) => s.busy);
  return (
    <main className="nhsuk-main-wrapper" id="main" data-testid="screen-signed-out">
      <ScreenHeading>{signInLabels.title}</ScreenHeading>
      <NoticeBox notice={notice} />
      <p className="nhsuk-body">{screenText.signIn}</p>
      <ActionError />
      <Button testId="sign-in" onClick={() => act('signIn')} disabled={busy === 'signIn'}>
        {signInLabels.button}
      </Button>
    </main>
  );
}
