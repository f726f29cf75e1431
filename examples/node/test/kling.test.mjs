// The example integration against kling-mock: success and download, an exhausted balance,
// moderation, retries through a busy service, and the same client over HTTPS. Each test starts the binary on a free
// port with a fixed seed and a manual clock (../test-support/emulator.mjs), so nothing waits in real time.

import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";

import { Kling, KlingError, makeToken } from "../kling.mjs";
import { ACCESS_KEY, REPO, SECRET_KEY, recordingSleep, runNode, startEmulator } from "../test-support/emulator.mjs";

test("the token is an HS256 JWT the emulator accepts", async () => {
  const token = makeToken(ACCESS_KEY, SECRET_KEY, 1800, 1_700_000_000);
  const [header, claims] = token.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url")));
  assert.deepEqual(header, { alg: "HS256", typ: "JWT" });
  assert.deepEqual(claims, { iss: ACCESS_KEY, exp: 1_700_001_800, nbf: 1_699_999_995 });
  const emulator = await startEmulator();
  const response = await fetch(`${emulator.baseUrl}/v1/videos/text2video`, {
    headers: { Authorization: `Bearer ${makeToken(ACCESS_KEY, "wrong-secret")}` },
  });
  assert.equal((await response.json()).code, 1002, "a bad signature is refused");
});

test("a task succeeds and its video downloads", async () => {
  const emulator = await startEmulator();
  const kling = new Kling(emulator.baseUrl, ACCESS_KEY, SECRET_KEY);
  const created = await kling.createText2Video("a calm sunrise over the ocean", { duration: "5", external_task_id: "order-1" });
  assert.equal(created.task_status, "submitted");
  let polls = 0;
  const task = await kling.wait("order-1", { beforePoll: () => (polls++, emulator.advance(30)) });
  assert.equal(task.task_id, created.task_id);
  assert.ok(polls > 0);
  const dir = await mkdtemp(join(tmpdir(), "kling-node-"));
  try {
    const file = join(dir, "sunrise.mp4");
    const size = await kling.download(task.task_result.videos[0].url, file);
    const bytes = await readFile(file);
    assert.equal(bytes.length, size);
    assert.equal(bytes.subarray(4, 8).toString(), "ftyp", "a real MP4 file");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("the fourth task finds the balance exhausted", async () => {
  const emulator = await startEmulator("--scenario", "scenarios/balance-runs-out.toml");
  const { delays, sleep } = recordingSleep();
  const kling = new Kling(emulator.baseUrl, ACCESS_KEY, SECRET_KEY, { sleep });
  for (let i = 0; i < 3; i++) await kling.createText2Video(`clip ${i}`, { duration: "5", mode: "std" });
  await assert.rejects(kling.createText2Video("one too many", { duration: "5", mode: "std" }), (error) => {
    assert.ok(error instanceof KlingError);
    assert.deepEqual([error.httpStatus, error.code, error.retryable], [429, 1102, false]);
    return true;
  });
  assert.deepEqual(delays, [], "an empty pack is not retried");
  const packs = (await kling.accountCosts()).resource_pack_subscribe_infos;
  const video = packs.find((p) => p.resource_pack_name.startsWith("Video"));
  assert.deepEqual([video.total_quantity, video.remaining_quantity, video.status], [4.5, 0, "runOut"]);
});

test("moderation rejects an unsafe prompt without retrying", async () => {
  const emulator = await startEmulator("--scenario", "scenarios/moderation.toml");
  const { delays, sleep } = recordingSleep();
  const kling = new Kling(emulator.baseUrl, ACCESS_KEY, SECRET_KEY, { sleep });
  await assert.rejects(kling.createText2Video("a bloody battlefield"), { httpStatus: 400, code: 1301 });
  assert.deepEqual(delays, []);
  assert.equal((await kling.createText2Video("a peaceful meadow")).task_status, "submitted");
});

test("retries ride out a maintenance storm", async () => {
  const emulator = await startEmulator("--scenario", "scenarios/storm-5001.toml");
  const { delays, sleep } = recordingSleep();
  const kling = new Kling(emulator.baseUrl, ACCESS_KEY, SECRET_KEY, { sleep, maxRetries: 12, backoffMs: 500, maxBackoffMs: 8000 });
  assert.equal((await kling.createText2Video("after the storm")).task_status, "submitted");
  assert.equal(delays.length, 10, "the first 10 requests answered 5001");
  assert.ok(Math.max(...delays) <= 8000 && delays[3] > delays[0]);
});

test("gives up when the service stays busy", async () => {
  const emulator = await startEmulator();
  await emulator.scenario('[[rule]]\non = "any"\nfirst = 5\nreject = "concurrency_limit"\n');
  const { delays, sleep } = recordingSleep();
  const kling = new Kling(emulator.baseUrl, ACCESS_KEY, SECRET_KEY, { sleep, maxRetries: 2 });
  await assert.rejects(kling.createText2Video("queued work"), { httpStatus: 429, code: 1303 });
  assert.equal(delays.length, 2);
  kling.maxRetries = 3;
  assert.equal((await kling.createText2Video("queued work")).task_status, "submitted");
});

test("the same client over HTTPS trusts the certificate the emulator prints", async () => {
  const { baseUrl, certificate } = await startEmulator("--tls");
  assert.match(baseUrl, /^https:\/\//);
  // Node reads NODE_EXTRA_CA_CERTS once, at start: the client runs in a process of its own.
  const client = `
    import { Kling } from ${JSON.stringify(pathToFileURL(join(REPO, "examples/node/kling.mjs")).href)};
    const { KLING_BASE_URL: base, ACCESS_KEY: ak, SECRET_KEY: sk } = process.env;
    const kling = new Kling(base, ak, sk);
    await kling.createText2Video("a lighthouse at dusk", { external_task_id: "secure-1" });
    const advance = () => fetch(base + "/__admin/clock/advance", {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ seconds: 60 }),
    });
    const task = await kling.wait("secure-1", { beforePoll: advance });
    const url = task.task_result.videos[0].url;
    const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
    console.log(JSON.stringify({ url, size: bytes.length, box: bytes.subarray(4, 8).toString() }));
  `;
  const env = { KLING_BASE_URL: baseUrl, ACCESS_KEY, SECRET_KEY };
  const untrusted = await runNode(client, env);
  assert.notEqual(untrusted.code, 0, "a self-signed certificate nobody trusts must be refused");
  assert.match(untrusted.stderr, /self[- ]signed|certificate/i);

  const trusted = await runNode(client, { ...env, NODE_EXTRA_CA_CERTS: certificate });
  assert.equal(trusted.code, 0, trusted.stderr);
  const result = JSON.parse(trusted.stdout);
  assert.ok(result.url.startsWith(`${baseUrl}/media/`), "results come back over the same HTTPS address");
  assert.ok(result.size > 1000);
  assert.equal(result.box, "ftyp", "a real MP4 file");
});
