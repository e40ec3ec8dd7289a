export type { IssuerFetch, SignInSession, SignInOutcome, SignInOptions, SignInService, SystemBrowser } from './types';
export type { OidcSettings, ClientAuthSettings } from './settings';
export { DEFAULT_OIDC_SETTINGS, CIS2_ISSUERS, MAX_AUTH_TIME_SKEW_SECONDS, resolveOidcSettings } from './settings';
export type { ClientKeySource } from './discovery';
export { createSignInService } from './sign-in-service';
export { toShellError } from './error-mapping';
export {
  createLogoutTokenValidator,
  createLogoutTokenValidatorFor,
  BACKCHANNEL_LOGOUT_EVENT,
  type LogoutTokenValidator,
  type LogoutTokenValidatorOptions,
  type LogoutTokenResult,
  type LogoutTokenServerMetadata,
} from './backchannel-logout';
export type { SignInServiceDeps } from './sign-in-service';
export type { TokenHolder, AccessTokenResult } from '../tokens/token-holder';
export type { ClinicianIdentity, SelectedRole, RbacRole } from '../../core/rbac';
