/** What both halves of a relay replica (the CIS2 ingress and the workstation hub) are built from. */
import type { RelayConfig } from './config';
import type { IssuerKeys } from './keys';
import type { Logger } from './log';
import type { RelayStore } from './store';

export interface RelayDeps {
  readonly config: RelayConfig;
  readonly logger: Logger;
  /** A keyed hash for log lines (subjects, session ids): attributable without being readable. */
  readonly hash: (value: string | undefined) => string | undefined;
  readonly keys: () => Promise<IssuerKeys>;
  readonly store: RelayStore;
  readonly now: () => number;
}
