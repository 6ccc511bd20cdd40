import { defineConfig } from "@playwright/test";
import * as os from "node:os";
import * as path from "node:path";

// The portal under test: the debug build, a fresh SQLite database, a fixed runtime config.
const repo = path.resolve(__dirname, "..");
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(repo, "target");
const binary = process.env.ZTIX_BIN ?? path.join(targetDir, "debug", "zt-ix");
const port = Number(process.env.ZTIX_E2E_PORT ?? 3300);
const baseURL = `http://127.0.0.1:${port}`;
const oidcPort = Number(process.env.ZTIX_E2E_OIDC_PORT ?? 3390);
const oidcBase = `http://127.0.0.1:${oidcPort}`;
const ztPort = Number(process.env.ZTIX_E2E_ZT_PORT ?? 3391);
const ztToken = "zt-e2e-token";
// Deterministic: this file is evaluated again in every worker.
const dataDir = path.join(os.tmpdir(), `zt-ix-e2e-${port}`);

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"], ["html", { open: "never" }]],
  outputDir: "test-results",
  use: {
    baseURL,
    // The interface language follows the browser's; tests that need another set their own.
    locale: "en-US",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: [
    {
      command: "node oidc/peeringdb-provider.mjs",
      url: `${oidcBase}/oauth2/.well-known/jwks.json`,
      timeout: 30_000,
      reuseExistingServer: false,
      env: { OIDC_PORT: String(oidcPort), APP_ORIGIN: baseURL },
    },
    {
      command: "node zerotier/controller-sim.mjs",
      url: `http://127.0.0.1:${ztPort}/`,
      timeout: 30_000,
      reuseExistingServer: false,
      env: { ZT_SIM_PORT: String(ztPort), ZT_SIM_TOKEN: ztToken },
    },
    {
      command: "./serve.sh",
      url: `${baseURL}/readyz`,
      timeout: 60_000,
      reuseExistingServer: false,
      stdout: process.env.ZTIX_E2E_LOGS ? "pipe" : "ignore",
      stderr: "pipe",
      env: {
        ZTIX_BIN: binary,
        ZTIX_E2E_DATA: dataDir,
        APP_ENV: "development",
        APP_SECRET_KEY: "e2e-only-secret-key-0123456789abcdef0123456789",
        DATABASE_URL: `sqlite://${path.join(dataDir, "e2e.db")}?mode=rwc`,
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(repo, "target", "site"),
        PUBLIC_BASE_URL: baseURL,
        ZTIX_RUNTIME_CONFIG_PATH: path.join(__dirname, "fixtures", "runtime-config.toml"),
        ZT_CONTROLLER_BASE_URL: `http://127.0.0.1:${ztPort}`,
        ZT_CONTROLLER_AUTH_TOKEN: ztToken,
        PEERINGDB_CLIENT_ID: "zt-ix-e2e",
        PEERINGDB_CLIENT_SECRET: "zt-ix-e2e-secret",
        PEERINGDB_REDIRECT_URI: `${baseURL}/auth/callback`,
        PEERINGDB_AUTH_URL: `${oidcBase}/oauth2/authorize/`,
        PEERINGDB_TOKEN_URL: `${oidcBase}/oauth2/token/`,
        PEERINGDB_PROFILE_URL: `${oidcBase}/profile/v1`,
        PEERINGDB_JWKS_URL: `${oidcBase}/oauth2/.well-known/jwks.json`,
        PEERINGDB_ISSUER: `${oidcBase}/oauth2`,
        PEERINGDB_API_URL: `${oidcBase}/api`,
        RUST_LOG: process.env.ZTIX_E2E_LOGS ? "info" : "warn",
        LOG_FORMAT: "json",
      },
    },
  ],
});
