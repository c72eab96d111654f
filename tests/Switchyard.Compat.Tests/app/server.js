// An unmodified inngest@4.24.0 app, served with plain node http. The compatibility tests point it at a Switchyard
// server purely through the SDK's own environment variables (INNGEST_DEV, or INNGEST_BASE_URL +
// INNGEST_SIGNING_KEY + INNGEST_EVENT_KEY), exactly as a user would.
"use strict";

const http = require("node:http");
const { Inngest, NonRetriableError, RetryAfterError, referenceFunction } = require("inngest");
const { serve } = require("inngest/node");

const inngest = new Inngest({ id: "compat-js" });

// Every step kind, in sequence; "first" is used twice, so its second use is hashed as "first:1".
const steps = inngest.createFunction(
  { id: "steps", triggers: [{ event: "compat/steps" }] },
  async ({ event, step }) => {
    const a = await step.run("first", () => 1);
    const b = await step.run("second", async () => ({ name: event.data.name }));
    const c = await step.run("first", () => 3);
    return { a, b, c };
  },
);

const sleeper = inngest.createFunction(
  { id: "sleeper", triggers: [{ event: "compat/sleep" }] },
  async ({ event, step }) => {
    const before = await step.run("before", () => Date.now());
    await step.sleep("nap", "1s");
    await step.sleepUntil("until", event.data.until);
    const after = await step.run("after", () => Date.now());
    return { before, after };
  },
);

const waiter = inngest.createFunction(
  { id: "waiter", triggers: [{ event: "compat/wait" }] },
  async ({ event, step }) => {
    const approval = await step.waitForEvent("approval", {
      event: "compat/approved",
      timeout: event.data.timeout,
      if: "async.data.id == event.data.id",
    });
    return { approved: approval ? approval.data : null };
  },
);

const sender = inngest.createFunction(
  { id: "sender", triggers: [{ event: "compat/send" }] },
  async ({ event, step }) => {
    const sent = await step.sendEvent("emit", { name: "compat/sent", data: { tag: event.data.tag } });
    return sent;
  },
);

const receiver = inngest.createFunction(
  { id: "receiver", triggers: [{ event: "compat/sent" }] },
  async ({ event }) => ({ got: event.data.tag }),
);

const child = inngest.createFunction(
  { id: "child", triggers: [{ event: "compat/child" }] },
  async ({ event, step }) => {
    const doubled = await step.run("double", () => event.data.n * 2);
    return { doubled, by: "js" };
  },
);

const invoker = inngest.createFunction(
  { id: "invoker", triggers: [{ event: "compat/invoke" }] },
  async ({ event, step }) => {
    const result = await step.invoke("call-child", { function: child, data: { n: event.data.n } });
    return { child: result };
  },
);

// Invokes a function of the C# app by reference (registered as compat-cs-double).
const callsCsharp = inngest.createFunction(
  { id: "calls-csharp", triggers: [{ event: "compat/js-calls-cs" }] },
  async ({ event, step }) => {
    const result = await step.invoke("call-cs", {
      function: referenceFunction({ appId: "compat-cs", functionId: "double" }),
      data: { n: event.data.n },
    });
    return { fromCsharp: result };
  },
);

// The invoked run waits 30 s, longer than the invoke's own timeout.
const invokeTimeout = inngest.createFunction(
  { id: "invoke-timeout", triggers: [{ event: "compat/invoke-timeout" }] },
  async ({ event, step }) => {
    try {
      await step.invoke("slow-child", { function: waiter, data: { id: event.data.id, timeout: "30s" }, timeout: "1s" });
      return { error: null };
    } catch (err) {
      return { error: err.message };
    }
  },
);

// Signals are not supported by Switchyard yet: the run must fail with a clear error, not hang.
const signalWaiter = inngest.createFunction(
  { id: "signal-waiter", triggers: [{ event: "compat/signal" }] },
  async ({ event, step }) => {
    await step.waitForSignal("signal", { signal: `compat-${event.data.id}`, timeout: "10s" });
    return "signalled";
  },
);

const parallel = inngest.createFunction(
  { id: "parallel", triggers: [{ event: "compat/parallel" }] },
  async ({ step }) => {
    const parts = await Promise.all([
      step.run("a", () => "A"),
      step.run("b", () => "B"),
      step.run("c", () => "C"),
    ]);
    const after = await step.run("after", () => parts.join(""));
    return { parts, after };
  },
);

