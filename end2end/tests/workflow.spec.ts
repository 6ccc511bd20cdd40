import { expect, test } from "@playwright/test";
import { ADMIN, logIn, NEWCOMER, OPERATOR } from "./helpers";

test("an operator's request is approved by an admin, provisioned, and both see it without reloading", async ({ browser }) => {
  const operatorContext = await browser.newContext();
  const operator = await operatorContext.newPage();
  await logIn(operator, OPERATOR);
  await operator.getByLabel("Your network (ASN)").selectOption("64500");
  await operator.getByLabel("ZeroTier node ID").fill("AbCdEf0123");
  await operator.getByLabel("Notes for the exchange (optional)").fill("Port for our Frankfurt router");
  await operator.getByRole("button", { name: "Send request" }).click();
  await expect(operator).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const requestId = operator.url().split("/").pop()!;
  const badge = operator.locator(".page-header .status");
  await expect(badge).toHaveText("Waiting for review");
  await expect(operator.getByText("abcdef0123")).toBeVisible();
  await expect(operator.getByText("unassigned")).toBeVisible();

  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await logIn(admin, ADMIN);
  await admin.goto("/admin/requests?status=pending");
  const row = admin.locator("tbody tr", { hasText: "AS64500" }).first();
  await expect(row).toBeVisible();
  await admin.goto(`/admin/requests/${requestId}`);
  await expect(admin.locator("dd", { hasText: "Olivia Operator" })).toBeVisible();
  // audit actions read as words, never as their codes
  await expect(admin.locator(".audit-details").first()).toBeVisible();
  await expect(admin.getByRole("cell", { name: "Request filed" })).toBeVisible();
  await expect(admin.getByText("join_request.created")).toHaveCount(0);
  await admin.getByRole("button", { name: "Approve" }).click();
  await expect(admin.locator(".page-header .status")).toHaveText(/Approved|Setting up|Active/);
  await expect(admin.locator(".page-header .status")).toHaveText("Active", { timeout: 15_000 });
  await expect(admin.getByRole("cell", { name: "Active on the exchange" })).toBeVisible();

  // the operator's page has not been reloaded; it polls until the status settles
  await expect(badge).toHaveText("Active", { timeout: 15_000 });
  // the address is in the network's prefix and embeds the ASN (64500 → 6:4500)
  await expect(operator.getByText(/^2001:db8:1:0:6:4500:0:[0-9a-f]{1,4}$/).first()).toBeVisible();
  await expect(operator.getByRole("heading", { name: "ZeroTier membership" })).toBeVisible();
  await operatorContext.close();
  await adminContext.close();
});

test("a duplicate request links to the existing one", async ({ page }) => {
  await logIn(page, OPERATOR);
  for (let attempt = 0; attempt < 2; attempt++) {
    await page.goto("/onboarding");
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await page.getByLabel("ZeroTier node ID").fill("1234567890");
    await page.getByRole("button", { name: "Send request" }).click();
    if (attempt === 0) await expect(page).toHaveURL(/\/requests\//);
  }
  const link = page.getByRole("link", { name: "See the existing request" });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  await expect(page.getByText("1234567890")).toBeVisible();
});

test("an admin rejects with a reason the operator reads", async ({ browser }) => {
  const op = await (await browser.newContext()).newPage();
  await logIn(op, OPERATOR);
  await op.getByLabel("ZeroTier node ID").fill("0a0b0c0d0e");
  await op.getByRole("button", { name: "Send request" }).click();
  await expect(op).toHaveURL(/\/requests\//);
  const id = op.url().split("/").pop()!;

  const admin = await (await browser.newContext()).newPage();
  await logIn(admin, ADMIN);
  await admin.goto(`/admin/requests/${id}`);
  await expect(admin.locator("body")).toHaveAttribute("data-hydrated", "true");
  await admin.getByLabel("Reason for rejecting (shown to the operator)").fill("Please use your production ASN");
  await admin.getByRole("button", { name: "Reject" }).click();
  await expect(admin.locator(".page-header .status")).toHaveText("Rejected");

  await expect(op.locator(".page-header .status")).toHaveText("Rejected", { timeout: 15_000 });
  await expect(op.getByText("Please use your production ASN").first()).toBeVisible();
});

test("the dashboard lists the operator's requests", async ({ page }) => {
  await logIn(page, OPERATOR);
  await page.getByRole("link", { name: "My requests" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.locator("tbody tr").first()).toBeVisible();
  await expect(page.locator("tbody tr").first().locator(".status")).toBeVisible();
});

test("an operator without an ASN is told why and where to get help", async ({ page }) => {
  await logIn(page, NEWCOMER);
  await expect(page.getByRole("heading", { name: "No ASN is linked to your account yet" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Contact the exchange" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Send request" })).toHaveCount(0);
});

test("operators cannot open the admin queue", async ({ page }) => {
  await logIn(page, OPERATOR);
  await page.goto("/admin/requests");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
});
