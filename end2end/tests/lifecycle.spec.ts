import { expect, test, type Page } from "@playwright/test";
import { activeMember, expectAccessible, openHydrated, screenshot } from "./helpers";

/** Opens a confirmation panel with the keyboard, as someone without a mouse does. */
async function openWithKeyboard(page: Page, label: string) {
  const summary = page.locator("summary", { hasText: label });
  await summary.focus();
  await page.keyboard.press("Enter");
  await expect(summary.locator("xpath=..")).toHaveAttribute("open", "");
}

test("an operator leaves the exchange after a confirmation step", async ({ browser }, testInfo) => {
  const { op, admin, id } = await activeMember(browser, "5a5b5c5d5e");
  await expect(op.locator("body")).toHaveAttribute("data-hydrated", "true");
  // nothing happens before the second step
  await openWithKeyboard(op, "Leave the exchange…");
  await expect(op.locator(".page-header .status")).toHaveText("Active");
  await op.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  await expectAccessible(op, "the leave confirmation");
  await screenshot(op, testInfo, "leave-confirmation");
  await op.getByLabel("Note for the exchange (optional)").fill("Moving to our own port");
  await op.getByRole("button", { name: "Leave the exchange", exact: true }).click();
  await expect(op.locator(".page-header .status")).toHaveText(/Leaving|Removed/);
  await expect(op.locator(".page-header .status")).toHaveText("Removed", { timeout: 15_000 });
  await expect(op.getByRole("heading", { name: "This membership has ended" })).toBeVisible();
  await expect(op.getByText("Moving to our own port").first()).toBeVisible();
  // the address stays in the history, retired
  await expect(op.getByText(/^2001:db8:1:0:6:4500:0:[0-9a-f]{1,4}$/).first()).toBeVisible();
  await expect(op.locator("summary", { hasText: "Leave the exchange…" })).toHaveCount(0);

  await openHydrated(admin, `/admin/requests/${id}`);
  await expect(admin.getByRole("cell", { name: "Leaving started", exact: true })).toBeVisible();
  await expect(admin.getByRole("cell", { name: "Removed from the exchange", exact: true })).toBeVisible();
  await openHydrated(admin, "/admin/requests?status=removed");
  await expect(admin.locator("tbody tr", { hasText: "5a5b5c5d5e" })).toBeVisible();
});

test("an admin suspends a member with a reason and resumes them", async ({ browser }, testInfo) => {
  const { op, admin, id } = await activeMember(browser, "6a6b6c6d6e");
  await openWithKeyboard(admin, "Suspend the member…");
  await admin.getByLabel("Reason for suspending (shown to the member)").fill("Announcing a prefix that is not yours");
  await admin.getByRole("button", { name: "Suspend", exact: true }).click();
  await expect(admin.locator(".page-header .status")).toHaveText("Suspended", { timeout: 15_000 });
  await expect(admin.getByRole("cell", { name: "Suspended", exact: true })).toBeVisible({ timeout: 15_000 });

  // the audit row that just arrived fades in: check contrast once it is there
  await admin.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
  await expectAccessible(admin, "a suspended member for the admin");
  await screenshot(admin, testInfo, "admin-suspended");
  await openHydrated(op, `/requests/${id}`);
  await expect(op.locator(".page-header .status")).toHaveText("Suspended");
  await expect(op.getByRole("heading", { name: "This membership is suspended" })).toBeVisible();
  await expect(op.getByText("Announcing a prefix that is not yours").first()).toBeVisible();
  await expect(op.locator("summary", { hasText: "Leave the exchange…" })).toHaveCount(0);

  await openWithKeyboard(admin, "Resume the member…");
  await admin.getByRole("button", { name: "Resume", exact: true }).click();
  await expect(admin.locator(".page-header .status")).toHaveText("Active", { timeout: 15_000 });
  await expect(admin.getByRole("cell", { name: "Resumed", exact: true })).toBeVisible();
  await openHydrated(op, `/requests/${id}`);
  await expect(op.locator(".page-header .status")).toHaveText("Active");
  await expect(op.getByRole("heading", { name: "This membership is suspended" })).toHaveCount(0);
});

test("the route-server policy: PeeringDB's warning for the member, overrides for the admin", async ({ browser }, testInfo) => {
  const { op, admin } = await activeMember(browser, "7a7b7c7d7e");
  const card = op.locator(".card", { has: op.getByRole("heading", { name: "Route-server policy" }) });
  await expect(card.getByRole("note")).toContainText("does not announce routes via route servers", { timeout: 15_000 });
  await expect(card).toContainText("250");
  await expect(card).toContainText("AS-EXAMPLE");
  await expect(card).toContainText("from PeeringDB");
  await expectAccessible(op, "request page with the route-server policy");

  await expect(admin.getByRole("heading", { name: "Route-server policy" })).toBeVisible();
  await openWithKeyboard(admin, "Change limits or AS-SET");
  await admin.getByLabel("Max prefixes (IPv4)").fill("5000");
  await admin.getByRole("button", { name: "Save policy" }).click();
  const adminCard = admin.locator(".card", { has: admin.getByRole("heading", { name: "Route-server policy" }) });
  await expect(adminCard).toContainText("5000", { timeout: 10_000 });
  await expect(adminCard).toContainText("set by the exchange");
  // Open again if saving folded the panel away (the form is rebuilt with the new values).
  await admin.locator("details", { has: admin.locator("summary", { hasText: "Change limits or AS-SET" }) }).evaluate((d) => ((d as HTMLDetailsElement).open = true));
  await expect(admin.getByLabel("Max prefixes (IPv4)")).toHaveValue("5000");
  await admin.getByLabel("AS-SET").fill("AS-FOO; rm -rf");
  await admin.getByRole("button", { name: "Save policy" }).click();
  await expect(admin.getByRole("alert")).toBeVisible();
  await expect(adminCard).toContainText("5000");
  await screenshot(admin, testInfo, "admin-route-policy");
});
