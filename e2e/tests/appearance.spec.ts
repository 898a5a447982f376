/**
 * Appearance: dark mode follows the OS colour scheme, and the main pages fit a phone. Screenshots of every
 * page/scheme/viewport are saved as test artifacts (test-results/e2e/...) for a person to look at.
 */
import { expect, test, type Page } from '@playwright/test';
import { deleteRuns, seedFinishedRun } from './support/seed';
import { adminCredentials } from './support/session';

test.describe.configure({ mode: 'serial' });

const stamp = Date.now().toString(36);
const PHONE = { width: 390, height: 844 };
let runs: string[] = [];

test.beforeAll(async () => {
  runs = [
    await seedFinishedRun('jigsaw', `look-${stamp}-s0`, 0, { conv1: 0.31, conv2: 0.42, conv3: 0.45 }),
    await seedFinishedRun('jigsaw', `look-${stamp}-s1`, 1, { conv1: 0.33, conv2: 0.4, conv3: 0.47 }),
  ];
});

test.afterAll(() => deleteRuns(runs));

/** Relative luminance (0 black … 1 white) of an element's computed colour; a canvas resolves oklch() and the like. */
function luminance(page: Page, selector: string, property: 'backgroundColor' | 'color'): Promise<number> {
  return page.evaluate(([sel, prop]) => {
    const element = document.querySelector(sel);
    if (!element) throw new Error(`no element ${sel}`);
    const colour = getComputedStyle(element)[prop];
    const context = document.createElement('canvas').getContext('2d')!;
    context.fillStyle = colour;
    context.fillRect(0, 0, 1, 1);
    const [r, g, b] = Array.from(context.getImageData(0, 0, 1, 1).data).map((v) => {
      const c = v / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  }, [selector, property] as const);
}

/** Signs in as the admin (the shared helper waits for the user's name, which a phone's header leaves out). */
async function signIn(page: Page) {
  const { email, password } = adminCredentials();
  await page.goto('/runs');
  await expect(page).toHaveURL(/\/sign-in/);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  await expect(page).toHaveURL((url) => url.pathname === '/runs');
}

/** The runs list, a run page (charts), the benchmark tables, launch, workers and settings, each ready to be looked at. */
async function visitPages(page: Page, shot: (name: string) => Promise<unknown>, check: () => Promise<void>) {
  await signIn(page);
  await page.getByPlaceholder('Search by name').fill(`look-${stamp}`);
  await expect(page.getByRole('link', { name: `look-${stamp}-s0` })).toBeVisible();
  await check();
  await shot('runs');

  await page.goto(`/runs/${runs[0]}`);
  await expect(page.getByTestId('chart-train/loss').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('points-train/loss')).toContainText('200 points');
  // The seeded run never printed anything: the log card says so instead of showing an empty box.
  await expect(page.getByText('This run has no log lines.')).toBeVisible();
  await check();
  await shot('run');

  await page.goto('/benchmarks');
  await expect(page.getByTestId('benchmark-table')).toBeVisible();
  await check();
  await shot('benchmarks');

  // The remaining sections, for the same checks and screenshots.
  for (const [path, heading] of [
    ['/runs/new', 'New run'],
    ['/workers', 'Workers'],
    ['/settings', 'Settings'],
  ] as const) {
    await page.goto(path);
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
    await check();
    await shot(path.slice(1).replace('/', '-'));
  }
}

for (const scheme of ['light', 'dark'] as const) {
  test.describe(`${scheme} colour scheme`, () => {
    test.use({ colorScheme: scheme });

    test(`pages follow the OS ${scheme} setting`, async ({ page }) => {
      const check = async () => {
        const background = await luminance(page, 'body', 'backgroundColor');
        const card = await luminance(page, 'header', 'backgroundColor');
        if (scheme === 'dark') {
          expect(background).toBeLessThan(0.05);
          expect(card).toBeLessThan(0.1);
        } else {
          expect(background).toBeGreaterThan(0.85);
          expect(card).toBeGreaterThan(0.85);
        }
        // Body text must contrast with the page (WCAG AA asks for 4.5:1).
        const text = await luminance(page, 'body', 'color');
        const contrast = (Math.max(text, background) + 0.05) / (Math.min(text, background) + 0.05);
        expect(contrast).toBeGreaterThan(4.5);
      };
      await visitPages(page, (name) => page.screenshot({ path: test.info().outputPath(`${scheme}-${name}.png`), fullPage: true }), check);
    });
  });
}

test.describe('phone viewport', () => {
  test.use({ viewport: PHONE, colorScheme: 'dark', isMobile: true, hasTouch: true });

  test('nothing overflows the screen sideways; wide tables scroll in their own box', async ({ page }) => {
    const check = async () => {
      // Against the phone's width, not innerWidth: a mobile browser zooms out to fit a too-wide page.
      const scrollWidth = await page.evaluate(() => document.scrollingElement!.scrollWidth);
      expect(scrollWidth, `${page.url()} is wider than the phone screen`).toBeLessThanOrEqual(PHONE.width);
    };
    await visitPages(page, (name) => page.screenshot({ path: test.info().outputPath(`phone-${name}.png`), fullPage: true }), check);
    // The nav stays usable: every section is reachable from the header.
    for (const label of ['Runs', 'Benchmarks', 'Workers', 'Settings']) {
      await expect(page.getByRole('banner').getByRole('link', { name: label, exact: true })).toBeInViewport();
    }
  });
});
