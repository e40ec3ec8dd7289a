import { useEffect, useRef } from 'react';
import { Button } from '../common';
import { useShell } from '../context';
import { idleAnnouncement, idleWarningText } from '../words';

/**
 * Over the workspace while the idle lock approaches. The alert is announced once when it
 * appears; the countdown updates visibly every second and is announced only now and then.
 * Focus goes to "I'm still here", and back where it was when the warning goes away.
 */
export function IdleWarning({ secondsLeft }: { secondsLeft: number }) {
  const act = useShell((s) => s.act);
  const button = useRef<HTMLButtonElement>(null);
  const spoken = useRef<string>('');
  useEffect(() => {
    const previous = document.activeElement;
    button.current?.focus();
    return () => {
      if (previous instanceof HTMLElement && previous.isConnected) previous.focus();
    };
  }, []);
  const announcement = idleAnnouncement(secondsLeft);
  if (announcement !== null) spoken.current = announcement;
  return (
    <section className="nhsuk-warning-callout shell-idle-warning" data-testid="idle-warning" aria-labelledby="idle-warning-title">
      <h2 className="nhsuk-warning-callout__label" id="idle-warning-title">
        <span role="alert">Are you still there?</span>
      </h2>
      <p className="nhsuk-body-l" data-testid="idle-countdown" role="timer" aria-live="off">
        {idleWarningText(secondsLeft)}
      </p>
      <p className="nhsuk-u-visually-hidden" aria-live="polite" data-testid="idle-announcement">
        {spoken.current}
      </p>
      <Button testId="still-here" buttonRef={button} onClick={() => act('stillHere')}>
        I&apos;m still here
      </Button>
    </section>
  );
}
