/** Where the sandbox's CIS2-like provider lives, and the clients it knows. */

export const SANDBOX_REALM_PATH = '/openam/oauth2/realms/root/realms/NHSIdentity/realms/Healthcare';
export const SANDBOX_CLIENT_ID = 'clinical-workstation-shell';
export const SANDBOX_CONFIDENTIAL_CLIENT_ID = 'clinical-workstation-shell-confidential';
