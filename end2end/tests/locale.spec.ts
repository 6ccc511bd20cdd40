import { expect, test } from "@playwright/test";
import { catalog, logIn, OPERATOR, openHydrated, waitHydrated } from "./helpers";

const he = catalog("he");
const en = catalog("en-US");

test("Hebrew mirrors the layout: the navigation column is on the right", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: "he-IL" });
  const page = await context.newPage();
  await openHydrated(page, "/login");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  const nav = (await page.locator("#primary-nav").boundingBox())!;
  const main = (await page.locator("#main").boundingBox())!;
  expect(nav.x).toBeGreaterThan(main.x);
  expect(Math.round(nav.x + nav.width)).toBe(1280);
  // the brand sits at the start of the top bar, which is now its right end
  const brand = (await page.locator(".brand").boundingBox())!;
  expect(brand.x).toBeGreaterThan(640);
  await context.close();
});

test("Hebrew on a phone: the menu slides in from the right", async ({ browser }) => {
  const context = await browser.newContext({ viewport: { width: 375, height: 812 }, locale: "he-IL", reducedMotion: "reduce" });
  const page = await context.newPage();
  await openHydrated(page, "/login");
  await expect(page.locator("#primary-nav")).not.toBeInViewport();
  await page.getByRole("button", { name: he.shell.open_menu }).click();
  await expect(page.locator("#primary-nav")).toBeInViewport();
  const nav = (await page.locator("#primary-nav").boundingBox())!;
  expect(Math.round(nav.x + nav.width)).toBe(375);
  expect(nav.x).toBeGreaterThan(0);
  await context.close();
});

test("the language picked in the header survives a reload", async ({ browser }) => {
  const context = await browser.newContext({ locale: "en-US" });
  const page = await context.newPage();
  await openHydrated(page, "/login");
  await expect(page.locator("html")).toHaveAttribute("lang", "en-US");
  await page.locator(".locale-switcher summary").click();
  await page.getByRole("link", { name: "עברית" }).click();
  // the server sets the cookie and renders the same page in the new language
  await waitHydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "he");
  await expect(page.locator("html")).toHaveAttribute("dir", "rtl");
  await expect(page.locator("main h1")).toHaveText(he.login.title);
  await expect(page).toHaveURL(/\/login$/);

  await page.reload();
  await waitHydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "he");
  await expect(page.locator("main h1")).toHaveText(he.login.title);

  await page.locator(".locale-switcher summary").click();
  await page.getByRole("link", { name: "简体中文" }).click();
  await expect(page.locator("html")).toHaveAttribute("dir", "ltr");
  await page.goto("/no-such-page");
  await expect(page.locator("html")).toHaveAttribute("lang", "zh-CN");
  await expect(page.locator("main h1")).toHaveText(catalog("zh-CN").not_found.title);
  await context.close();
});

test("the language switch works before the page is interactive", async ({ browser }) => {
  const context = await browser.newContext({ locale: "en-US", javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login?from=test");
  await page.locator(".locale-switcher summary").click();
  await page.getByRole("link", { name: "עברית" }).click();
  await expect(page).toHaveURL(/\/login\?from=test$/);
  await expect(page.locator("html")).toHaveAttribute("lang", "he");
  await expect(page.locator("main h1")).toHaveText(he.login.title);
  await context.close();
});

test("everything on the way to a request works from the keyboard, with a visible focus", async ({ page }) => {
  await openHydrated(page, "/login");
  await page.keyboard.press("Tab");
  const skip = page.locator(".skip-link");
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  const outline = await skip.evaluate((el) => {
    const style = getComputedStyle(el);
    return `${style.outlineStyle} ${style.outlineWidth}`;
  });
  expect(outline).toBe("solid 2px");

  // the language menu opens and closes from the keyboard
  const summary = page.locator(".locale-switcher summary");
  await summary.focus();
  await page.keyboard.press("Enter");
  await expect(page.locator(".locale-switcher")).toHaveAttribute("open", "");
  await page.keyboard.press("Escape");
  await expect(page.locator(".locale-switcher")).not.toHaveAttribute("open", "");

  await page.locator("#login-username").focus();
  await page.keyboard.type(OPERATOR.username);
  await page.keyboard.press("Tab");
  await expect(page.locator("#login-password")).toBeFocused();
  await page.keyboard.type(OPERATOR.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.locator("main h1")).toHaveText(en.onboarding.title);

  await page.locator("#request-node").focus();
  await page.keyboard.type("beef00cafe");
  await page.keyboard.press("Tab");
  await expect(page.locator("#request-notes")).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.locator("main form button[type=submit]")).toBeFocused();
  const buttonOutline = await page.locator("main form button[type=submit]").evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(buttonOutline).toBe("solid");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
});

test("a wrong password is explained in the reader's language", async ({ browser }) => {
  const context = await browser.newContext({ locale: "he-IL" });
  const page = await context.newPage();
  await openHydrated(page, "/login");
  await page.locator("#login-username").fill(OPERATOR.username);
  await page.locator("#login-password").fill("not the password");
  await page.locator(".login-panel form button[type=submit]").click();
  const error = page.locator(".login-panel .error");
  await expect(error).toContainText(he.errors.invalid_credentials);
  await expect(error).toHaveAttribute("data-code", "invalid_credentials");
  await context.close();
});

test("the operator's page is in the chosen language after logging in", async ({ browser }) => {
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  await logIn(page, OPERATOR);
  await expect(page.locator("main h1")).toHaveText(catalog("zh-CN").onboarding.title);
  await context.close();
});
