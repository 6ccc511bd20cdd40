import { expect, test } from "@playwright/test";
import { openHydrated } from "./helpers";

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
