import { expect, test } from "@playwright/test";
import { logIn, openHydrated, OPERATOR, waitHydrated } from "./helpers";

test("a local login is a server function round trip that lands on onboarding", async ({ page }) => {
  const errors = await openHydrated(page, "/login");
  await page.getByLabel("Username").fill(OPERATOR.username);
  await page.getByLabel("Password").fill(OPERATOR.password);
  const call = page.waitForResponse((r) => r.url().includes("/api/ui/login") && r.request().method() === "POST");
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  expect((await call).status()).toBe(200);
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.getByRole("heading", { name: "Join the exchange" })).toBeVisible();
  await expect(page.getByText(`Welcome, ${OPERATOR.name}`)).toBeVisible();
  await expect(page.getByLabel("Your network (ASN)").locator("option")).toHaveText(["AS64500"]);
  expect(errors).toEqual([]);
});

test("a wrong password is explained on the page", async ({ page }) => {
  await openHydrated(page, "/login");
  await page.getByLabel("Username").fill(OPERATOR.username);
  await page.getByLabel("Password").fill("not the right password");
  await page.getByRole("button", { name: "Log in", exact: true }).click();
  await expect(page.getByRole("alert")).toContainText("Wrong username or password.");
  await expect(page.getByRole("alert")).toContainText("invalid_credentials");
  await expect(page).toHaveURL(/\/login$/);
});

test("logging out ends the session", async ({ page, context }) => {
  await logIn(page, OPERATOR);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  const me = await context.request.get("/api/v1/me");
  expect(me.status()).toBe(401);
  await page.goto("/onboarding");
  await expect(page).toHaveURL(/\/login$/);
});

test("a page that needs a session sends a visitor to login by itself, without the server's guard", async ({ page }) => {
  await logIn(page, OPERATOR);
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await waitHydrated(page);
  const pageLoads: string[] = [];
  page.on("request", (r) => r.resourceType() === "document" && pageLoads.push(r.url()));
  // A navigation inside the app (the router takes every link): the server's page
  // guard never sees it.
  await page.evaluate(() => {
    const link = document.createElement("a");
    link.href = "/dashboard";
    link.id = "inside-the-app";
    link.textContent = "dashboard";
    document.body.appendChild(link);
  });
  await page.locator("#inside-the-app").click();
  await expect(page).toHaveURL(/\/login$/);
  expect(pageLoads, "no page was loaded from the server").toEqual([]);
});

test("a PeeringDB login goes through the OpenID provider and back", async ({ page }) => {
  await openHydrated(page, "/login");
  await page.getByRole("link", { name: "Log in with PeeringDB" }).click();
  // the provider's own login and consent screens
  await expect(page).toHaveURL(/127\.0\.0\.1:\d+\/interaction\//);
  await page.locator('input[name="login"]').fill("3");
  await page.locator('input[name="password"]').fill("any");
  await page.locator('button[type="submit"]').click();
  await expect(page.locator('button[type="submit"]')).toBeVisible();
  await page.locator('button[type="submit"]').click();
  await expect(page).toHaveURL(/\/onboarding$/);
  await expect(page.getByText("Welcome, Jane Doe")).toBeVisible();
  // read access (perms 15) makes AS64500 eligible; create-only (perms 4) does not
  await expect(page.getByLabel("Your network (ASN)").locator("option")).toHaveText(["AS64500 — Example Net"]);
});

test("a callback link from another browser is refused with a retry button", async ({ page }) => {
  await page.goto("/auth/callback?code=stolen&state=not-yours");
  await expect(page.getByRole("heading", { name: "Login failed" })).toBeVisible();
  await expect(page.getByText("invalid_state")).toBeVisible();
  await expect(page.getByRole("link", { name: "Try again" })).toHaveAttribute("href", "/auth/peeringdb/login");
});
