import { expect, test, type Page } from "@playwright/test";
import { activeMember, expectAccessible, logInPlainForm, openHydrated, PEER_A, PEER_B, screenshot } from "./helpers";

/** Reloads until the worker has read the node's state from the controller. */
async function nodeState(page: Page, id: string) {
  await expect
    .poll(async () => {
      await openHydrated(page, `/requests/${id}`);
      return page.locator("[data-node-state]").getAttribute("data-node-state", { timeout: 1_000 }).catch(() => null);
    }, { timeout: 15_000 })
    .toBe("online");
}

test("a new member turns up from the request page, with the keyboard, on a phone and a desktop", async ({ browser }, testInfo) => {
  // Two accounts, an approval, the worker's node read and two axe runs at two widths.
  test.setTimeout(90_000);
  const { op, admin, id } = await activeMember(browser, "7f7e7d7c7b", { permissions: ["clipboard-read", "clipboard-write"] }, PEER_A);
  await nodeState(op, id);
  await expect(op.locator("[data-node-state]")).toContainText("Online");
  await expect(op.locator("[data-node-state]")).toContainText("ZeroTier 1.14.2");

  // What to type: join, the addresses, one neighbor block per route server.
  await expect(op.getByRole("heading", { name: "Router configuration" })).toBeVisible();
  await expect(op.locator("#snippet-join")).toContainText("zerotier-cli join 1122334455000001");
  const bird = op.locator("#snippet-bird");
  await expect(bird).toContainText("neighbor 2001:db8:1::fe as 64512;");
  await expect(bird).toContainText("neighbor 2001:db8:1::fd as 64512;");
  await expect(bird).toContainText("local 2001:db8:1:0:6:4502:0:1 as 64502;");

  // Copy with the keyboard: focus the button, press Enter; the clipboard holds the block.
  const copy = op.locator("details.snippet", { has: bird }).getByRole("button", { name: "Copy" });
  await copy.focus();
  await op.keyboard.press("Enter");
  await expect(op.locator("details.snippet", { has: bird }).getByRole("button", { name: "Copied" })).toBeVisible();
  const copied = await op.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain("protocol bgp ztix_rs1 {");
  expect(copied).toBe(await bird.innerText());

  // Another platform, opened with the keyboard.
  const frr = op.locator("summary", { hasText: "FRR" });
  await frr.focus();
  await op.keyboard.press("Enter");
  await expect(op.locator("#snippet-frr")).toBeVisible();
  await expect(op.locator("#snippet-frr")).toContainText("neighbor 2001:db8:1::fd capability extended-nexthop");

  for (const [width, height, name] of [[1280, 900, "turn-up-desktop"], [390, 844, "turn-up-phone"]] as const) {
    await op.setViewportSize({ width, height });
    await op.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    const overflow = await op.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `no sideways scrolling at ${width} px`).toBeLessThanOrEqual(0);
    await expectAccessible(op, `the turn-up page at ${width} px`);
    await screenshot(op, testInfo, name);
  }

  // The admin sees the same for the member.
  await openHydrated(admin, `/admin/requests/${id}`);
  await expect(admin.locator("[data-node-state]")).toHaveAttribute("data-node-state", "online");
  await expect(admin.locator("#snippet-bird")).toContainText("neighbor 2001:db8:1::fe as 64512;");
});

test("the turn-up page works before any script runs", async ({ browser }) => {
  const { id } = await activeMember(browser, "8f8e8d8c8b", {}, PEER_B);
  const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await logInPlainForm(page, PEER_B);
  await page.goto(`/requests/${id}`);
  await expect(page.getByRole("heading", { name: "Router configuration" })).toBeVisible();
  await expect(page.locator("#snippet-bird")).toContainText("protocol bgp ztix_rs1 {");
  // The copy buttons need the browser; the text is there to select.
  await expect(page.locator("details.snippet button").first()).toBeHidden();
});
