/**
 * The sandbox's sign-in interaction, where CIS2 would show its own pages: the page listing the
 * test clinicians (and their roles), the sign-in as one of them with the chosen role, and cancel.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { SANDBOX_CLINICIANS, clinicianById, selectRole } from './clinicians';
import type { SandboxClinician } from './clinicians';
import { loginPageHtml } from './login-page';
import { SANDBOX_REALM_PATH } from './realm';

/** Where the interaction pages live: the prefix, then `<uid>`, `<uid>/login` or `<uid>/abort`. */
export const INTERACTION_PREFIX = `${SANDBOX_REALM_PATH}/interaction/`;

export interface InteractionOptions {
  readonly provider: Provider;
  /** The role chosen at each sign-in, by its grant; the provider's findAccount reads it. */
  readonly selectedRoles: Map<string, string | null>;
  /** A clinician's sign-in is finished. */
  readonly signedIn: (clinician: SandboxClinician) => void;
}

/** Serves `rest` (what follows INTERACTION_PREFIX, without its query). */
export type Interaction = (req: IncomingMessage, res: ServerResponse, rest: string) => Promise<void>;

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
}

async function login(
  options: InteractionOptions,
  req: IncomingMessage,
  res: ServerResponse,
  params: Record<string, unknown>,
): Promise<void> {
  const { provider } = options;
  const form = await formOf(req);
  const clinician = clinicianById(form.get('clinician') ?? '');
  if (!clinician) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Unknown sandbox clinician.');
    return;
  }
  const role = selectRole(clinician, form.get('role'));
  if (role === undefined) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end("That role is not one of this clinician's roles.");
    return;
  }
  const clientId = String(params['client_id']);
  // The sandbox trusts its own clients: record consent for every requested scope at once.
  const grant = new provider.Grant({ accountId: clinician.sub, clientId });
  grant.addOIDCScope(String(params['scope'] ?? 'openid'));
  const grantId = await grant.save();
  options.selectedRoles.set(grantId, role);
  await provider.interactionFinished(
    req,
    res,
    {
      login: { accountId: clinician.sub, acr: clinician.acr, amr: [...clinician.amr], remember: false },
      consent: { grantId },
    },
    { mergeWithLastSubmission: false },
  );
  options.signedIn(clinician);
}

export function createInteraction(options: InteractionOptions): Interaction {
  const { provider } = options;
  return async (req, res, rest) => {
    const [uid, action] = rest.split('/');
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('Interaction mismatch.');
    if (req.method === 'GET' && action === undefined) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        loginPageHtml(`${INTERACTION_PREFIX}${uid}/login`, `${INTERACTION_PREFIX}${uid}/abort`, SANDBOX_CLINICIANS),
      );
      return;
    }
    if (req.method === 'POST' && action === 'abort') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The clinician cancelled sign-in.' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    if (req.method === 'POST' && action === 'login') return login(options, req, res, details.params);
    res.writeHead(404).end();
  };
}
