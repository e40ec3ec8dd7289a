export type {
  IssuerFetch,
  LogoutTokenServerMetadata,
  SignInSession,
  SignInOutcome,
  SignInOptions,
  SignInService,
  SystemBrowser,
} from './types';
export type { OidcSettings, ClientAuthSettings } from './settings';
export { DEFAULT_OIDC_SETTINGS, CIS2_ISSUERS, MAX_AUTH_TIME_SKEW_SECONDS, resolveOidcSettings } from './settings';
export type { ClientKeySource } from './discovery';
export { createSignInService } from './sign-in-service';
export { toShellError } from './error-mapping';
export {
  createLogoutTokenValidator,
  BACKCHANNEL_LOGOUT_EVENT,
  type LogoutTokenValidator,
  type LogoutTokenValidatorOptions,
  type LogoutTokenResult,
} from './backchannel-logout';
export { issuerKeysFor, discoverIssuerKeys, type IssuerKeys } from './issuer-keys';
export {
  createLogoutReceiver,
  createLogoutTokenValidatorFor,
  type LogoutDelivery,
  type LogoutReceiver,
  type LogoutReceiverDeps,
} from './logout-receiver';
export type { SignInServiceDeps } from './sign-in-service';
export type { TokenHolder, AccessTokenResult } from '../tokens/token-holder';
export type { ClinicianIdentity, SelectedRole, RbacRole } from '../../core/rbac';
