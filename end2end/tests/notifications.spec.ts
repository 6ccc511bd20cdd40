import * as crypto from "node:crypto";
import * as http from "node:http";
import { AddressInfo } from "node:net";
import { expect, test } from "@playwright/test";
import { ADMIN, expectAccessible, logIn, openHydrated, OPERATOR, screenshot } from "./helpers";

type Delivery = { headers: http.IncomingHttpHeaders; body: string };

/** A webhook receiver on loopback that keeps what it is sent. */
async function receiver(): Promise<{ url: string; deliveries: Delivery[]; close: () => void }> {
  const deliveries: Delivery[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/zt-ix`, deliveries, close: () => server.close() };
}

/** The Standard Webhooks check, written here independently of the portal. */
function verifies(secret: string, delivery: Delivery): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const signed = `${delivery.headers["webhook-id"]}.${delivery.headers["webhook-timestamp"]}.${delivery.body}`;
  const expected = `v1,${crypto.createHmac("sha256", key).update(signed).digest("base64")}`;
  return String(delivery.headers["webhook-signature"]).split(" ").includes(expected);
}

test("admins add a webhook endpoint, see its secret once, send a signed test and read the log", async ({ browser }, testInfo) => {
  test.setTimeout(60_000);
  const hook = await receiver();
  const page = await (await browser.newContext()).newPage();
  await logIn(page, ADMIN);
  await openHydrated(page, "/admin/notifications");
  await page.waitForLoadState("networkidle");
  await expect(page.getByRole("heading", { name: "Notifications", level: 1 })).toBeVisible();
  await expect(page.getByText("E-mail is off")).toBeVisible();

  // An address inside a private network is refused with the reason.
  await page.getByLabel("URL").fill("http://10.0.0.1/hook");
  await page.getByRole("button", { name: "Add the endpoint" }).click();
  await expect(page.locator(".add-endpoint [role='alert']")).toContainText("10.0.0.1 is a loopback, link-local or private address");
  await expect(page.locator(".add-endpoint [role='alert']")).toContainText("validation_error");

  // A receiver on loopback (allowed in this exchange's configuration), two events.
  await page.getByLabel("URL").fill(hook.url);
  const events = page.locator(".add-endpoint fieldset");
  for (const box of await events.getByRole("checkbox").all()) await box.uncheck();
  await events.getByLabel("A new join request").check();
  await events.getByLabel("Connection active (with the router configuration)").check();
  await page.getByRole("button", { name: "Add the endpoint" }).click();
  const secret = (await page.getByTestId("webhook-secret").textContent())!.trim();
  expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  const endpoint = page.locator("li.endpoint");
  await expect(endpoint).toContainText(hook.url);
  await expect(endpoint).toContainText("A new join request · Connection active");
  await expect(endpoint).toContainText(secret.slice(0, 10) + "…");

  await endpoint.getByRole("button", { name: "Send a test" }).click();
  await expect.poll(() => hook.deliveries.length, { timeout: 15_000 }).toBe(1);
  const delivery = hook.deliveries[0];
  expect(verifies(secret, delivery)).toBe(true);
  expect(JSON.parse(delivery.body).type).toBe("webhook.test");

  // The delivery log: delivered, with the receiver's answer; reached by keyboard.
  await expect(async () => {
    await page.reload();
    await expect(page.locator("tr[data-kind='webhook.test']")).toContainText("Delivered");
  }).toPass({ timeout: 15_000 });
  await expect(page.locator("tr[data-kind='webhook.test']")).toContainText("HTTP 204");
  await page.getByRole("link", { name: "Failed for good" }).focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/status=dead/);
  await expect(page.getByText("No deliveries to show.")).toBeVisible();
  await openHydrated(page, "/admin/notifications");

  for (const [width, height, name] of [[1280, 900, "notifications-desktop"], [375, 812, "notifications-phone"]] as const) {
    await page.setViewportSize({ width, height });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `no sideways scrolling at ${width} px`).toBeLessThanOrEqual(0);
    await expectAccessible(page, `the notifications screen at ${width} px`);
    await screenshot(page, testInfo, name);
  }

  // Turned off, then deleted behind a confirmation.
  await endpoint.getByRole("button", { name: "Turn off" }).click();
  await expect(endpoint.locator(".badge")).toHaveText("Off");
  await endpoint.getByText("Delete", { exact: true }).click();
  await endpoint.getByRole("button", { name: "Delete the endpoint" }).click();
  await expect(page.locator("li.endpoint")).toHaveCount(0);
  hook.close();
});

test("a member chooses e-mail kinds on the account page; suspension stays on", async ({ browser }) => {
  const page = await (await browser.newContext()).newPage();
  await logIn(page, OPERATOR);
  await openHydrated(page, "/account");
  const card = page.locator("#notifications");
  await expect(card.getByLabel("Membership suspended")).toBeChecked();
  await expect(card.getByLabel("Membership suspended")).toBeDisabled();
  await card.getByLabel("Request approved").uncheck();
  await card.getByRole("button", { name: "Save" }).click();
  await expect(card.getByLabel("Request approved")).not.toBeChecked();
  await page.reload();
  await expect(page.locator("#notifications").getByLabel("Request approved")).not.toBeChecked();
  await expect(page.locator("#notifications").getByLabel("Connection active (with the router configuration)")).toBeChecked();
  await expectAccessible(page, "the account page with its notification choices");
});
