import AxeBuilder from "@axe-core/playwright";
import { expect, type Browser, type BrowserContextOptions, type Page, type TestInfo } from "@playwright/test";
import * as fs from "node:fs";
import * as path from "node:path";

/** Opens `path` and waits until the wasm bundle has hydrated the page; collects errors. */
export async function openHydrated(page: Page, path: string) {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(path);
  await waitHydrated(page);
  return errors;
}

export async function waitHydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

export const OPERATOR = { username: "operator", password: "operator password 1", name: "Olivia Operator" };
export const ADMIN = { username: "admin", password: "admin password 123", name: "Ada Admin" };
/** Members of their own, so their requests never meet the operator's. */
export const PEER_A = { username: "peer64502", password: "peer password 12", name: "Peer AS64502" };
export const PEER_B = { username: "peer64503", password: "peer password 12", name: "Peer AS64503" };
export const PEER_C = { username: "peer64504", password: "peer password 12", name: "Peer AS64504" };
export const NEWCOMER = { username: "newcomer", password: "newcomer password", name: "Nina Newcomer" };

/** Logs in through the local form (in any language) and waits for the onboarding page. */
export async function logIn(page: Page, who: { username: string; password: string }) {
  await openHydrated(page, "/login");
  await page.locator("#login-username").fill(who.username);
  await page.locator("#login-password").fill(who.password);
  await page.locator(".login-panel form button[type=submit]").click();
  await expect(page).toHaveURL(/\/onboarding$/);
}

/** An operator files a request for `node` in a browser of their own; returns its id. */
export async function fileRequest(browser: Browser, node: string): Promise<string> {
  const op = await (await browser.newContext({ javaScriptEnabled: true })).newPage();
  await logIn(op, OPERATOR);
  await op.getByLabel("ZeroTier node ID").fill(node);
  await op.getByRole("button", { name: "Send request" }).click();
  await expect(op).toHaveURL(/\/requests\//);
  return op.url().split("/").pop()!;
}

/** Logs in through the plain login form, as a browser without JavaScript does. */
export async function logInPlainForm(page: Page, who: { username: string; password: string }) {
  await page.goto("/login");
  await page.locator("#login-username").fill(who.username);
  await page.locator("#login-password").fill(who.password);
  await page.locator(".login-panel form button[type=submit]").click();
}

export type LocaleCode = "en-US" | "zh-CN" | "he";

/** The interface's own catalog for `locale`, so tests check what people really read. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function catalog(locale: LocaleCode): any {
  const file = path.join(__dirname, "..", "..", "app", "locales", `${locale}.json`);
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

/** Runs axe-core (WCAG 2.x A and AA rules) on the page; serious or critical findings fail. */
export async function expectAccessible(page: Page, screen: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
    .analyze();
  const blocking = results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  expect(blocking, `axe findings on ${screen}`).toEqual([]);
  expect(results.passes.length, `axe ran on ${screen}`).toBeGreaterThan(10);
}

/** A full-page screenshot kept with the test's results (and attached to the report). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string) {
  const file = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
  await testInfo.attach(name, { path: file, contentType: "image/png" });
}

/** An operator's request for `node`, approved and active; the operator's and the admin's pages. */
export async function activeMember(
  browser: Browser,
  node: string,
  options: BrowserContextOptions = {},
  who: { username: string; password: string } = OPERATOR,
): Promise<{ op: Page; admin: Page; id: string }> {
  const op = await (await browser.newContext(options)).newPage();
  await logIn(op, who);
  await op.getByLabel("ZeroTier node ID").fill(node);
  await op.getByRole("button", { name: "Send request" }).click();
  await expect(op).toHaveURL(/\/requests\/[0-9a-f-]{36}$/);
  const id = op.url().split("/").pop()!;
  const admin = await (await browser.newContext()).newPage();
  await logIn(admin, ADMIN);
  await openHydrated(admin, `/admin/requests/${id}`);
  await admin.getByRole("button", { name: "Approve" }).click();
  await expect(admin.locator(".page-header .status")).toHaveText("Active", { timeout: 15_000 });
  await expect(op.locator(".page-header .status")).toHaveText("Active", { timeout: 15_000 });
  for (const page of [op, admin]) {
    page.on("dialog", (dialog) => {
      throw new Error(`no browser dialog is expected, got: ${dialog.message()}`);
    });
  }
  return { op, admin, id };
}
