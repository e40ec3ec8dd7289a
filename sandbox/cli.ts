// `npm run sandbox`: the CIS2-like provider alone on loopback, for manual runs and the harness.
import { startSandbox } from './provider';

const port = Number(process.env['SANDBOX_PORT'] ?? 0);
const sandbox = await startSandbox({ port: Number.isInteger(port) ? port : 0 });
process.stdout.write(`issuer: ${sandbox.issuer}\n`);
process.stdout.write(`client_id: ${sandbox.clientId}\n`);
for (const c of sandbox.clinicians) process.stdout.write(`clinician: ${c.id} (${c.description})\n`);
const stop = (): void => void sandbox.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
