import { expect, test } from "@playwright/test";
import { ADMIN, expectAccessible, logIn, openHydrated, OPERATOR, screenshot } from "./helpers";

test("a member creates an API token, uses it from a script and revokes it", async ({ browser, playwright }, testInfo) => {
  const page = await (await browser.newContext()).newPage();
  await logIn(page, OPERATOR);
  await openHydrated(page, "/account");
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { name: "Your account", level: 1 })).toBeVisible();

  await page.getByLabel("Name", { exact: true }).fill("peering-manager");
  await page.getByLabel("Scope").selectOption("read");
  await expect(page.getByLabel("Scope").locator("option")).toHaveText(["Read only", "Read and write"]);
  await page.getByLabel("Expires after (days)").fill("30");
  await page.getByRole("button", { name: "Create the token" }).click();
  const secret = (await page.getByTestId("token-secret").textContent())!.trim();
  expect(secret).toMatch(/^ztix_[A-Za-z0-9_-]{43}$/);
  const row = page.locator("li[data-token]");
  await expect(row).toContainText("peering-manager");
  await expect(row).toContainText("Read only");
  await expect(row).toContainText("never used");

  // A script without cookies: reads work, writes are refused by the scope.
  const script = await playwright.request.newContext({ baseURL: testInfo.project.use.baseURL, extraHTTPHeaders: { authorization: `Bearer ${secret}` } });
  const me = await script.get("/api/v1/me");
  expect(me.status()).toBe(200);
  expect((await me.json()).data.user.username).toBe(OPERATOR.username);
  expect((await script.post("/api/v1/requests", { data: { asn: 64500, zt_network_id: "1122334455000001" } })).status()).toBe(403);

  for (const [width, height, name] of [[1280, 900, "account-desktop"], [375, 812, "account-phone"]] as const) {
    await page.setViewportSize({ width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `no sideways scrolling at ${width} px`).toBeLessThanOrEqual(0);
    await expectAccessible(page, `the account page at ${width} px`);
    await screenshot(page, testInfo, name);
  }

  // Revoked from the keyboard: the script is refused at once.
  await row.getByText("Revoke", { exact: true }).focus();
  await page.keyboard.press("Enter");
  await row.getByRole("button", { name: "Revoke the token" }).click();
  await expect(page.locator("li[data-token]")).toHaveCount(0);
  expect((await script.get("/api/v1/me")).status()).toBe(401);
  await script.dispose();
});

test("admins search the audit log with a plain form, page back in time and download CSV", async ({ browser }, testInfo) => {
  const page = await (await browser.newContext()).newPage();
  await logIn(page, ADMIN);
  await openHydrated(page, "/admin/audit");
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await expect(page.locator("tbody tr").first()).toBeVisible();

  // Without JavaScript: the filter form is a GET, the page renders on the server.
  const plain = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await plain.context().addCookies(await page.context().cookies());
  await plain.goto("/admin/audit");
  await plain.getByLabel("Action (or a family such as join_request.)").fill("auth.");
  await plain.getByRole("button", { name: "Show" }).click();
  await expect(plain).toHaveURL(/action=auth\./);
  const rows = plain.locator("tbody tr");
  await expect(rows.first()).toContainText("Logged in");
  const csv = await plain.request.get("/api/v1/admin/audit?format=csv&action=auth.");
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  expect((await csv.text()).split("\r\n")[0]).toBe("id,created_at,actor_user_id,action,target_type,target_id,metadata");

  for (const [width, height, name] of [[1280, 900, "audit-desktop"], [375, 812, "audit-phone"]] as const) {
    await page.setViewportSize({ width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `no sideways scrolling at ${width} px`).toBeLessThanOrEqual(0);
    await expectAccessible(page, `the audit log at ${width} px`);
    await screenshot(page, testInfo, name);
  }
});
