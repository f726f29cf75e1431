// The API-key flow against kling-mock: a Kling 3.0 task through the new-standard API (create,
// poll GET /tasks, download, billing), the AK/SK token refused there, lookup by external id,
// a failed task, cursor paging over POST /tasks, and the script run end to end.

import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";

import { Kling, KlingApiKey, KlingError, TaskFailed, billedUnits } from "../kling.mjs";
import { ACCESS_KEY, API_KEY, REPO, SECRET_KEY, recordingSleep, runNode, startEmulator } from "../test-support/emulator.mjs";

const settings = { duration: 5, resolution: "720p" };

async function withTempDir(body) {
  const dir = await mkdtemp(join(tmpdir(), "kling-node-"));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test("a Kling 3.0 task succeeds, downloads and is billed", async () => {
  const emulator = await startEmulator("--units", "video=100");
  const kling = new KlingApiKey(emulator.baseUrl, API_KEY);
  const created = await kling.createTextToVideo("a calm sunrise over the ocean", { settings, options: { external_task_id: "order-1" } });
  assert.deepEqual([created.status, created.external_id], ["submitted", "order-1"]);

  let polls = 0;
  const task = await kling.waitTask(created.id, { beforePoll: () => (polls++, emulator.advance(30)) });
  assert.deepEqual([task.id, task.status], [created.id, "succeeded"]);
  assert.ok(polls > 0, "the task needed simulated time to finish");

  const video = task.outputs.find((output) => output.type === "video");
  assert.match(video.duration, /^5/);
  await withTempDir(async (dir) => {
    const file = join(dir, "sunrise.mp4");
    const size = await kling.download(video.url, file);
    const bytes = await readFile(file);
    assert.ok(bytes.length === size && size > 1000);
    assert.equal(bytes.subarray(4, 8).toString(), "ftyp", "a real MP4 file");
  });

  assert.deepEqual(task.billing, [{ charge_type: "unit", amount: "3", package_type: "video" }]);
  assert.deepEqual(billedUnits(task), { video: 3 });
  // The key reaches the same account as the legacy API: its pack paid for the task.
  const [pack] = (await kling.accountCosts()).resource_pack_subscribe_infos;
  assert.deepEqual([pack.total_quantity, pack.remaining_quantity], [100, 97]);
});

test("an AK/SK token is refused on the new paths", async () => {
  const emulator = await startEmulator();
  const { delays, sleep } = recordingSleep();
  const legacy = new Kling(emulator.baseUrl, ACCESS_KEY, SECRET_KEY, { sleep });
  for (const [method, path, body] of [
    ["POST", "/text-to-video/kling-3.0", { prompt: "signed, not keyed" }],
    ["GET", "/tasks?task_ids=1"],
    ["POST", "/tasks", { limit: 10 }],
  ]) {
    await assert.rejects(legacy.request(method, path, body), (error) => {
      assert.ok(error instanceof KlingError);
      assert.deepEqual([error.httpStatus, error.code], [401, 1002], path);
      assert.match(error.message, /does not support AK\/SK/);
      return true;
    });
  }
  assert.deepEqual(delays, [], "an authentication error is not retried");

  await assert.rejects(new KlingApiKey(emulator.baseUrl, "not-a-key").createTextToVideo("who am I"), { httpStatus: 401, code: 1002 });
  // The same token still works on /v1, and so does the key.
  assert.equal((await legacy.createText2Video("signed")).task_status, "submitted");
  assert.equal((await new KlingApiKey(emulator.baseUrl, API_KEY).createText2Video("keyed")).task_status, "submitted");
});

test("tasks are found by their external_task_id", async () => {
  const emulator = await startEmulator();
  const kling = new KlingApiKey(emulator.baseUrl, API_KEY);
  const first = await kling.createTextToVideo("a lighthouse at dusk", { settings, options: { external_task_id: "order-7" } });
  const second = await kling.createTextToVideo("a harbour at dawn", { options: { external_task_id: "order-8" } });
  assert.equal((await kling.getTask({ externalTaskId: "order-7" })).id, first.id);

  const found = await kling.getTasks({ externalTaskIds: ["order-8", "order-7", "no-such-order"] });
  assert.deepEqual(found.map((task) => task.id).sort(), [first.id, second.id].sort(), "unknown ids are absent");
  assert.deepEqual(found.map((task) => task.external_id).sort(), ["order-7", "order-8"]);
  assert.equal((await kling.getTasks({ taskIds: [first.id] }))[0].external_id, "order-7");
  await assert.rejects(kling.getTask({ externalTaskId: "no-such-order" }), /no task no-such-order/);
});

test("a failed task throws and costs nothing", async () => {
  const emulator = await startEmulator();
  await emulator.scenario('[[rule]]\nendpoint = "text-to-video/kling-3.0"\nprompt = "doomed"\nfail = "the render crashed"\n');
  const kling = new KlingApiKey(emulator.baseUrl, API_KEY);
  const created = await kling.createTextToVideo("a doomed ship", { settings });
  await assert.rejects(kling.waitTask(created.id, { beforePoll: () => emulator.advance(30) }), (error) => {
    assert.ok(error instanceof TaskFailed);
    assert.equal(error.task.message, "the render crashed");
    assert.ok(error.message.includes(created.id));
    assert.deepEqual(billedUnits(error.task), { video: 0 });
    return true;
  });
});

test("cursor paging sees every task once", async () => {
  const emulator = await startEmulator();
  const kling = new KlingApiKey(emulator.baseUrl, API_KEY);
  const created = [];
  for (let i = 0; i < 7; i++) created.push((await kling.createTextToVideo(`clip ${i}`, { settings })).id);

  const pages = [];
  for (let cursor; ; ) {
    const page = await kling.listTasks({ limit: 3, cursor });
    pages.push(page);
    assert.ok(page.count === page.result.length && page.count <= 3);
    if (!page.has_more) {
      assert.ok(!("next_cursor" in page), "the last page has no cursor");
      break;
    }
    cursor = page.next_cursor;
  }
  assert.deepEqual(pages.map((page) => page.count), [3, 3, 1]);
  const listed = pages.flatMap((page) => page.result.map((task) => task.id));
  assert.deepEqual([...listed].sort(), [...created].sort());
  assert.equal(new Set(listed).size, 7, "each task exactly once");

  const all = async (options) => {
    const tasks = [];
    for await (const task of kling.iterTasks(options)) tasks.push(task.id);
    return tasks;
  };
  assert.deepEqual(await all({ limit: 2 }), listed, "the same order through iterTasks");
  assert.deepEqual(await all({ limit: 2, filters: { status: ["succeeded"] } }), [], "nothing has finished yet");
  await emulator.advance(600);
  assert.deepEqual((await all({ limit: 2, filters: { status: ["succeeded"] } })).sort(), [...created].sort());
  assert.deepEqual(await kling.listTasks({ limit: 5, filters: { status: ["failed"] } }), { count: 0, has_more: false }, "an empty page has no result list");
});

test("the script runs the API-key flow", async () => {
  // Instant latency: the script polls with real sleeps, the task is done at its first look.
  const emulator = await startEmulator("--latency", "instant");
  await withTempDir(async (dir) => {
    const dest = join(dir, "out.mp4");
    const run = await runNode([join(REPO, "examples/node/kling.mjs"), "a calm sunrise", dest], {
      KLING_BASE_URL: emulator.baseUrl,
      KLING_API_KEY: API_KEY,
    });
    assert.equal(run.code, 0, run.stderr);
    const lines = run.stdout.trim().split("\n");
    assert.match(lines[0], /^task \d+ submitted$/);
    assert.ok(lines[1].startsWith(`${dest}: ${(await stat(dest)).size} bytes, 5`), lines[1]);
    assert.equal(lines[2], "billed 3 units from the video pack");
  });
});
