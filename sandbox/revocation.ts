/**
 * CIS2 ending a clinician's sessions for refresh (an administrator revokes them, or CIS2's own
 * session ends them): every grant the clinician holds is destroyed through oidc-provider's own
 * models, with the refresh tokens, access tokens and codes issued under it. Their next
 * refresh_token grant is then refused by oidc-provider itself with `invalid_grant` ("refresh token
 * not found"), exactly as it refuses any refresh token it no longer holds. No logout token is
 * posted: the shell learns of it only when it next refreshes.
 *
 * Each sign-in at the sandbox saves one Grant for the clinician (interaction.ts); the provider's
 * `grant.saved` event records it here by its accountId (the clinician's `sub`).
 */
import type Provider from 'oidc-provider';
import type { GrantInstance } from 'oidc-provider';

/** Revokes every live grant of the account (the clinician's sub); resolves to how many there were. */
export type RevokeGrantsOf = (accountId: string) => Promise<number>;

export function trackGrants(provider: Provider): RevokeGrantsOf {
  const grantsOf = new Map<string, Set<string>>();
  provider.on('grant.saved', (saved) => {
    const grant = saved as GrantInstance;
    if (typeof grant.accountId !== 'string') return;
    const ids = grantsOf.get(grant.accountId) ?? new Set<string>();
    ids.add(grant.jti);
    grantsOf.set(grant.accountId, ids);
  });
  return async (accountId) => {
    const ids = grantsOf.get(accountId) ?? new Set<string>();
    grantsOf.delete(accountId);
    let revoked = 0;
    for (const id of ids) {
      // A grant already gone (expired, or revoked by the provider on a refresh token's reuse) is not counted.
      const grant = await provider.Grant.find(id, { ignoreExpiration: true });
      // Every token stored under the grant: its refresh tokens (rotated and current), access tokens, codes.
      await provider.RefreshToken.revokeByGrantId(id);
      if (grant === undefined) continue;
      await grant.destroy();
      revoked += 1;
    }
    return revoked;
  };
}
