import { expect, type Page } from "@playwright/test";

/** Opens `path` and waits until the wasm bundle has hydrated the page; collects errors. */
export async function openHydrated(page: Page, path: string) {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(path);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  return errors;
}

export const OPERATOR = { username: "operator", password: "operator password 1", name: "Olivia Operator" };
export const ADMIN = { username: "admin", password: "admin password 123", name: "Ada Admin" };
export const NEWCOMER = { username: "newcomer", password: "newcomer password", name: "Nina Newcomer" };

/** Logs in through the local form and waits for the onboarding page. */
export async function logIn(page: Page, who: { username: string; password: string }) {
  await openHydrated(page, "/login");
  await page.getByLabel("Username").fill(who.username);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page).toHaveURL(/\/onboarding$/);
}
