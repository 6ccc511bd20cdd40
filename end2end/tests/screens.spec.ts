import { expect, test } from "@playwright/test";
import { ADMIN, catalog, fileRequest, logIn, logInPlainForm, OPERATOR, waitHydrated } from "./helpers";

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the login form is on the page, refuses a wrong password in words and logs in", async ({ page }) => {
    await page.goto("/login");
    await expect(page.locator("template")).toHaveCount(0);
    await logInPlainForm(page, { username: OPERATOR.username, password: "not the password at all" });
    await expect(page).toHaveURL(/\/login\?error=invalid_credentials$/);
    await expect(page.locator("[data-code=invalid_credentials]")).toHaveText(/Wrong username or password/);
    await logInPlainForm(page, OPERATOR);
    await expect(page).toHaveURL(/\/onboarding$/);

    // Filing a request works the same way, and lands on the request.
    await page.getByLabel("ZeroTier node ID").fill("0a0b0c0d01");
    await page.getByRole("button", { name: "Send request" }).click();
    await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
    await expect(page.getByText("0a0b0c0d01")).toBeVisible();
    await page.goto("/dashboard");
    await expect(page.getByRole("link", { name: "ZT-IX Frankfurt" }).first()).toBeVisible();
  });

  test("an admin decides on the request page", async ({ page, browser }) => {
    const id = await fileRequest(browser, "0a0b0c0d02");
    await logInPlainForm(page, ADMIN);
    await page.goto(`/admin/requests/${id}`);
    await page.getByLabel("Reason for rejecting (shown to the operator)").fill("No such router at this exchange");
    await page.getByRole("button", { name: "Reject" }).click();
    await expect(page).toHaveURL(new RegExp(`/admin/requests/${id}\\??$`));
    await expect(page.locator(".page-header .status")).toHaveText("Rejected");
  });
});

test("typing a reject reason survives the page's refreshes, which never replay its entrance", async ({ browser }) => {
  const id = await fileRequest(browser, "0a0b0c0d03");

  const admin = await (await browser.newContext()).newPage();
  await logIn(admin, ADMIN);
  await admin.goto(`/admin/requests/${id}`);
  await waitHydrated(admin);
  const page = admin.locator("section.page");
  await page.evaluate((el) => ((el as HTMLElement & { marked?: boolean }).marked = true));
  const polls: string[] = [];
  admin.on("request", (r) => r.url().includes("/api/ui/admin-request") && polls.push(r.url()));
  const reason = "Your ASN is not in PeeringDB yet; add it there and file again.";
  const field = admin.getByLabel("Reason for rejecting (shown to the operator)");
  await field.click();
  // About seven seconds of typing: the page refreshes every two.
  await field.pressSequentially(reason, { delay: 110 });
  expect(polls.length, "the page refreshed while someone typed").toBeGreaterThanOrEqual(2);
  await expect(field).toHaveValue(reason);
  await expect(field).toBeFocused();
  expect(await page.evaluate((el) => (el as HTMLElement & { marked?: boolean }).marked === true), "the page was not re-created").toBe(true);
  expect(await admin.evaluate(() => document.getAnimations().filter((a) => a.playState === "running").length)).toBe(0);
});

test("the footer and the audit trail speak the reader's language", async ({ browser }) => {
  const zh = catalog("zh-CN");
  const context = await browser.newContext({ locale: "zh-CN" });
  const admin = await context.newPage();
  await logInPlainForm(admin, ADMIN);
  await expect(admin).toHaveURL(/\/onboarding$/);
  await expect(admin.locator("footer")).toContainText("关于交换中心");
  await expect(admin.locator("footer")).not.toContainText("About the exchange");
  await admin.goto("/admin/requests");
  await admin.locator("tbody tr a").first().click();
  await expect(admin.getByRole("cell", { name: zh.audit_action.join_request_created })).toBeVisible();
  await expect(admin.locator("td", { hasText: /join_request\./ })).toHaveCount(0);
  await context.close();
});
