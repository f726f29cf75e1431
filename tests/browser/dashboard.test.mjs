// The dashboard in a real browser: Debian's chromium, driven by playwright-core, against
// the real kling-mock binary on a free port with a manual clock.
//
//   KLING_MOCK_BIN=target/debug/kling-mock node --test tests/browser/
//
// Without chromium or playwright-core the test is skipped, unless KLING_MOCK_REQUIRE_TOOLS=1
// (CI), where it fails.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createInterface } from "node:readline";
import { tmpdir } from "node:os";
import path from "node:path";

const CHROMIUM = process.env.KLING_MOCK_CHROMIUM || "/usr/bin/chromium";
const BIN = process.env.KLING_MOCK_BIN || path.join(process.env.CARGO_TARGET_DIR || "target", "debug", "kling-mock");
const ARTIFACTS = process.env.KLING_MOCK_ARTIFACTS || path.join(process.env.CARGO_TARGET_DIR || "target", "browser-artifacts");
const REQUIRED = process.env.KLING_MOCK_REQUIRE_TOOLS === "1";
const ADMIN_TOKEN = "dashboard-admin-token";
const SECRET_KEY = "kling-mock-dev-secret-key";
const API_KEY = "kling-mock-dev-api-key";
const T2V = "/v1/videos/text2video";

async function playwright() {
  try {
    return await import("playwright-core");
  } catch {
    return null;
  }
}

/** Starts the emulator; resolves once its banner names the address. */
function startEmulator() {
  const child = spawn(BIN, ["--port", "0", "--seed", "7", "--manual-clock", "--admin-token", ADMIN_TOKEN], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no banner from kling-mock within 10 s")), 10_000);
    child.on("error", reject);
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (first) => {
      clearTimeout(timer);
      const base = first.split(" ").pop();
      if (!base.startsWith("http://127.0.0.1:")) reject(new Error(`unexpected banner: ${first}`));
      lines.on("line", () => {}); // keep draining stdout
      resolve({ child, base });
    });
  });
}

