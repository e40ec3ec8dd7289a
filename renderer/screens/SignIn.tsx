import type { Notice } from '../../preload/contract';
import { ActionError, Button, NoticeBox, ScreenHeading } from '../common';
import { useShell } from '../context';

export function SignInScreen({ notice }: { notice: Notice | null }) {
  const act = useShell((s) => s.act);
  const busy = useShell((s) => s.busy);
  return (
    <main className="nhsuk-main-wrapper" id="main" data-testid="screen-signed-out">
      <ScreenHeading>Sign in to this workstation</ScreenHeading>
      <NoticeBox notice={notice} />
      <p className="nhsuk-body">
        Use your NHS smartcard or security key with NHS Care Identity. The sign-in page opens in your web browser; come
        back to this window when you have signed in.
      </p>
      <ActionError />
      <Button testId="sign-in" onClick={() => act('signIn')} disabled={busy === 'signIn'}>
        Sign in
      </Button>
    </main>
  );
}
