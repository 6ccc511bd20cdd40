import { expect, test } from "@playwright/test";
import { catalog, expectAccessible, logIn, NEWCOMER, OPERATOR, openHydrated, screenshot } from "./helpers";

// The screens the journey does not pass through: states and refusals. Each is checked
// with axe-core in English and Hebrew and photographed.
for (const [code, browserLocale] of [["en-US", "en-US"], ["he", "he-IL"]] as const) {
  test.describe(`${code}`, () => {
    test.use({ locale: browserLocale, reducedMotion: "reduce" });
    const t = catalog(code);

    test("error and empty states are accessible", async ({ page }, testInfo) => {
      const response = await page.goto("/no-such-page");
      expect(response?.status()).toBe(404);
      await expect(page.locator("main h1")).toHaveText(t.not_found.title);
      await expectAccessible(page, "not found");
      await screenshot(page, testInfo, `${code}-not-found`);

      await openHydrated(page, "/auth/callback?error=access_denied&state=x");
      await expect(page.locator("main h1")).toHaveText(t.callback.failed);
      await expect(page.locator("main .error")).toContainText(t.errors.oauth_error);
      await expectAccessible(page, "login callback failure");
      await screenshot(page, testInfo, `${code}-callback-failed`);

      await logIn(page, NEWCOMER);
      await expect(page.locator(".blocked h2")).toHaveText(t.onboarding.no_asn_title);
      await expectAccessible(page, "no eligible ASN");
      await screenshot(page, testInfo, `${code}-no-asn`);

      // Hydrated first: while the page's split code loads, its <title> is being replaced.
      await openHydrated(page, "/dashboard");
      await page.waitForLoadState("networkidle");
      await expect(page.locator(".empty-state h2")).toHaveText(t.dashboard.empty_title);
      await expectAccessible(page, "empty dashboard");
      await screenshot(page, testInfo, `${code}-empty-dashboard`);
    });

    test("the set-password page explains a spent link in the reader's language", async ({ page }, testInfo) => {
      await openHydrated(page, "/set-password?token=spent");
      await expect(page.locator("main h1")).toHaveText(t.set_password.title);
      await page.locator("#new-password").fill("a long enough password");
      await page.locator("main form button[type=submit]").click();
      await expect(page.locator("main [role=alert]")).toContainText(t.errors.invalid_password_link);
      await expectAccessible(page, "set-password refusal");
      await screenshot(page, testInfo, `${code}-set-password`);
    });

    test("an operator sent to the admin area is told it is not for them", async ({ page }, testInfo) => {
      await logIn(page, OPERATOR);
      // Hydrated first: while the page's split code loads, its <title> is being replaced.
      await openHydrated(page, "/admin/requests");
      await page.waitForLoadState("networkidle");
      await expect(page.locator("main h1")).toHaveText(t.admin.no_access_title);
      await expectAccessible(page, "no access");
      await screenshot(page, testInfo, `${code}-no-access`);
    });
  });
}
