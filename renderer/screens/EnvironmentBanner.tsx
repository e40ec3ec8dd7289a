import type { Workstation } from '../../preload/contract';
import { environmentBannerLabel } from '../labels';
import { environmentBannerText } from '../words';

/**
 * On every screen of a workstation that does not sign in to the live NHS Care Identity service:
 * a phase-banner-style strip under the header (the NHS design system's tag, then a sentence), so
 * INT, DEP or the sandbox can never be taken for Live (docs/decisions.md, 35). Text, not colour
 * alone; a named region a screen reader can find; nothing in it takes focus, so the keyboard
 * order of every screen is unchanged. Live, and a view that has never said, show nothing.
 */
export function EnvironmentBanner({ environment }: { environment: Workstation['environment'] }) {
  if (environment === undefined || environment === 'live') return null;
  const { tag, text } = environmentBannerText[environment];
  return (
    <section
      className="shell-phase-banner"
      aria-label={environmentBannerLabel}
      data-testid="environment-banner"
      data-environment={environment}
    >
      <p className="nhsuk-width-container shell-phase-banner__content">
        <strong className="nhsuk-tag nhsuk-tag--yellow shell-phase-banner__tag">{tag}</strong>
        <span className="shell-phase-banner__text">{text}</span>
      </p>
    </section>
  );
}
