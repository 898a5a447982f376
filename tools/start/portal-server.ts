/**
 * The portal's HTTP server under `npm start`: Next.js's request handler behind a plain Node server, so that
 * the API knows each client's address (for the per-address sign-in limit) and no client can pose as a proxy.
 * Next fills in `X-Forwarded-*` only where a request lacks them; unless KTLAB_TRUST_PROXY says a reverse proxy
 * sets them, the ones a client sent are removed first, so Next records the socket's own address and host.
 *
 * Usage (what start.ts runs, in apps/portal): node --import tsx tools/start/portal-server.ts <port> <host>
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { FORWARDING_HEADERS, PEER_ADDRESS_FROM_NEXT } from '@ktlab/api/peer-address';
import { trustedProxyHops } from '@ktlab/api/proxy-trust';

/** The part of Next's custom-server API used here; loaded without its types, which would make NODE_ENV a
 *  required variable in every process environment type of the workspace. */
interface NextApp {
  prepare(): Promise<void>;
  getRequestHandler(): (request: http.IncomingMessage, response: http.ServerResponse) => Promise<void>;
}
const next = createRequire(import.meta.url)('next') as (options: { dev: boolean; dir: string; hostname: string; port: number }) => NextApp;

const [portArgument, host = '127.0.0.1'] = process.argv.slice(2);
const port = Number(portArgument ?? 3000);
const trustProxy = trustedProxyHops() > 0;
process.env[PEER_ADDRESS_FROM_NEXT] = trustProxy ? '0' : '1';

const app = next({ dev: false, dir: process.cwd(), hostname: host, port });
const handle = app.getRequestHandler();
await app.prepare();

const server = http.createServer((request, response) => {
  if (!trustProxy) for (const header of FORWARDING_HEADERS) delete request.headers[header];
  void handle(request, response);
});
server.listen(port, host, () => console.log(`[ktlab] portal listening on ${host}:${port}${trustProxy ? ' (trusting proxy headers: KTLAB_TRUST_PROXY)' : ''}`));

function stop(): void {
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 5_000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
