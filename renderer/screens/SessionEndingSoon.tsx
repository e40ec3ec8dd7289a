import { useEffect, useRef, useState } from 'react';
import { Button } from '../common';
import { useShell } from '../context';
import { sessionEndingAnnouncement, sessionEndingText } from '../words';

/** How long "You have signed in again" stays on screen (it is also announced). */
const renewedShownMs = 10_000;

/**
 * The notice before the 12-hour sign-in limit, with "Sign in again now". Like the idle warning it
 * sits over the foot of the window, outside the page's flow, so the note never moves, and it
 * takes no focus, so typing goes on. It is calm (information, not a warning) and announced once,
 * politely, when it appears, when signing in again worked, and when it did not. The idle warning
 * comes first on screen: while it shows, this one steps back (its announcements still go out).
 * A spacer the notice's height ends the page, so the end of a long note can scroll above it.
 */
export function SessionEndingSoon() {
  const view = useShell((s) => s.view);
  const act = useShell((s) => s.act);
  const busy = useShell((s) => s.busy);
  const working = view !== null && (view.kind === 'active' || view.kind === 'warning') ? view : null;
  const endingSoon = working?.sessionEndingSoon ?? false;
  const renewing = working?.signingInAgain === 'renew';
  const secondsLeft = working?.sessionSecondsLeft ?? 0;
  const notice = working?.notice ?? null;

  const [spoken, setSpoken] = useState('');
  const [renewedFor, setRenewedFor] = useState<number | null>(null);
  // A notice belongs to this panel only when it answers "Sign in again now" (not "Change role").
  const [noticeIsOurs, setNoticeIsOurs] = useState(false);
  // What the renderer last saw: the notice's first appearance and a renewal's end are announced once.
  const seen = useRef({ endingSoon: false, renewing: false });

  useEffect(() => {
    const before = seen.current;
    if (endingSoon && !before.endingSoon) setSpoken(sessionEndingAnnouncement(secondsLeft));
    if (before.renewing && !renewing) {
      if (notice !== null) setSpoken(notice.message);
      else if (!endingSoon) {
        setSpoken(sessionEndingText.renewed(secondsLeft));
        setRenewedFor(secondsLeft);
      }
    }
    setNoticeIsOurs((ours) => notice !== null && !renewing && (before.renewing || ours));
    seen.current = { endingSoon, renewing };
  }, [endingSoon, renewing, notice, secondsLeft]);

  useEffect(() => {
    if (renewedFor === null) return;
    const timer = setTimeout(() => setRenewedFor(null), renewedShownMs);
    return () => clearTimeout(timer);
  }, [renewedFor]);

  const ownNotice = notice !== null && !renewing && noticeIsOurs ? notice : null;
  const idleWarningUp = working?.kind === 'warning';
  const routine = !renewing && ownNotice === null && !(renewedFor !== null && !endingSoon);
  const visible =
    working !== null && !idleWarningUp && (endingSoon || renewing || ownNotice !== null || renewedFor !== null);

  return (
    <>
      <p className="nhsuk-u-visually-hidden" aria-live="polite" data-testid="session-ending-announcement">
        {spoken}
      </p>
      {visible ? (
        <>
          <div className="shell-ending-soon-spacer" aria-hidden="true" />
          <section
            className="shell-ending-soon"
            data-testid="session-ending-soon"
            aria-labelledby="session-ending-title"
          >
            <div className="shell-ending-soon__text">
              <h2 className="nhsuk-heading-s shell-ending-soon__title" id="session-ending-title">
                {renewedFor !== null && !endingSoon && !renewing
                  ? sessionEndingText.renewedTitle
                  : sessionEndingText.title(secondsLeft)}
              </h2>
              {/* Only the routine explanation may give way on a short window (styles.css); what is happening now never does. */}
              <p
                className={routine ? 'nhsuk-body shell-ending-soon__routine' : 'nhsuk-body'}
                data-testid="session-ending-text"
              >
                {renewing
                  ? sessionEndingText.signingIn
                  : ownNotice !== null
                    ? ownNotice.message
                    : renewedFor !== null && !endingSoon
                      ? sessionEndingText.renewed(renewedFor)
                      : sessionEndingText.body}
              </p>
            </div>
            {renewing ? (
              <Button
                testId="cancel-renew"
                secondary
                onClick={() => act('cancelSignIn')}
                disabled={busy === 'cancelSignIn'}
              >
                {sessionEndingText.cancel}
              </Button>
            ) : endingSoon ? (
              <Button testId="renew-session" onClick={() => act('renewSession')} disabled={busy === 'renewSession'}>
                {sessionEndingText.button}
              </Button>
            ) : null}
          </section>
        </>
      ) : null}
    </>
  );
}
