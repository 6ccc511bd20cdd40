import { expect, test } from "@playwright/test";
import { activeMember, expectAccessible, openHydrated, PEER_C, screenshot } from "./helpers";

test("the public member list reads without JavaScript, and a member withholds its details", async ({ browser }, testInfo) => {
  // An approval, the worker's provisioning, a page without scripts and two axe runs.
  test.setTimeout(90_000);
  const { op } = await activeMember(browser, "9e9d9c9b9a", {}, PEER_C);

  // Anyone, without JavaScript: the member, its address and the IX-F export.
  const plain = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await plain.goto("/members");
  const row = plain.locator("tr[data-asn='64504']");
  await expect(row).toContainText("AS64504");
  await expect(row).toContainText("2001:db8:1:0:6:4504:0:1");
  await expect(row.getByRole("link", { name: "AS64504" })).toHaveAttribute("href", "https://www.peeringdb.com/asn/64504");
  await expect(plain.getByRole("link", { name: "IX-F export (JSON)" })).toHaveAttribute("href", "/participants.json");
  const exported = await (await plain.request.get("/participants.json")).json();
  expect(exported.version).toBe("1.0");
  expect(exported.member_list.map((m: { asnum: number }) => m.asnum)).toContain(64504);

  // Laid out for a phone and a desktop, and accessible at both.
  const page = await (await browser.newContext()).newPage();
  await openHydrated(page, "/members");
  for (const [width, height, name] of [[1280, 900, "members-desktop"], [375, 812, "members-phone"]] as const) {
    await page.setViewportSize({ width, height });
    await page.evaluate(() => Promise.all(document.getAnimations().map((a) => a.finished)));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `no sideways scrolling at ${width} px`).toBeLessThanOrEqual(0);
    await expectAccessible(page, `the member list at ${width} px`);
    await screenshot(page, testInfo, name);
  }

  // The member withholds its details from the dashboard; the list follows.
  await openHydrated(op, "/dashboard");
  const form = op.locator("form.listing-form[data-asn='64504']");
  await expect(form.getByLabel("List the details of AS64504")).toBeChecked();
  await form.getByLabel("List the details of AS64504").uncheck();
  await form.getByRole("button", { name: "Save" }).click();
  await expect(form.getByLabel("List the details of AS64504")).not.toBeChecked();
  await expect(form.getByText("You have not chosen yet")).toHaveCount(0);
  await plain.goto("/members");
  await expect(plain.locator("tr[data-asn='64504']")).toContainText("Not listed");
});
