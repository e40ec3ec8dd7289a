import { useRef } from 'react';
import { Button } from '../common';
import { useShell } from '../context';
import { idleWarningLabels } from '../labels';
import { idleAnnouncement, idleWarningText } from '../words';

/**
 * Fixed at the foot of the window while the idle lock approaches: it moves nothing on the page
 * and takes no focus, because a clinician who is typing is already answering it (any key or
 * click counts as activity and the warning goes). The alert is announced once when it appears;
 * the countdown updates visibly every second and is announced only now and then. "I'm still
 * here" is one Tab away for anyone who is not typing.
 */
export function IdleWarning({ secondsLeft }: { secondsLeft: number }) {
  const act = useShell((s) => s.act);
  const spoken = useRef<string>('');
  const announcement = idleAnnouncement(secondsLeft);
  if (announcement !== null) spoken.current = announcement;
  return (
    <section
      className="nhsuk-warning-callout shell-idle-warning"
      data-testid="idle-warning"
      aria-labelledby="idle-warning-title"
    >
      <div className="shell-idle-warning__text">
        <h2 className="nhsuk-warning-callout__label" id="idle-warning-title">
          <span role="alert">{idleWarningLabels.title}</span>
        </h2>
        <p className="nhsuk-body" data-testid="idle-countdown" role="timer" aria-live="off">
          {idleWarningText(secondsLeft)}
        </p>
        <p className="nhsuk-u-visually-hidden" aria-live="polite" data-testid="idle-announcement">
          {spoken.current}
        </p>
      </div>
      <Button testId="still-here" onClick={() => act('stillHere')}>
        {idleWarningLabels.button}
      </Button>
    </section>
  );
}
