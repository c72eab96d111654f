// Functions for the async-checkpointing tests. A v4 SDK checkpoints by default when the server's call carries
// ctx.fn_id and ctx.qi_id: it runs consecutive steps in one call, posting each to /v1/checkpoint/{runId}/async.
"use strict";

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = (inngest) => [
  // Three steps in one call.
  inngest.createFunction(
    { id: "ckpt-steps", triggers: [{ event: "compat/ckpt-steps" }] },
    async ({ step }) => {
      const a = await step.run("a", () => 1);
      const b = await step.run("b", () => a + 1);
      const c = await step.run("c", () => b + 1);
      return { a, b, c };
    },
  ),

  // The middle step fails on the first attempt: "a" stays checkpointed, "b" is retried, "c" runs after it.
  inngest.createFunction(
    { id: "ckpt-error", retries: 2, triggers: [{ event: "compat/ckpt-error" }] },
    async ({ step, attempt }) => {
      const a = await step.run("a", () => `a@${attempt}`);
      const b = await step.run("b", () => {
        if (attempt === 0) throw new Error("b fails once");
        return `b@${attempt}`;
      });
      const c = await step.run("c", () => `c@${attempt}`);
      return { a, b, c };
    },
  ),

  // A sleep and a wait each end the call that checkpointed the step before them.
  inngest.createFunction(
    { id: "ckpt-pauses", triggers: [{ event: "compat/ckpt-pauses" }] },
    async ({ event, step }) => {
      const a = await step.run("a", () => "a");
      await step.sleep("nap", "1s");
      const b = await step.run("b", () => "b");
      const go = await step.waitForEvent("go", {
        event: "compat/ckpt-go",
        timeout: "30s",
        if: "async.data.id == event.data.id",
      });
      const c = await step.run("c", () => "c");
      return { a, b, c, go: go ? go.data.id : null, id: event.data.id };
    },
  ),

  // Steps run in parallel between checkpointed ones.
  inngest.createFunction(
    { id: "ckpt-parallel", triggers: [{ event: "compat/ckpt-parallel" }] },
    async ({ step }) => {
      const a = await step.run("a", () => 1);
      const [x, y] = await Promise.all([step.run("x", () => a + 1), step.run("y", () => a + 2)]);
      const z = await step.run("z", () => x + y);
      return { a, x, y, z };
    },
  ),

  // A slow first step, so the test can cancel the run while the call is in flight: the step's checkpoint is then
  // stale (409) and the SDK must stop there. Each step announces itself with an event the test can look for.
  inngest.createFunction(
    { id: "ckpt-stale", triggers: [{ event: "compat/ckpt-stale" }] },
    async ({ event, step }) => {
      const id = event.data.id;
      await step.run("slow", async () => {
        await inngest.send({ name: "compat/ckpt-slow-started", data: { id } });
        await pause(event.data.ms);
        await inngest.send({ name: "compat/ckpt-slow-done", data: { id } });
        return "slow";
      });
      await step.run("after", () => inngest.send({ name: "compat/ckpt-after", data: { id } }));
      return "done";
    },
  ),

  // For the crash test: steps that take a little time, and a result that shows every step ran.
  inngest.createFunction(
    { id: "ckpt-crash", triggers: [{ event: "compat/ckpt-crash" }] },
    async ({ event, step }) => {
      const values = [];
      for (let i = 0; i < 4; i++) values.push(await step.run(`s${i}`, async () => { await pause(100); return i; }));
      return { n: event.data.n, values };
    },
  ),
];
