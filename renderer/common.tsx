import type { ReactNode } from 'react';
import type { Notice } from '../preload/contract';
import { useFocusOnMount, useShell } from './context';
import { nhsLogoName } from './labels';
import { actionRefusalText, noticeWords, serviceName } from './words';

/** The NHS logo as the NHS.UK frontend's header draws it (nhsuk-frontend, components/header/template.njk). */
const nhsLogoPath =
  'M200 0v80H0V0h200Zm-27.5 5.5c-14.5 0-29 5-29 22 0 10.2 7.7 13.5 14.7 16.3l.7.3c5.4 2 10.1 3.9 10.1 8.4 0 6.5-8.5 7.5-14 7.5s-12.5-1.5-16-3.5L135 70c5.5 2 13.5 3.5 20 3.5 15.5 0 32-4.5 32-22.5 0-19.5-25.5-16.5-25.5-25.5 0-5.5 5.5-6.5 12.5-6.5a35 35 0 0 1 14.5 3l4-13.5c-4.5-2-12-3-20-3Zm-131 2h-22l-14 65H22l9-45h.5l13.5 45h21.5l14-65H64l-9 45h-.5l-13-45Zm63 0h-18l-13 65h17l6-28H117l-5.5 28H129l13.5-65H125L119.5 32h-20l5-24.5Z';

/**
 * The NHS.UK header on every screen: the NHS logo, the organisation when it is known, and the
 * service's name. Nothing in it is a link: the shell has nowhere to navigate to.
 */
export function NhsHeader({ organisation }: { organisation: string | null }) {
  return (
    <header
      className={organisation === null ? 'nhsuk-header' : 'nhsuk-header nhsuk-header--organisation'}
      data-testid="nhs-header"
    >
      <div className="nhsuk-header__container nhsuk-width-container">
        <div className="nhsuk-header__service">
          <span className="nhsuk-header__service-logo">
            <svg
              className="nhsuk-header__logo"
              xmlns="http://www.w3.org/2000/svg"
              viewBox="0 0 200 80"
              height="40"
              width="100"
              focusable="false"
              role="img"
              aria-label={nhsLogoName}
            >
              <title>{nhsLogoName}</title>
              <path fill="currentcolor" d={nhsLogoPath} />
            </svg>
            {organisation === null ? null : (
              <span className="nhsuk-header__organisation-name" data-testid="header-organisation">
                {organisation}
              </span>
            )}
          </span>
          <span className="nhsuk-header__service-name" data-testid="header-service">
            {serviceName}
          </span>
        </div>
      </div>
    </header>
  );
}

export function ScreenHeading({ children, testId, stage }: { children: ReactNode; testId?: string; stage?: string }) {
  const ref = useFocusOnMount<HTMLHeadingElement>(stage);
  return (
    <h1 className="nhsuk-heading-l shell-heading" tabIndex={-1} ref={ref} data-testid={testId}>
      {children}
    </h1>
  );
}

/** A notice from main (e.g. why the last sign-in failed), in the NHS error summary style. */
export function NoticeBox({ notice }: { notice: Notice | null }) {
  if (notice === null) return null;
  const { title, text } = noticeWords(notice);
  return (
    <div className="nhsuk-error-summary" role="alert" data-testid="notice" data-code={notice.code}>
      <h2 className="nhsuk-error-summary__title" data-testid="notice-title">
        {title}
      </h2>
      <div className="nhsuk-error-summary__body">
        <p>{text}</p>
      </div>
    </div>
  );
}

/** Shows why the last button press did not work. */
export function ActionError() {
  const code = useShell((s) => s.actionError);
  if (code === null) return null;
  return (
    <div className="nhsuk-error-message shell-action-error" role="alert" data-testid="action-error" data-code={code}>
      {actionRefusalText[code]}
    </div>
  );
}

export function Button({
  children,
  onClick,
  secondary,
  reverse,
  testId,
  disabled,
  buttonRef,
}: {
  children: ReactNode;
  onClick: () => void;
  secondary?: boolean;
  /** White button for the blue banner. */
  reverse?: boolean;
  testId: string;
  disabled?: boolean;
  buttonRef?: React.Ref<HTMLButtonElement>;
}) {
  return (
    <button
      type="button"
      ref={buttonRef}
      className={
        reverse
          ? 'nhsuk-button nhsuk-button--reverse'
          : secondary
            ? 'nhsuk-button nhsuk-button--secondary'
            : 'nhsuk-button'
      }
      data-module="nhsuk-button"
      onClick={onClick}
      disabled={disabled}
      aria-disabled={disabled}
      data-testid={testId}
    >
      {children}
    </button>
  );
}
