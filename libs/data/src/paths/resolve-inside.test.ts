import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PathEscapeError, resolveInside } from './resolve-inside.js';

const base = mkdtempSync(join(tmpdir(), 'ktlab-resolve-'));
const root = join(base, 'root');
const outside = join(base, 'outside');
mkdirSync(join(root, 'cifar', 'train'), { recursive: true });
mkdirSync(outside, { recursive: true });
writeFileSync(join(outside, 'secret.txt'), 'x');
symlinkSync(outside, join(root, 'link-out'));
symlinkSync(join(root, 'cifar'), join(root, 'link-in'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('resolveInside', () => {
  it('resolves relative and absolute paths that stay inside', () => {
    expect(resolveInside(root, 'cifar/train')).toBe(join(root, 'cifar', 'train'));
    expect(resolveInside(root, join(root, 'cifar'))).toBe(join(root, 'cifar'));
    expect(resolveInside(root, '.')).toBe(root);
    expect(resolveInside(root, 'cifar/../cifar/train')).toBe(join(root, 'cifar', 'train'));
  });

  it('accepts paths that do not exist yet (artifacts about to be written)', () => {
    expect(resolveInside(root, 'runs/42/model.bin')).toBe(join(root, 'runs', '42', 'model.bin'));
  });

  it('follows symlinks that stay inside the root', () => {
    expect(resolveInside(root, 'link-in/train')).toBe(join(root, 'link-in', 'train'));
  });

  it.each([
    ['..', 'parent'],
    ['../outside/secret.txt', 'sibling via ..'],
    ['cifar/../../outside', 'nested ..'],
    ['/etc/passwd', 'absolute elsewhere'],
    ['link-out/secret.txt', 'symlink out'],
    ['link-out/not-yet-there', 'symlink out, missing tail'],
    ['cifar\0/x', 'NUL byte'],
  ])('rejects %s (%s)', (path) => {
    expect(() => resolveInside(root, path)).toThrow(PathEscapeError);
  });

  it('does not treat a sibling with the root as name prefix as inside', () => {
    mkdirSync(`${root}-evil`, { recursive: true });
    expect(() => resolveInside(root, `${root}-evil`)).toThrow(/escapes its root/);
  });
});
