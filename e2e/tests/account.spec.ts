import { expect, test, type Browser, type Page } from '@playwright/test';
import { withClient } from './support/seed';

const stamp = Date.now().toString(36);
const email = `account-${stamp}@e2e.ktlab`;
const firstPassword = 'first password of the test';
const newPassword = 'second password of the test';

test.beforeAll(async () => {
  const { hashPassword } = await import('@ktlab/api');
  const hash = await hashPassword(firstPassword);
  await withClient(async (client) => {
    await client.query(`INSERT INTO "User" (id, email, name, "passwordHash") VALUES ($1, $2, $3, $4)`, [`us${stamp}`, email, `Tester ${stamp}`, hash]);
    await client.query(`INSERT INTO "ProjectMember" ("projectId", "userId", role) SELECT id, $1, 'member' FROM "Project" WHERE slug = 'default'`, [`us${stamp}`]);
  });
});
test.afterAll(() => withClient((client) => client.query(`DELETE FROM "User" WHERE id = $1`, [`us${stamp}`])));

async function signInAs(page: Page, password: string) {
  await page.goto('/runs');
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toHaveText(`Tester ${stamp}`);
}

/** Another browser signed in to the same account (a second session). */
async function otherBrowser(browser: Browser, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signInAs(page, password);
  return page;
}

test('account: the header name leads to it; change the password (validated), sessions listed and signed out', async ({ page, browser }) => {
  await signInAs(page, firstPassword);
  const laptop = await otherBrowser(browser, firstPassword);
  await page.getByTestId('signed-in-as').click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole('heading', { name: 'Account' })).toBeVisible();
  const sessions = page.getByTestId('sessions-table');
  await expect(sessions.locator('tbody tr')).toHaveCount(2);
  await expect(sessions.locator('tbody tr', { hasText: 'this browser' })).toHaveCount(1);

  // Checked in the browser first, each message beside its field.
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('enter your current password')).toBeVisible();
  await page.getByLabel('Current password').fill(firstPassword);
  await page.getByLabel('New password (10 characters or more)').fill('short');
  await page.getByLabel('New password again').fill('shorter');
  await expect(page.getByText('use at least 10 characters')).toBeVisible();
  await expect(page.getByText('the two new passwords differ')).toBeVisible();
  // A wrong current password is refused by the API.
  await page.getByLabel('Current password').fill('not my password at all');
  await page.getByLabel('New password (10 characters or more)').fill(newPassword);
  await page.getByLabel('New password again').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByText('the current password is wrong')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('account-errors.png'), fullPage: true });

  await page.getByLabel('Current password').fill(firstPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByTestId('password-changed')).toBeVisible();
  await expect(page.getByLabel('Current password')).toHaveValue('');
  await expect(sessions.locator('tbody tr')).toHaveCount(1);
  // The other browser was signed out by the change.
  await laptop.goto('/runs');
  await expect(laptop).toHaveURL(/\/sign-in/);

  // Two more browsers, signed out from here with one button.
  const phone = await otherBrowser(browser, newPassword);
  const tablet = await otherBrowser(browser, newPassword);
  await page.reload();
  await expect(sessions.locator('tbody tr')).toHaveCount(3);
  await page.screenshot({ path: test.info().outputPath('account.png'), fullPage: true });
  await page.getByRole('button', { name: 'Sign out other sessions (2)' }).click();
  await expect(page.getByTestId('signed-out-others')).toHaveText('Signed out 2 other sessions.');
  await expect(sessions.locator('tbody tr')).toHaveCount(1);
  for (const other of [phone, tablet]) {
    await other.goto('/runs');
    await expect(other).toHaveURL(/\/sign-in/);
  }

  // The old password no longer signs in; the new one does.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(firstPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('wrong email or password')).toBeVisible();
  await page.getByLabel('Password').fill(newPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('signed-in-as')).toBeVisible();
});
