import type { Workstation } from '../../preload/contract';
import { environmentBannerLabel } from '../labels';
import { environmentBannerText, relayRefusedText } from '../words';

/**
 * On every screen of a workstation that does not sign in to the live NHS Care Identity service:
 * a phase-banner-style strip under the header (the NHS design system's tag, then a sentence), so
 * INT, DEP or the sandbox can never be taken for Live (docs/decisions.md, 35). Text, not colour
 * alone; a named region a screen reader can find; nothing in it takes focus, so the keyboard
 * order of every screen is unchanged. Live, and a view that has never said, show nothing; on any
 * environment, Live included, it also says when the logout relay refused this workstation as
 * another environment's.
 */
export function EnvironmentBanner({
  environment,
  relayRefused,
}: {
  environment: Workstation['environment'];
  relayRefused: boolean;
}) {
  const notLive = environment === undefined || environment === 'live' ? null : environmentBannerText[environment];
  if (notLive === null && !relayRefused) return null;
  return (
    <section
      className="shell-phase-banner"
      aria-label={environmentBannerLabel}
      data-testid="environment-banner"
      data-environment={environment}
    >
      {notLive === null ? null : <BannerLine tag={notLive.tag} text={notLive.text} testId="environment-line" />}
      {relayRefused ? (
        <BannerLine tag={relayRefusedText.tag} text={relayRefusedText.text} testId="relay-refused" />
      ) : null}
    </section>
  );
}

function BannerLine({ tag, text, testId }: { tag: string; text: string; testId: string }) {
  return (
    <p className="nhsuk-width-container shell-phase-banner__content" data-testid={testId}>
      <strong className="nhsuk-tag nhsuk-tag--yellow shell-phase-banner__tag">{tag}</strong>
      <span className="shell-phase-banner__text">{text}</span>
    </p>
  );
}
