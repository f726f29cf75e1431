// Starts the kling-mock binary for the tests (outside test/, which `node --test test/` would run
// as a test file): a free port, a fixed seed and a manual clock, so every run sees the same task
// ids and nothing waits in real time. Processes started here are killed when the test file ends.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { after } from "node:test";
import { fileURLToPath } from "node:url";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const ACCESS_KEY = "kling-mock-dev-access-key";
export const SECRET_KEY = "kling-mock-dev-secret-key";
export const API_KEY = "kling-mock-dev-api-key"; // the development account's API key
const running = [];

after(() => running.forEach((child) => child.kill()));

export function binary() {
  const target = process.env.CARGO_TARGET_DIR ?? join(REPO, "target");
  const candidates = [process.env.KLING_MOCK_BIN, join(target, "debug", "kling-mock")];
  const found = candidates.find((c) => c && existsSync(c));
  if (!found) throw new Error("kling-mock binary not found: run `cargo build -p kling-mock` or set KLING_MOCK_BIN");
  return found;
}

/**
 * Starts kling-mock with `args`; resolves to its base URL and admin helpers. The simulated clock
 * starts at a fixed time unless `args` name a `--clock-start` (signed callbacks want the real
 * time: verifiers compare `webhook-timestamp` with the wall clock).
 */
export async function startEmulator(...args) {
  const start = args.includes("--clock-start") ? [] : ["--clock-start", "1767225600000"];
  const child = spawn(binary(), ["--port", "0", "--seed", "7", "--manual-clock", ...start, ...args], {
    cwd: REPO,
    stdio: ["ignore", "pipe", "ignore"],
  });
  running.push(child);
  // One listener from the start: readline emits a chunk's lines at once, and a listener
  // added later would miss them. With --tls the banner goes on to name the certificate.
  const lines = createInterface({ input: child.stdout });
  const exited = new Promise((_, fail) => child.once("exit", (code) => fail(new Error(`kling-mock exited with ${code}`))));
  let gotFirst, gotCertificate;
  const firstLine = new Promise((ok) => (gotFirst = ok));
  const certificateLine = new Promise((ok) => (gotCertificate = ok));
  lines.on("line", (line) => {
    gotFirst(line);
    const [, path] = line.split("TLS certificate to trust: ");
    if (path) gotCertificate(path.trim());
  });
  const first = await Promise.race([firstLine, exited]);
  assert.match(first, /listening on https?:\/\//);
  const baseUrl = first.split(" ").at(-1);
  if (baseUrl.startsWith("https://")) {
    return { baseUrl, certificate: await Promise.race([certificateLine, exited]) };
  }
  const admin = async (method, path, body, contentType = "application/json") => {
    const response = await fetch(`${baseUrl}/__admin${path}`, { method, body, headers: { "content-type": contentType } });
    assert.equal(response.status, 200, await response.clone().text());
    return response.json();
  };
  return {
    baseUrl,
    admin,
    advance: (seconds) => admin("POST", "/clock/advance", JSON.stringify({ seconds })),
    scenario: (toml) => admin("PUT", "/scenarios", toml, "application/toml"),
  };
}

export function recordingSleep() {
  const delays = [];
  const sleep = async (ms) => void delays.push(ms);
  return { delays, sleep };
}

/**
 * Runs an ES module `script` (or node with the arguments in an array) in a new node process with
 * `env` added; resolves to its exit code and output.
 */
export function runNode(script, env) {
  const args = Array.isArray(script) ? script : ["--input-type=module", "-e", script];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "" };
  child.stdout.on("data", (chunk) => (output.stdout += chunk));
  child.stderr.on("data", (chunk) => (output.stderr += chunk));
  return new Promise((ok) => child.on("close", (code) => ok({ code, ...output })));
}
