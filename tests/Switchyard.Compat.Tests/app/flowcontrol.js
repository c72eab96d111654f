// Functions for the flow-control tests (throttle, priority, singleton, timeouts, concurrency scope and several
// concurrency limits), declared with the SDK's own option names. A run that must hold its concurrency slot until
// the test has seen the others queue up waits on a gate in this process, which the test opens with a
// "compat/fc-open" event (handled by a function without flow control), so no test depends on how fast runs start.
"use strict";

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Gates opened by "compat/fc-open", and which runs arrived at a meeting point, by name.
const opened = new Set();
const arrived = new Set();

async function until(condition, ms) {
  for (const end = Date.now() + ms; Date.now() < end; await pause(25)) if (condition()) return true;
  return condition();
}

module.exports = (inngest) => {
  // Tells the test the run's code is executing (so it holds its concurrency slots), then waits for its gate.
  const hold = async (event, label) => {
    const start = Date.now();
    await inngest.send({ name: "compat/fc-began", data: { k: event.data.k, label } });
    if (event.data.gate) await until(() => opened.has(event.data.gate), 30000);
    return { k: event.data.k, label, start, end: Date.now() };
  };

  // Two functions that share one trigger and concurrency setting.
  const twins = (name, concurrency, body) =>
    ["a", "b"].map((twin) =>
      inngest.createFunction(
        { id: `fc-${name}-${twin}`, concurrency, triggers: [{ event: `compat/fc-${name}` }] },
        async ({ event }) => body(event, twin),
      ),
    );
  // Waits up to 15 s for the twin's run to be executing too, and says whether it met it.
  const meet = async (event, twin) => {
    const start = Date.now();
    arrived.add(`${event.data.k}:${twin}`);
    const met = await until(() => arrived.has(`${event.data.k}:${twin === "a" ? "b" : "a"}`), 15000);
    return { twin, met, start, end: Date.now() };
  };

  return [
    inngest.createFunction({ id: "fc-open", triggers: [{ event: "compat/fc-open" }] }, async ({ event }) => {
      opened.add(event.data.gate);
      return event.data.gate;
    }),

    // One start per 2 s per key; burst 1 lets one more start at once (Inngest admits burst + 1 back to back).
    inngest.createFunction(
      { id: "fc-throttled", throttle: { limit: 1, period: "2s", burst: 1, key: "event.data.k" }, triggers: [{ event: "compat/fc-throttle" }] },
      async ({ event }) => ({ k: event.data.k, n: event.data.n, start: Date.now() }),
    ),

    // One run at a time per key; a higher event.data.p jumps the queue.
    inngest.createFunction(
      {
        id: "fc-priority",
        concurrency: { limit: 1, key: "event.data.k" },
        priority: { run: "event.data.p" },
        triggers: [{ event: "compat/fc-priority" }],
      },
      async ({ event }) => hold(event, event.data.label),
    ),

    inngest.createFunction(
      { id: "fc-singleton-skip", singleton: { key: "event.data.k", mode: "skip" }, triggers: [{ event: "compat/fc-singleton-skip" }] },
      async ({ event }) => hold(event, event.data.label),
    ),

    inngest.createFunction(
      { id: "fc-singleton-cancel", singleton: { key: "event.data.k", mode: "cancel" }, triggers: [{ event: "compat/fc-singleton-cancel" }] },
      async ({ event, step }) => {
        await step.sleep("hold", event.data.hold);
        return { n: event.data.n };
      },
    ),

    // One run at a time per key, and a run still queued 1 s after its event is timed out.
    inngest.createFunction(
      {
        id: "fc-timeout-start",
        concurrency: { limit: 1, key: "event.data.k" },
        timeouts: { start: "1s" },
        triggers: [{ event: "compat/fc-timeout-start" }],
      },
      async ({ event }) => hold(event, event.data.label),
    ),

    // Starts, then sleeps far past its 2 s finish timeout.
    inngest.createFunction(
      { id: "fc-timeout-finish", timeouts: { finish: "2s" }, triggers: [{ event: "compat/fc-timeout-finish" }] },
      async ({ step }) => {
        await step.run("begin", () => "begun");
        await step.sleep("nap", "30s");
        return "finished";
      },
    ),

    // Its first (and only) call runs until the test opens its gate, far past the 2 s finish timeout.
    inngest.createFunction(
      { id: "fc-timeout-finish-call", timeouts: { finish: "2s" }, triggers: [{ event: "compat/fc-timeout-finish-call" }] },
      async ({ event }) => hold(event, "long-call"),
    ),

    // At most two runs at once, and one per key.
    inngest.createFunction(
      { id: "fc-multi", concurrency: [{ limit: 2 }, { limit: 1, key: "event.data.k" }], triggers: [{ event: "compat/fc-multi" }] },
      async ({ event }) => hold(event, event.data.label),
    ),

    // The same keyed limit of 1 in each scope: per function the twins run side by side, per environment or
    // account they take turns.
    ...twins("scope-fn", { limit: 1, scope: "fn", key: "event.data.k" }, meet),
    ...twins("scope-env", { limit: 1, scope: "env", key: "event.data.k" }, hold),
    ...twins("scope-account", { limit: 1, scope: "account", key: "event.data.k" }, hold),
  ];
};