const nonRetriable = inngest.createFunction(
  { id: "non-retriable", retries: 3, triggers: [{ event: "compat/nonretriable" }] },
  async () => {
    throw new NonRetriableError("nope, not retrying");
  },
);

const retryAfter = inngest.createFunction(
  { id: "retry-after", retries: 2, triggers: [{ event: "compat/retryafter" }] },
  async ({ step, attempt }) => {
    return await step.run("slow", () => {
      if (attempt === 0) throw new RetryAfterError("slow down", "1s");
      return { value: "ok", attempt };
    });
  },
);

// Fails outside any step on its first two attempts.
const flaky = inngest.createFunction(
  { id: "flaky", retries: 3, triggers: [{ event: "compat/flaky" }] },
  async ({ attempt }) => {
    if (attempt < 2) throw new Error(`flaky attempt ${attempt}`);
    return { attempt };
  },
);

// A step that always throws: StepError, then StepFailed, then an uncaught StepError fails the run and the
// onFailure handler (registered as compat-js-step-fails-failure) runs.
const stepFails = inngest.createFunction(
  {
    id: "step-fails",
    retries: 1,
    triggers: [{ event: "compat/stepfail" }],
    onFailure: async ({ error, event, step }) => {
      const seen = await step.run("record", () => ({
        message: error.message,
        failedFunction: event.data.function_id,
        originalTag: event.data.event.data.tag,
      }));
      return { handled: seen };
    },
  },
  async ({ step }) => {
    await step.run("boom", () => {
      throw new Error("step exploded");
    });
    return "unreachable";
  },
);

const caught = inngest.createFunction(
  { id: "caught", retries: 0, triggers: [{ event: "compat/caught" }] },
  async ({ step }) => {
    try {
      await step.run("boom", () => {
        throw new Error("handled failure");
      });
      return { caught: null };
    } catch (err) {
      return { caught: err.message };
    }
  },
);

const cancellable = inngest.createFunction(
  {
    id: "cancellable",
    triggers: [{ event: "compat/cancellable" }],
    cancelOn: [{ event: "compat/cancel", if: "async.data.id == event.data.id" }],
  },
  async ({ step }) => {
    await step.sleep("long", "30s");
    return "slept";
  },
);

// Every second (6-field cron), so the tests need not wait a minute.
const ticker = inngest.createFunction(
  { id: "ticker", triggers: [{ cron: "* * * * * *" }] },
  async ({ event }) => ({ trigger: event.name }),
);

// Flow control declared the Inngest way; the server must honour the same field names and semantics.
const serialized = inngest.createFunction(
  { id: "serialized", concurrency: { limit: 1, key: "event.data.k" }, triggers: [{ event: "compat/serialized" }] },
  async ({ event, step }) => {
    const start = await step.run("start", () => Date.now());
    await step.run("work", () => new Promise((r) => setTimeout(r, 150)));
    const end = await step.run("end", () => Date.now());
    return { k: event.data.k, start, end };
  },
);

const rateLimited = inngest.createFunction(
  { id: "rate-limited", rateLimit: { limit: 1, period: "1m", key: "event.data.user" }, triggers: [{ event: "compat/rate" }] },
  async () => "ran",
);

const debounced = inngest.createFunction(
  { id: "debounced", debounce: { period: "1s", key: "event.data.doc" }, triggers: [{ event: "compat/debounce" }] },
  async ({ event }) => event.data.v,
);

const idempotent = inngest.createFunction(
  { id: "idempotent", idempotency: "event.data.orderId", triggers: [{ event: "compat/order" }] },
  async () => "charged",
);

const batched = inngest.createFunction(
  { id: "batched", batchEvents: { maxSize: 3, timeout: "5s" }, triggers: [{ event: "compat/batch" }] },
  async ({ events }) => events.map((e) => e.data.n),
);

const handler = serve({
  client: inngest,
  functions: [
    steps, sleeper, waiter, sender, receiver, child, invoker, invokeTimeout, callsCsharp, signalWaiter, parallel,
    nonRetriable, retryAfter, flaky, stepFails, caught, cancellable, ticker,
    serialized, rateLimited, debounced, idempotent, batched,
    ...require("./checkpointing")(inngest),
    ...require("./flowcontrol")(inngest),
  ],
});

const server = http.createServer((req, res) => {
  if (req.url.startsWith("/api/inngest")) return handler(req, res);
  res.writeHead(404).end();
});

server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
  // The test fixture reads this line to learn the port.
  console.log(`listening on ${server.address().port}`);
});
