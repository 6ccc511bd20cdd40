// Measures the first load of a page the way a visitor's browser does it: a fresh
// Chromium profile opens the URL, waits until the page is interactive and the network is
// idle, and adds up what went over the wire (compressed bodies plus headers) for every
// request. Fails when the total is over the budget.
//
//   node budget.mjs http://127.0.0.1:3000/login [budget-kB]
import { chromium } from "@playwright/test";

const url = process.argv[2];
const budgetKb = Number(process.argv[3] ?? 350);
if (!url) {
  console.error("usage: node budget.mjs <url> [budget-kB]");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
});
const page = await browser.newPage();
const finished = [];
page.on("requestfinished", (request) => finished.push(request));
page.on("requestfailed", (request) => console.error(`failed: ${request.url()} ${request.failure()?.errorText}`));
await page.goto(url, { waitUntil: "load" });
await page.locator("body[data-hydrated=true]").waitFor({ timeout: 30_000 });
await page.waitForLoadState("networkidle");

const rows = [];
for (const request of finished) {
  const response = await request.response();
  const sizes = await request.sizes();
  const headers = response ? await response.allHeaders() : {};
  rows.push({
    path: new URL(request.url()).pathname,
    type: request.resourceType(),
    encoding: headers["content-encoding"] ?? "identity",
    bytes: sizes.responseBodySize + sizes.responseHeadersSize,
  });
}
await browser.close();

const total = rows.reduce((sum, row) => sum + row.bytes, 0);
for (const row of rows) {
  console.log(`${(row.bytes / 1000).toFixed(1).padStart(8)} kB  ${row.encoding.padEnd(8)} ${row.type.padEnd(10)} ${row.path}`);
}
console.log(`${(total / 1000).toFixed(1).padStart(8)} kB  total for the first load of ${new URL(url).pathname} (budget ${budgetKb} kB)`);
const uncompressed = rows.filter((r) => r.encoding === "identity" && r.bytes > 2000 && r.type !== "image");
if (uncompressed.length > 0) {
  console.error(`not compressed: ${uncompressed.map((r) => r.path).join(", ")}`);
}
process.exit(total <= budgetKb * 1000 ? 0 : 1);
