import { useEffect, useRef, useState } from 'react';
import type { Notice } from '../../preload/contract';
import { Button } from '../common';
import { useShell } from '../context';
import { sessionEndingAnnouncement, sessionEndingText } from '../words';

/** How long "You have signed in again" stays on screen (it is also announced). */
const renewedShownMs = 10_000;

interface SessionEnding {
  /** The working view (active or warning), or null on any other screen. */
  readonly working: boolean;
  readonly idleWarningUp: boolean;
  readonly endingSoon: boolean;
  readonly renewing: boolean;
  readonly secondsLeft: number;
  /** What the screen reader was last told. */
  readonly spoken: string;
  /** For how long the clinician may carry on after signing in again, while "Signed in again" shows. */
  readonly renewedFor: number | null;
  /** The notice that answers this panel's "Sign in again now", while it stands. */
  readonly ownNotice: Notice | null;
}

/**
 * What the panel knows from the working view, and what it announces: the notice's first
 * appearance, and the end of a renewal (worked, or the notice saying why not), each once.
 */
function useSessionEnding(): SessionEnding {
  const view = useShell((s) => s.view);
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
  return { working: working !== null, idleWarningUp, endingSoon, renewing, secondsLeft, spoken, renewedFor, ownNotice };
}

/**
 * The notice before the 12-hour sign-in limit, with "Sign in again now". Like the idle warning it
 * sits over the foot of the window, outside the page's flow, so the note never moves, and it
 * takes no focus, so typing goes on. It is calm (information, not a warning) and announced once,
 * politely, when it appears, when signing in again worked, and when it did not. The idle warning
 * comes first on screen: while it shows, this one steps back (its announcements still go out).
 * A spacer the notice's height ends the page, so the end of a long note can scroll above it.
 * `onShown` hears whether it is on screen.
 */
export function SessionEndingSoon({ onShown }: { onShown?: (shown: boolean) => void }) {
  const ending = useSessionEnding();
  const { working, idleWarningUp, endingSoon, renewing, ownNotice, renewedFor } = ending;
  const visible = working && !idleWarningUp && (endingSoon || renewing || ownNotice !== null || renewedFor !== null);
  // The workspace's other note at the foot (Cis2Unreachable) steps back while this one shows.
  useEffect(() => onShown?.(visible), [onShown, visible]);
  return (
    <>
      <p className="nhsuk-u-visually-hidden" aria-live="polite" data-testid="session-ending-announcement">
        {ending.spoken}
      </p>
      {visible ? (
        <>
          <div className="shell-ending-soon-spacer" aria-hidden="true" />
          <SessionEndingPanel ending={ending} />
        </>
      ) : null}
    </>
  );
}

/** The panel itself: when the sign-in ends (or that it was renewed), what is happening, and its one button. */
function SessionEndingPanel({ ending }: { ending: SessionEnding }) {
  const act = useShell((s) => s.act);
  const busy = useShell((s) => s.busy);
  const { endingSoon, renewing, secondsLeft, renewedFor, ownNotice } = ending;
  const renewedShown = renewedFor !== null && !endingSoon;
  const routine = !renewing && ownNotice === null && !renewedShown;
  return (
    <section className="shell-ending-soon" data-testid="session-ending-soon" aria-labelledby="session-ending-title">
      <div className="shell-ending-soon__text">
        <h2 className="nhsuk-heading-s shell-ending-soon__title" id="session-ending-title">
          {renewedShown && !renewing ? sessionEndingText.renewedTitle : sessionEndingText.title(secondsLeft)}
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
              : renewedShown
                ? sessionEndingText.renewed(renewedFor)
                : sessionEndingText.body}
        </p>
      </div>
      {renewing ? (
        <Button testId="cancel-renew" secondary onClick={() => act('cancelSignIn')} disabled={busy === 'cancelSignIn'}>
          {sessionEndingText.cancel}
        </Button>
      ) : endingSoon ? (
        <Button testId="renew-session" onClick={() => act('renewSession')} disabled={busy === 'renewSession'}>
          {sessionEndingText.button}
        </Button>
      ) : null}
    </section>
  );
}
