/** vitest globalSetup: one PostgreSQL server for the whole test run (see testing.ts). */
import { startTestServer, TEST_ADMIN_URL_ENV } from './testing';

export default async function setup(): Promise<() => Promise<void>> {
  const server = await startTestServer();
  process.env[TEST_ADMIN_URL_ENV] = server.adminUrl;
  return () => server.stop();
}
