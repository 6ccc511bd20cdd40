import { expect, test } from "@playwright/test";
import { ADMIN, logIn, openHydrated } from "./helpers";

test("the server-rendered shell has the brand, navigation and language switcher", async ({ request }) => {
  const response = await request.get("/login");
  expect(response.status()).toBe(200);
  const html = await response.text();
  expect(html).toContain('class="brand-name"');
  expect(html).toContain('id="primary-nav"');
  expect(html).toContain('class="locale-switcher"');
  expect(html).toContain("ZT-IX Frankfurt");
  expect(response.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
});

test("hydration makes the mobile menu work", async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 812 });
  const errors = await openHydrated(page, "/login");
  const toggle = page.getByRole("button", { name: "Open menu" });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(page.locator("#primary-nav")).not.toBeInViewport();
  await toggle.click();
  await expect(page.getByRole("button", { name: "Close menu" })).toHaveAttribute("aria-expanded", "true");
  await expect(page.locator("#primary-nav")).toHaveClass(/open/);
  await expect(page.locator("#primary-nav")).toBeInViewport();
  expect(errors).toEqual([]);
});

test("an unknown page is a 404 inside the shell", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});

test("the pages opened after logging in bring their own code: none of it on the login page", async ({ page }) => {
  const fetched: string[] = [];
  page.on("request", (r) => fetched.push(new URL(r.url()).pathname));
  const split = (paths: string[]) => paths.filter((p) => /^\/pkg\/(split_|chunk_)/.test(p));
  const errors = await openHydrated(page, "/login");
  expect(split(fetched)).toEqual([]);

  await logIn(page, ADMIN);
  fetched.length = 0;
  // A first load of a split page fetches its code and hydrates with it (a CSP refusal or
  // a missing chunk would show as an error).
  await page.goto("/admin/requests");
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  expect(split(fetched).some((p) => p.startsWith("/pkg/split___admin_queue_view_"))).toBe(true);
  expect(errors).toEqual([]);
});
