// Admin command: put the shell's CIS2 private_key_jwt key into the OS credential store.
//   npx tsx main/cli/provision-client-key.ts <key-file> [--service NAME] [--account CLIENT_ID]
// The file is read once; the key is never printed. Says where it went so IT can find or remove it.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isShellError } from '../core/errors';
import { DEFAULT_CLIENT_KEY_ACCOUNT, DEFAULT_CLIENT_KEY_SERVICE, createClientKeyStore } from '../services/client-key/client-key-store';


async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { service: { type: 'string', default: DEFAULT_CLIENT_KEY_SERVICE }, account: { type: 'string', default: DEFAULT_CLIENT_KEY_ACCOUNT } },
  });
  const [file] = positionals;
  if (file === undefined || positionals.length !== 1) {
    process.stderr.write('Usage: provision-client-key <key-file> [--service NAME] [--account CLIENT_ID]\n');
    return 2;
  }
  const keyText = await readFile(file, 'utf8');
  const stored = await createClientKeyStore().provision(keyText, values.service, values.account);
  process.stdout.write(
    `Stored the CIS2 client key (${stored.alg}, kid ${stored.kid}) in the OS credential store under service "${stored.service}", account "${stored.account}".\n` +
      `Public key to register with CIS2 for this client (JWKS): ${JSON.stringify({ keys: [stored.publicJwk] })}\n` +
      `Set clientAuth to { method: 'private_key_jwt', keyringService: '${stored.service}', keyringAccount: '${stored.account}' }.\n` +
      `The file ${file} was not changed: delete it securely once you no longer need it.\n`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${isShellError(err) ? err.message : 'The client key could not be provisioned: check the key file path and that it is readable, then try again.'}\n`);
    process.exit(1);
  },
);
