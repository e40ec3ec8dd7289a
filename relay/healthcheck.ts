// The container image's HEALTHCHECK (relay/deploy/Containerfile): asks the replica's readiness
// endpoint and exits 0 when it answers 2xx, 1 otherwise (refused, 503, or no answer within 3 s).
// Bundled beside the relay as healthcheck.mjs, so the image needs no curl or wget.
//
// RELAY_HEALTHCHECK_URL names the endpoint; by default the readiness path on the admin listener
// (docs/relay.md, "Health and metrics"), which the trust's proxy does not publish.
import process from 'node:process';

const url = process.env['RELAY_HEALTHCHECK_URL'] ?? 'http://127.0.0.1:8788/readyz';

fetch(url, { signal: AbortSignal.timeout(3_000), redirect: 'manual' }).then(
  (response) => process.exit(response.ok ? 0 : 1),
  () => process.exit(1),
);
