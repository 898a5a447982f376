import { expect, test } from '@playwright/test';
import { adminCredentials, signIn } from './support/session';

test('signed-out visitors land on sign-in; a wrong password is refused in place; sign-in returns to the page', async ({ page }) => {
  await page.goto('/benchmarks');
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fbenchmarks/);
  await page.getByLabel('Email').fill(adminCredentials().email);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('wrong email or password')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('sign-in.png'), fullPage: true });
  await page.getByLabel('Password').fill(adminCredentials().password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/benchmarks$/);
  const cookie = (await page.context().cookies()).find((c) => c.name === 'ktlab_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto('/runs');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('an admin creates a worker token (shown once) and revokes it', async ({ page }) => {
  await signIn(page, '/settings');
  const label = `e2e-box-${Date.now()}`;
  await page.getByLabel('New token for').fill(label);
  await page.getByRole('button', { name: 'Create token' }).click();
  await expect(page.getByTestId('new-token-secret')).toHaveText(/^ktw_/);
  await page.screenshot({ path: test.info().outputPath('settings.png'), fullPage: true });
  const row = page.getByTestId('tokens-table').getByRole('row', { name: new RegExp(label) });
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('revoked');
  await page.reload();
  await expect(page.getByTestId('new-token-secret')).toHaveCount(0);
});

test('the API refuses a cross-site POST even with a session cookie', async ({ page }) => {
  await signIn(page);
  const response = await page.request.post('/api/trpc/runs.create', {
    headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
    data: { json: { method: 'smoke', config: { kind: 'smoke' } } },
  });
  expect(response.status()).toBe(403);
});
