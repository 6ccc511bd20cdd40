import { expect, test } from "@playwright/test";

// The page is interactive only once the wasm bundle has hydrated it.
async function openHydrated(page: import("@playwright/test").Page, path = "/") {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(path);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  return errors;
}

test("the server-rendered shell has the brand, navigation and language switcher", async ({ request }) => {
  const response = await request.get("/");
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
  const errors = await openHydrated(page);
  const toggle = page.getByRole("button", { name: "Open menu" });
  await expect(toggle).toHaveAttribute("aria-expanded", "false");
  await expect(page.locator("#primary-nav")).not.toBeInViewport();
  await toggle.click();
  await expect(page.getByRole("button", { name: "Close menu" })).toHaveAttribute("aria-expanded", "true");
  await expect(page.locator("#primary-nav")).toHaveClass(/open/);
  await expect(page.locator("#primary-nav")).toBeInViewport();
  expect(errors).toEqual([]);
});

test("a server function round trip refreshes the network list", async ({ page }) => {
  await openHydrated(page);
  const caption = page.locator("[data-checked-at]");
  const before = await caption.getAttribute("data-checked-at");
  const answered = page.waitForResponse(
    (r) => r.url().includes("/api/ui/networks") && r.request().method() === "POST",
  );
  await page.getByRole("button", { name: "Refresh" }).click();
  const response = await answered;
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.networks.map((n: { name: string }) => n.name)).toEqual(["ZT-IX Frankfurt"]);
  await expect(caption).not.toHaveAttribute("data-checked-at", before ?? "");
  await expect(page.getByText("8056c2e21c000001")).toBeVisible();
});

test("an unknown page is a 404 inside the shell", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
});
