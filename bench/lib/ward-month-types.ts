/** What the ward's-month process reports; shared by the parent and the child it starts. */
export const WARD_MONTH_PREFIX = 'WARD_MONTH_RESULT ';

export interface WardSample {
  /** Hand-overs done when this sample was taken (after a full GC). */
  readonly handover: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly rssBytes: number;
  readonly externalBytes: number;
  /** process.getActiveResourcesInfo() by type: timers ("Timeout"), sockets, servers… */
  readonly activeResources: Readonly<Record<string, number>>;
  /** Listeners on the process emitter, every event summed. */
  readonly processListeners: number;
  /** Relay sockets connecting or open now (by readyState), and opened since start. */
  readonly relaySocketsLive: number;
  /** Relay sockets closed while connecting that Node's WebSocket leaves CLOSING (socket-census.ts). */
  readonly relaySocketsClosing: number;
  /** Relay socket objects not garbage-collected after the full GC, in any state. */
  readonly relaySocketsRetained: number;
  readonly relaySocketsOpened: number;
  /** Requests to the issuer since start, by kind (discovery, jwks, token, userinfo, revocation…). */
  readonly issuerRequests: Readonly<Record<string, number>>;
  /** Sessions CIS2 ended through the relay since start. */
  readonly logouts: number;
}

export interface WardMonthChildResult {
  readonly samples: readonly WardSample[];
  readonly realMs: number;
  readonly logouts: number;
}