async function admin(base, method, route, body) {
  const response = await fetch(`${base}/__admin${route}`, {
    method,
    headers: { "x-admin-token": ADMIN_TOKEN, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(response.status, 200, `${method} ${route}: ${await response.clone().text()}`);
  return response.json();
}

test("a task created over HTTP appears on the dashboard and moves to succeed live; a new-standard task shows its outputs and billing", async (t) => {
  const pw = await playwright();
  const missing = [
    !existsSync(CHROMIUM) && `chromium (${CHROMIUM})`,
    !pw && "playwright-core (npm ci in tests/browser)",
    !existsSync(BIN) && `the kling-mock binary (${BIN})`,
  ].filter(Boolean);
  if (missing.length) {
    assert.ok(!REQUIRED, `KLING_MOCK_REQUIRE_TOOLS=1 but missing: ${missing.join(", ")}`);
    t.skip(`missing: ${missing.join(", ")}`);
    return;
  }

  const { child, base } = await startEmulator();
  const profile = mkdtempSync(path.join(tmpdir(), "kling-mock-chromium-"));
  t.after(() => {
    child.kill();
    rmSync(profile, { recursive: true, force: true });
  });

  const jwt = execFileSync(BIN, ["token"], { encoding: "utf8" }).trim();
  const created = await fetch(`${base}${T2V}`, {
    method: "POST",
    headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" },
    body: JSON.stringify({ prompt: "a red fox in the snow", external_task_id: "browser-1" }),
  }).then((r) => r.json());
  assert.equal(created.code, 0, JSON.stringify(created));
  const taskId = created.data.task_id;

  const context = await pw.chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1360, height: 900 },
  });
  t.after(() => context.close());
  const page = context.pages()[0] || (await context.newPage());
  const elsewhere = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith("data:")) elsewhere.push(request.url());
  });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));

  await page.goto(`${base}/__admin/dashboard?token=${encodeURIComponent(ADMIN_TOKEN)}`);
  const row = page.locator(`#tasks tr[data-task-id="${taskId}"]`);
  await row.and(page.locator('[data-status="submitted"]')).waitFor({ timeout: 5_000 });
  assert.equal(await row.locator(".status").textContent(), "submitted");
  await page.locator('#connection[data-state="live"]').waitFor({ timeout: 5_000 });
  await page.evaluate(() => { window.__sameDocument = true; });

  // Live update: the clock moves through the admin API, the row follows without a reload.
  await admin(base, "POST", "/clock/advance", { seconds: 3600 });
  await row.and(page.locator('[data-status="succeed"]')).waitFor({ timeout: 5_000 });
  assert.equal(await row.locator(".status").textContent(), "succeed");
  assert.equal(await page.evaluate(() => window.__sameDocument), true, "the page was reloaded");
  assert.match(await row.locator(".steps").textContent(), /submitted .* → processing \+.* → succeed \+/);

  // The journal shows the create, and its bodies on click.
  const entry = page.locator("#journal tr.entry", { hasText: T2V }).filter({ hasText: "POST" });
  await entry.first().waitFor({ timeout: 5_000 });
  await entry.first().click();
  assert.match(await page.locator("#journal .request-body").first().textContent(), /a red fox in the snow/);
  assert.match(await page.locator("#journal .response-body").first().textContent(), new RegExp(taskId));

  // Accounts and the filters.
  assert.match(await page.locator("#accounts").textContent(), /kling-mock-dev-access-key/);
  await page.selectOption("#filter-status", "failed");
  await page.locator("#tasks-empty:not([hidden])").waitFor({ timeout: 5_000 });
  assert.match(page.url(), /status=failed/);
  await page.selectOption("#filter-status", "succeed");
  await row.waitFor({ timeout: 5_000 });

  const html = await page.content();
  assert.ok(!html.includes(SECRET_KEY), "the page shows a secret key");
  assert.ok(!html.includes(jwt), "the page shows a bearer token");
  assert.deepEqual(elsewhere, [], "the page fetched something from elsewhere");
  assert.deepEqual(errors, [], "script errors");

  // More tasks for the picture: one running, one failed, one waiting; and a rejected create.
  await page.selectOption("#filter-status", "");
  const create = (body) => fetch(`${base}${T2V}`, {
    method: "POST",
    headers: { authorization: `Bearer ${jwt}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  }).then((r) => r.json());
  const running = (await create({ prompt: "a lighthouse at dusk", mode: "pro" })).data.task_id;
  const failed = (await create({ prompt: "a storm" })).data.task_id;
  await admin(base, "POST", "/clock/advance", { seconds: 20 });
  await admin(base, "POST", `/tasks/${failed}/state`, { status: "failed", message: "operator stop" });
  await create({ prompt: "a quiet harbour" });
  assert.notEqual((await create({ prompt: "" })).code, 0);
  await page.locator(`#tasks tr[data-task-id="${failed}"][data-status="failed"]`).waitFor({ timeout: 5_000 });
  await page.locator(`#tasks tr[data-task-id="${running}"][data-status="processing"]`).waitFor({ timeout: 5_000 });
  await page.locator("#tasks tr[data-status]").nth(3).waitFor({ timeout: 5_000 });
  assert.deepEqual(elsewhere, [], "the page fetched something from elsewhere");

  // A new-standard task shows as its owner sees it in /tasks: status word, outputs, billing.
  const keyed = await fetch(`${base}/text-to-video/kling-3.0`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ prompt: "a paper boat on a river", settings: { duration: 5 } }),
  }).then((r) => r.json());
  assert.equal(keyed.code, 0, JSON.stringify(keyed));
  await admin(base, "POST", "/clock/advance", { seconds: 3600 });
  const standardRow = page.locator(`#tasks tr[data-task-id="${keyed.data.id}"][data-surface="standard"]`);
  await standardRow.and(page.locator('[data-status="succeed"]')).waitFor({ timeout: 5_000 });
  assert.equal(await standardRow.locator(".status").textContent(), "succeeded");
  assert.match(await standardRow.locator(".output a").first().textContent(), /^video 5/);
  assert.equal(await standardRow.locator(".billing").first().textContent(), "3 video");
  const video = await fetch(await standardRow.locator(".output a").first().getAttribute("href"));
  assert.equal(video.status, 200, "the output link downloads");
  assert.ok(!(await page.content()).includes(API_KEY), "the page shows an API key");

  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, "dashboard.png"), fullPage: true });
});
