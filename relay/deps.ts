/**
 * What both halves of a relay replica (the CIS2 ingress and the workstation hub) are built from.
 * startRelay (relay.ts) makes them; RelayOverrides there are what a test may replace when it does.
 */
import type { RelayConfig } from './config';
import type { IssuerKeys } from '../main/services/oidc/issuer-keys';
import type { Logger } from './log';
import type { RelayStore } from './store';

export interface ReplicaDeps {
  readonly config: RelayConfig;
  readonly logger: Logger;
  /** A keyed hash for log lines (subjects, session ids): attributable without being readable. */
  readonly hash: (value: string | undefined) => string | undefined;
  readonly keys: () => Promise<IssuerKeys>;
  readonly store: RelayStore;
  readonly now: () => number;
}
