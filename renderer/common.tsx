import type { ReactNode } from 'react';
import type { Notice } from '../preload/contract';
import { useFocusOnMount, useShell } from './context';
import { actionRefusalText } from './words';

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
  return (
    <div className="nhsuk-error-summary" role="alert" data-testid="notice" data-code={notice.code}>
      <h2 className="nhsuk-error-summary__title">There is a problem</h2>
      <div className="nhsuk-error-summary__body">
        <p>{notice.message}</p>
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
      className={reverse ? 'nhsuk-button nhsuk-button--reverse' : secondary ? 'nhsuk-button nhsuk-button--secondary' : 'nhsuk-button'}
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
