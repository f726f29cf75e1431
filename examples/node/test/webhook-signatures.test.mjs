// Signed callbacks against a third-party verifier: the Standard Webhooks reference library
// (`standardwebhooks` on npm) must accept every callback the emulator signs and reject the ones a
// scenario breaks. The verifier checks `webhook-timestamp` against the real clock (5 minutes
// either way), so the emulator's simulated clock starts at the real time here and tasks use the
// instant latency profile: they finish after a second of simulated time.

import assert from "node:assert/strict";
import { createServer } from "node:http";
import { test } from "node:test";

import { Webhook, WebhookVerificationError } from "standardwebhooks";

import { Kling } from "../kling.mjs";
import { ACCESS_KEY, SECRET_KEY, recordingSleep, startEmulator } from "../test-support/emulator.mjs";

// Fixed secrets (32 bytes each), so runs repeat.
const SECRET = `whsec_${Buffer.from("kling-mock interop secret one!!!").toString("base64")}`;
const OTHER_SECRET = `whsec_${Buffer.from("kling-mock interop secret two!!!").toString("base64")}`;
const TERMINAL = new Set(["succeed", "failed"]);

/** An HTTP server that records every POST: its raw body (a Buffer) and headers. */
async function startReceiver(t) {
  const received = [];
  let notify = () => {};
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (chunk) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ body: Buffer.concat(chunks), headers: { ...request.headers } });
      response.end();
      notify();
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  t.after(() => new Promise((ok) => server.close(ok)));
  /** Waits (real time, a few seconds at most) until `done(received)`; resolves to a copy. */
  const waitFor = (done, deadlineMs = 5000) =>
    new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`callbacks did not arrive: ${JSON.stringify(received)}`)), deadlineMs);
      const check = () => done(received) && (clearTimeout(timer), ok([...received]));
      notify = check;
      check();
    });
  return { url: `http://127.0.0.1:${server.address().port}/kling-callback`, waitFor };
}

/** An emulator whose simulated clock starts now, signing with `secrets`. */
function startSigning(...secrets) {
  return startEmulator("--latency", "instant", "--clock-start", String(Date.now()), ...secrets.flatMap((s) => ["--webhook-secret", s]));
}

const statusOf = ({ body }) => JSON.parse(body).task_status;

/** Creates a text2video task calling back to `receiver`, moves the simulated clock until it ends,
 * and resolves to its callbacks once the one reporting the end has arrived. */
async function runTask(emulator, receiver) {
  const kling = new Kling(emulator.baseUrl, ACCESS_KEY, SECRET_KEY, { sleep: recordingSleep().sleep });
  const created = await kling.createText2Video("a paper boat on a pond", { duration: "5", callback_url: receiver.url });
  const task = await kling.wait(created.task_id, { beforePoll: () => emulator.advance(1) });
  assert.equal(task.task_status, "succeed");
  const callbacks = await receiver.waitFor((got) => got.some((c) => TERMINAL.has(statusOf(c))));
  for (const { body } of callbacks) assert.equal(JSON.parse(body).task_id, created.task_id);
  return callbacks;
}

const rejects = (secret, { body, headers }, message) =>
  assert.throws(() => new Webhook(secret).verify(body, headers), (error) => {
    assert.ok(error instanceof WebhookVerificationError, String(error));
    assert.match(error.message, message);
    return true;
  });

test("every callback of a task verifies with the secret", async (t) => {
  const [emulator, receiver] = await Promise.all([startSigning(SECRET), startReceiver(t)]);
  const callbacks = await runTask(emulator, receiver);
  assert.equal(statusOf(callbacks.at(-1)), "succeed");
  assert.ok(callbacks.length >= 2, "a callback per status change");
  for (const { body, headers } of callbacks) {
    const payload = new Webhook(SECRET).verify(body, headers);
    assert.ok(["submitted", "processing", "succeed"].includes(payload.task_status));
    assert.ok(Math.abs(Number(headers["webhook-timestamp"]) - Date.now() / 1000) < 60, "stamped with the simulated (~real) time");
  }
  assert.equal(new Set(callbacks.map((c) => c.headers["webhook-id"])).size, callbacks.length, "each status change is an event");
  rejects(OTHER_SECRET, callbacks.at(-1), /No matching signature/);
});

test("the console's test callback verifies", async (t) => {
  const [emulator, receiver] = await Promise.all([startSigning(SECRET), startReceiver(t)]);
  const answer = await emulator.admin("POST", "/callbacks/test", JSON.stringify({ url: receiver.url }));
  assert.equal(answer.signed, true);
  assert.equal(answer.receiver_status, 200);
  const [callback] = await receiver.waitFor((got) => got.length >= 1);
  assert.equal(callback.headers["webhook-id"], answer.webhook_id);
  assert.equal(new Webhook(SECRET).verify(callback.body, callback.headers).status, "submitted");
  rejects(OTHER_SECRET, callback, /No matching signature/);
});

test("each secret of a rotation alone accepts", async (t) => {
  const [emulator, receiver] = await Promise.all([startSigning(SECRET, OTHER_SECRET), startReceiver(t)]);
  for (const { body, headers } of await runTask(emulator, receiver)) {
    assert.equal(headers["webhook-signature"].split(" ").length, 2, "both secrets sign");
    for (const secret of [SECRET, OTHER_SECRET]) new Webhook(secret).verify(body, headers);
  }
});

for (const [fault, message] of [
  ["forged", /No matching signature/],
  ["missing", /Missing required headers/],
  ["stale", /too old/],
]) {
  test(`a ${fault} signature is rejected`, async (t) => {
    const [emulator, receiver] = await Promise.all([startSigning(SECRET), startReceiver(t)]);
    await emulator.scenario(`[[rule]]\non = "create"\ncallback = { signature = "${fault}" }\n`);
    for (const callback of await runTask(emulator, receiver)) {
      assert.equal("webhook-signature" in callback.headers, fault !== "missing");
      rejects(SECRET, callback, message);
    }
  });
}
