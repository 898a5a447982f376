import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCredentialsFile } from './session-client';

const dir = mkdtempSync(join(tmpdir(), 'ktlab-publish-credentials-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('portal credentials', () => {
  it('reads the admin credentials file written by npm start, and says what is missing', () => {
    const file = join(dir, 'admin-credentials');
    writeFileSync(file, 'email=admin@ktlab.local\npassword=abc=def\n');
    expect(readCredentialsFile(file)).toEqual({ email: 'admin@ktlab.local', password: 'abc=def' });
    expect(() => readCredentialsFile(join(dir, 'nope'))).toThrow(/pass --email and --password/);
    writeFileSync(file, 'email=a@b\n');
    expect(() => readCredentialsFile(file)).toThrow(/email= and password=/);
  });
});
