import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN, catalog, expectAccessible, type LocaleCode, logIn, OPERATOR, screenshot, waitHydrated } from "./helpers";

// The whole journey on a phone, a tablet and a desktop, in English and in Hebrew: every
// screen is checked with axe-core and photographed (test-results/<test>/*.png).
const VIEWPORTS = [
  { name: "phone", width: 375, height: 812 },
  { name: "tablet", width: 768, height: 1024 },
  { name: "desktop", width: 1280, height: 800 },
];
const LOCALES: { code: LocaleCode; browser: string; dir: string }[] = [
  { code: "en-US", browser: "en-US", dir: "ltr" },
  { code: "he", browser: "he-IL", dir: "rtl" },
];

async function open(browser: Browser, viewport: { width: number; height: number }, locale: string): Promise<Page> {
  // The browser's own language picks the interface language; nothing else is set.
  const context = await browser.newContext({ viewport, locale, reducedMotion: "reduce" });
  return context.newPage();
}

LOCALES.forEach((loc, li) => {
  VIEWPORTS.forEach((vp, vi) => {
    test(`the journey from login to an active port: ${loc.code}, ${vp.name} ${vp.width}×${vp.height}`, async ({ browser }, testInfo) => {
      test.setTimeout(90_000);
      const t = catalog(loc.code);
      const shot = (page: Page, name: string) => screenshot(page, testInfo, `${loc.code}-${vp.width}x${vp.height}-${name}`);
      const heading = (page: Page) => page.locator("main h1").first();

      const op = await open(browser, vp, loc.browser);
      await logIn(op, OPERATOR);
      await expect(op.locator("html")).toHaveAttribute("lang", loc.code);
      await expect(op.locator("html")).toHaveAttribute("dir", loc.dir);
      await expect(heading(op)).toHaveText(t.onboarding.title);
      await expectAccessible(op, "onboarding");
      await shot(op, "02-onboarding");

      // The login screen, seen from a fresh session.
      const visitor = await open(browser, vp, loc.browser);
      await visitor.goto("/login");
      await waitHydrated(visitor);
      await expect(heading(visitor)).toHaveText(t.login.title);
      await expectAccessible(visitor, "login");
      await shot(visitor, "01-login");
      await visitor.context().close();

      const nodeId = `cafe0${li}${vi}abc`;
      await op.locator("#request-node").fill(nodeId);
      await op.locator("#request-notes").fill(`${loc.code} ${vp.name}`);
      await op.locator("main form button[type=submit]").click();
      await expect(op).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
      const id = op.url().split("/").pop()!;
      const badge = op.locator(".page-header .status");
      await expect(badge).toHaveText(t.status.pending);
      await expect(op.getByText(nodeId).first()).toBeVisible();
      await expectAccessible(op, "request");
      await shot(op, "03-request-pending");

      await op.goto("/dashboard");
      await waitHydrated(op);
      await expect(heading(op)).toHaveText(t.dashboard.title);
      await expect(op.locator("tbody tr").first()).toBeVisible();
      await expectAccessible(op, "dashboard");
      await shot(op, "04-dashboard");

      const admin = await open(browser, vp, loc.browser);
      await logIn(admin, ADMIN);
      await admin.goto("/admin/requests?status=pending");
      await waitHydrated(admin);
      await expect(heading(admin)).toHaveText(t.admin.queue_title);
      await expect(admin.locator(`a[href="/admin/requests/${id}"]`)).toBeVisible();
      await expectAccessible(admin, "admin queue");
      await shot(admin, "05-admin-queue");

      await admin.locator(`a[href="/admin/requests/${id}"]`).click();
      await expect(admin).toHaveURL(new RegExp(`/admin/requests/${id}$`));
      await waitHydrated(admin);
      await expect(admin.locator(".page-header .status")).toHaveText(t.status.pending);
      await expectAccessible(admin, "admin request");
      await shot(admin, "06-admin-request");
      await admin.getByRole("button", { name: t.admin.approve, exact: true }).click();
      await expect(admin.locator(".page-header .status")).toHaveText(t.status.active, { timeout: 20_000 });
      await expectAccessible(admin, "admin request, active");
      await shot(admin, "07-admin-active");

      await op.goto(`/requests/${id}`);
      await waitHydrated(op);
      await expect(badge).toHaveText(t.status.active);
      await expect(op.getByRole("heading", { name: t.request.membership })).toBeVisible();
      await expectAccessible(op, "request, active");
      await shot(op, "08-request-active");

      await op.context().close();
      await admin.context().close();
    });
  });
});
