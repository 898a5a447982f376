import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { e2eHome } from '../../state';

/** The first admin's credentials, written by `npm start` into the e2e state folder (KTLAB_HOME) on its first start. */
export function adminCredentials(): { email: string; password: string } {
  const file = join(e2eHome(), 'admin-credentials');
  const fields = Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );
  return { email: fields.email, password: fields.password };
}

export async function signIn(page: Page, next = '/runs'): Promise<void> {
  const { email, password } = adminCredentials();
  await page.goto(next);
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
  const path = new URL(next, 'http://portal').pathname;
  await expect(page).toHaveURL((url) => url.pathname === path);
}
