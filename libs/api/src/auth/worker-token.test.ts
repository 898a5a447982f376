/** The worker-token lookup every trainer call starts with (read straight through node-postgres). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../testing';
import { createWorkerToken, findValidToken } from './worker-token';

describe('findValidToken', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  afterAll(() => api.close());

  it('gives the row Prisma gives, its times read as UTC whatever the process time zone', async () => {
    const { id, secret } = await createWorkerToken(api.db, 'lookup', api.userId);
    const zone = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles'; // a timestamp read as local time would be 8 hours off
    try {
      expect(await findValidToken(api.db, secret)).toEqual(await api.db.workerToken.findUnique({ where: { id } }));
      expect((await findValidToken(api.db, secret))?.createdById).toBe(api.userId);
    } finally {
      if (zone === undefined) delete process.env.TZ;
      else process.env.TZ = zone;
    }
  });

  it('knows no unknown, malformed or revoked secret', async () => {
    const { id, secret } = await createWorkerToken(api.db, 'revoked later');
    expect(await findValidToken(api.db, undefined)).toBeUndefined();
    expect(await findValidToken(api.db, 'not-a-token')).toBeUndefined();
    expect(await findValidToken(api.db, `${secret}x`)).toBeUndefined();
    expect((await findValidToken(api.db, secret))?.id).toBe(id);
    await api.db.workerToken.update({ where: { id }, data: { revokedAt: new Date() } });
    expect(await findValidToken(api.db, secret)).toBeUndefined();
  });
});
