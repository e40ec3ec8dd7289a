/**
 * The issuer's signing keys, found once through its configuration document and shared by the
 * logout-token validator and the ID-token check. The relay uses the shell's own keys/discovery
 * module (main/services/oidc/issuer-keys.ts), not a copy: the same https-or-loopback rule for the
 * key set, the same algorithm list, the same jose key set (cached, refetched on an unknown `kid`).
 *
 * Discovery is retried on demand, so a relay started while CIS2 is unreachable comes up anyway:
 * until the keys are known, logout POSTs are answered 503 and registrations `keys-unavailable`.
 */
export { discoverIssuerKeys as issuerKeys, type IssuerKeys } from '../main/services/oidc/issuer-keys';
