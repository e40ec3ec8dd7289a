import { useEffect, useRef, useState } from 'react';
import type { DraftStorage } from '../../preload/contract';
import { cis2UnreachableLabels } from '../labels';
import { cis2ReachAnnouncement, cis2UnreachableText } from '../words';

/**
 * The calm note while NHS Care Identity does not answer the keep-alive refresh (the view's
 * `cis2Unreachable`): nothing about the session changed, the clinician keeps working, and the
 * note is kept. Like the other notes at the foot of the window it sits over the foot, outside the
 * page's flow, so the note being typed never moves; it has nothing to press and takes no focus,
 * so no keystroke goes anywhere but where the clinician is typing. A polite live region says
 * once that NHS Care Identity cannot be reached, and once that it can again, when the note goes.
 *
 * One note at the foot at a time: the idle warning comes first, then the notice before the
 * 12-hour limit (each has something to do and a deadline); while either shows (`giveWay`), this
 * one steps back, and its announcements still go out. Its spacer ends the page with room for it,
 * so the end of a long note can still be scrolled above it.
 */
export function Cis2Unreachable({
  unreachable,
  draftStorage,
  giveWay,
}: {
  unreachable: boolean;
  draftStorage: DraftStorage;
  giveWay: boolean;
}) {
  const [spoken, setSpoken] = useState('');
  // What the renderer last saw: each change is announced once. A workspace that opens with CIS2
  // already unreachable announces it, as the note appears then.
  const seen = useRef(false);
  useEffect(() => {
    const say = cis2ReachAnnouncement(seen.current, unreachable, draftStorage);
    seen.current = unreachable;
    if (say !== null) setSpoken(say);
  }, [unreachable, draftStorage]);

  return (
    <>
      <p className="nhsuk-u-visually-hidden" aria-live="polite" data-testid="cis2-unreachable-announcement">
        {spoken}
      </p>
      {unreachable && !giveWay ? (
        <>
          <div className="shell-cis2-unreachable-spacer" aria-hidden="true" />
          <section
            className="shell-cis2-unreachable"
            data-testid="cis2-unreachable"
            aria-labelledby="cis2-unreachable-title"
          >
            <h2 className="nhsuk-heading-s shell-cis2-unreachable__title" id="cis2-unreachable-title">
              {cis2UnreachableLabels.title}
            </h2>
            <p className="nhsuk-body shell-cis2-unreachable__text" data-testid="cis2-unreachable-text">
              {cis2UnreachableText.body[draftStorage]}
            </p>
          </section>
        </>
      ) : null}
    </>
  );
}
