// `npm run sandbox`: the CIS2-like provider on loopback, with the trust's logout relay beside it
// (in memory), for `npm start` and manual runs. Like CIS2, the sandbox posts a logout token to the
// relay when a clinician's session ends; the "card reader" page lets a person end one (pull their
// virtual smartcard) and watch the ward PC lock.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseRelayConfig } from '../relay/config';
import { INGRESS_PATH } from '../relay/ingress';
import { startRelay } from '../relay/relay';
import { freePort } from './ports';
import { startSandbox } from './provider';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const port = Number(process.env['SANDBOX_PORT'] ?? 0);
const relayPort = await freePort();
const sandbox = await startSandbox({
  port: Number.isInteger(port) ? port : 0,
  backchannelLogoutUri: `http://127.0.0.1:${relayPort}${INGRESS_PATH}`,
});
const relay = await startRelay(
  parseRelayConfig({
    issuer: sandbox.issuer,
    clientId: sandbox.clientId,
    allowInsecureLoopbackIssuer: true,
    host: '127.0.0.1',
    port: relayPort,
    adminPort: 0,
    logLevel: 'warn',
  }),
);

// The card reader: one button per clinician, each ending that clinician's CIS2 session.
const cards = createServer((req, res) => {
  const pull = /^\/pull\/([a-z0-9-]+)$/.exec(req.url ?? '');
  if (req.method === 'POST' && pull?.[1] !== undefined) {
    const id = pull[1];
    void sandbox.endSessionOf(id).then(
      (status) => res.writeHead(303, { location: `/?pulled=${encodeURIComponent(id)}&relay=${status}` }).end(),
      () => res.writeHead(404, { 'content-type': 'text/plain' }).end('No such sandbox clinician.'),
    );
    return;
  }
  if (req.method !== 'GET') return void res.writeHead(405).end();
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const pulled = url.searchParams.get('pulled');
  const rows = sandbox.clinicians
    .map(
      (c) =>
        `<li><form method="post" action="/pull/${escape(c.id)}"><strong>${escape(c.name)}</strong> (${escape(c.description)}) <button>Pull smartcard</button></form></li>`,
    )
    .join('');
  const said =
    pulled === null
      ? ''
      : `<p role="status">CIS2 ended the session of ${escape(pulled)}; the relay answered ${escape(url.searchParams.get('relay') ?? '?')}.</p>`;
  res
    .writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': "default-src 'none'; form-action 'self'",
      'cache-control': 'no-store',
    })
    .end(
      `<!doctype html><html lang="en"><title>CIS2 sandbox: card reader</title><h1>Card reader</h1><p>Pulling a card ends that clinician's CIS2 session, as Identity Agent does; CIS2 tells the trust's relay, which tells the ward PC.</p>${said}<ul>${rows}</ul></html>`,
    );
});
await new Promise<void>((ok) => cards.listen(0, '127.0.0.1', () => ok()));

process.stdout.write(`issuer: ${sandbox.issuer}\n`);
process.stdout.write(`client_id: ${sandbox.clientId}\n`);
process.stdout.write(`relay: ${relay.url}\n`);
process.stdout.write(`card reader: http://127.0.0.1:${(cards.address() as AddressInfo).port}/\n`);
for (const c of sandbox.clinicians) process.stdout.write(`clinician: ${c.id} (${c.description})\n`);
const stop = (): void =>
  void Promise.allSettled([relay.close(), sandbox.close(), new Promise<void>((ok) => cards.close(() => ok()))]).then(
    () => process.exit(0),
  );
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
