import { expect, test, type Page } from "@playwright/test";
import { createHmac } from "node:crypto";
import { ADMIN, expectAccessible, logIn, openHydrated, screenshot, waitHydrated } from "./helpers";

/** An RFC 6238 code (SHA-1, 6 digits, 30 s), as an authenticator app computes it. */
function totp(secretBase32: string, at = Date.now() / 1000): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...secretBase32.replace(/=+$/, "").toUpperCase()].map((c) => alphabet.indexOf(c).toString(2).padStart(5, "0")).join("");
  const key = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30)));
  const h = createHmac("sha1", key).update(counter).digest();
  const o = h[h.length - 1] & 0xf;
  const n = (((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3]) % 1_000_000;
  return String(n).padStart(6, "0");
}

async function checkWidths(page: Page, testInfo: Parameters<typeof screenshot>[1], screen: string) {
  await page.waitForLoadState("networkidle");
  for (const [width, height] of [[1280, 900], [375, 812]] as const) {
    await page.setViewportSize({ width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `no sideways scrolling on ${screen} at ${width} px`).toBeLessThanOrEqual(0);
    await expectAccessible(page, `${screen} at ${width} px`);
    await screenshot(page, testInfo, `${screen}-${width}`);
  }
}

// Pages fade in; axe reads colours after the animation.
test.use({ reducedMotion: "reduce" });

test("an admin creates an account, the person sets a password and turns on two-factor login", async ({ browser }, testInfo) => {
  test.setTimeout(90_000);
  const username = `carol${Date.now() % 100000}`;
  const password = "carol's long password";

  // The admin creates the account on the screen; the set-password link is shown once.
  const admin = await (await browser.newContext()).newPage();
  await logIn(admin, ADMIN);
  await openHydrated(admin, "/admin/users");
  await expect(admin.getByRole("heading", { name: "Accounts", level: 1 })).toBeVisible();
  await admin.getByLabel("Username").fill(username);
  await admin.getByLabel("Name", { exact: true }).fill("Carol Ops");
  await admin.getByLabel("ASNs").fill("64510");
  await admin.getByRole("button", { name: "Create account" }).click();
  const link = (await admin.getByTestId("password-link").textContent())!.trim();
  expect(link).toContain("/set-password?token=");
  await expect(admin.locator(`tr[data-user="${username}"]`)).toContainText("AS64510");
  await checkWidths(admin, testInfo, "accounts");

  // Searching is a plain GET form that works without JavaScript.
  const plain = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await plain.context().addCookies(await admin.context().cookies());
  await plain.goto("/admin/users");
  await plain.getByLabel("Search").fill(username);
  await plain.getByRole("button", { name: "Search" }).click();
  await expect(plain).toHaveURL(new RegExp(`q=${username}`));
  await expect(plain.locator("tbody tr")).toHaveCount(1);

  // The person sets a password with the link, before hydration (a plain form post).
  const person = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  const url = new URL(link);
  await person.goto(url.pathname + url.search);
  await expect(person.getByRole("heading", { name: "Set your password", level: 1 })).toBeVisible();
  await person.getByLabel("New password").fill(password);
  await person.getByRole("button", { name: "Set password" }).click();
  await expect(person).toHaveURL(/\/login\?password_set=1$/);
  await person.goto(url.pathname + url.search);
  await person.getByLabel("New password").fill(password);
  await person.getByRole("button", { name: "Set password" }).click();
  await expect(person).toHaveURL(/error=invalid_password_link/, { timeout: 10_000 });
  await expect(person.getByRole("alert")).toBeVisible();

  // Two-factor set-up on the account page: QR code drawn by the portal, first code, recovery codes.
  const me = await (await browser.newContext()).newPage();
  await logIn(me, { username, password });
  await openHydrated(me, "/account");
  await me.waitForLoadState("networkidle");
  const card = me.getByTestId("two-factor");
  await card.getByRole("button", { name: "Set up two-factor login" }).click();
  await expect(card.locator(".qr svg")).toBeVisible();
  const secret = (await card.getByTestId("totp-secret").textContent())!.trim();
  await card.getByLabel("Code", { exact: true }).fill(totp(secret));
  await card.getByRole("button", { name: "Turn on" }).click();
  const codes = (await card.getByTestId("recovery-codes").locator("li").allTextContents()).map((c) => c.trim());
  expect(codes).toHaveLength(10);
  await checkWidths(me, testInfo, "two-factor");

  // The next login asks for a code: a fresh one works (hydrated)…
  const next = await (await browser.newContext()).newPage();
  await openHydrated(next, "/login");
  await next.locator("#login-username").fill(username);
  await next.locator("#login-password").fill(password);
  await next.locator(".login-panel form button[type=submit]").click();
  await expect(next).toHaveURL(/\/login\/code$/);
  await waitHydrated(next);
  await checkWidths(next, testInfo, "login-code");
  await next.getByLabel("Code", { exact: true }).fill("000000");
  await next.getByRole("button", { name: "Log in" }).click();
  await expect(next.getByRole("alert")).toBeVisible();
  await next.getByLabel("Code", { exact: true }).fill(totp(secret, Date.now() / 1000 + 30));
  await next.getByRole("button", { name: "Log in" }).click();
  await expect(next).toHaveURL(/\/onboarding$/);

  // … and so does a recovery code without JavaScript, from the keyboard.
  const noJs = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
  await noJs.goto("/login");
  await noJs.locator("#login-username").fill(username);
  await noJs.locator("#login-password").fill(password);
  await noJs.locator("#login-password").press("Enter");
  await expect(noJs).toHaveURL(/\/login\/code$/);
  await noJs.getByLabel("Code", { exact: true }).fill(codes[0]);
  await noJs.getByLabel("Code", { exact: true }).press("Enter");
  await expect(noJs).toHaveURL(/\/onboarding$/);

  // The admin turns it off for a lost authenticator and ends the person's sessions.
  await admin.setViewportSize({ width: 1280, height: 900 });
  await openHydrated(admin, "/admin/users");
  await admin.locator(`tr[data-user="${username}"] a`).click();
  await expect(admin.getByRole("heading", { name: username, level: 1 })).toBeVisible();
  await waitHydrated(admin);
  await checkWidths(admin, testInfo, "account-admin");
  await admin.setViewportSize({ width: 1280, height: 900 });
  await admin.getByText("Turn off two-factor login", { exact: true }).focus();
  await admin.keyboard.press("Enter");
  await admin.getByRole("button", { name: "Yes, turn it off" }).click();
  await expect(admin.locator("dd").filter({ hasText: "Off" })).toBeVisible();
  await admin.getByRole("button", { name: "End all sessions" }).click();
  await expect(admin.getByText("The account's sessions ended.")).toBeVisible();
  expect((await next.request.get("/api/v1/me")).status()).toBe(401);
  await admin.getByRole("button", { name: "Disable account" }).click();
  await expect(admin.getByTestId("user-state")).toHaveText("Disabled");
  await admin.getByRole("button", { name: "Enable account" }).click();
  await expect(admin.getByTestId("user-state")).toHaveText("Enabled");
});
