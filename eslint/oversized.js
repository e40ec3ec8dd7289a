// The production files still over the size rules (eslint.config.js: 300 lines a file, 80 a
// function), each to be split by responsibility. The list only shrinks: test/lint/size.test.ts
// fails when an entry here is no longer over its limit, so a split file leaves the list with it.
export const oversized = {
  /** Files of more than 300 lines. */
  files: [
    'main/adapters/windows.ts',
    'main/core/session/react.ts',
    'main/index.ts',
    'main/services/audit.ts',
    'main/services/oidc/backchannel-logout.ts',
    'main/services/policy/catalogue.ts',
    'relay/workstations.ts',
    'sandbox/provider.ts',
  ],
  /** Files with a function of more than 80 lines. */
  functionsIn: [
    'main/adapters/lock-guard.ts',
    'main/adapters/power-monitor.ts',
    'main/adapters/windows.ts',
    'main/adapters/wts-session.ts',
    'main/core/session/react.ts',
    'main/index.ts',
    'main/services/audit.ts',
    'main/services/compose.ts',
    'main/services/drafts/sealed-folder.ts',
    'main/services/drafts/vault.ts',
    'main/services/loopback/loopback-callback.ts',
    'main/services/oidc/backchannel-logout.ts',
    'main/services/oidc/sign-in-service.ts',
    'main/services/presence/dbus-source.ts',
    'main/services/presence/logind.ts',
    'main/services/presence/smartcard.ts',
    'main/services/relay-client/client.ts',
    'main/services/secret-store/local-sealed.ts',
    'main/services/session/effects.ts',
    'main/services/session/session-loop.ts',
    'main/services/session/session-service.ts',
    'main/services/session/sign-in-attempts.ts',
    'main/services/tokens/token-holder.ts',
    'relay/ingress.ts',
    'relay/redis-store.ts',
    'relay/relay.ts',
    'relay/workstations.ts',
    'sandbox/provider.ts',
  ],
};
