// The JS workload of bench/side-by-side.sh: an unmodified inngest@4.24.0 app served with serve() on plain node http,
// pointed at the server with INNGEST_DEV, as a user would. Three step.run steps, then a fourth that POSTs the result
// to a local HTTP sink (this process, /sink), as a real function hands its result on.
"use strict";

const http = require("node:http");
const { Inngest } = require("inngest");
const { serve } = require("inngest/node");

const inngest = new Inngest({ id: "bench-js" });
let sinkUrl = "";
let received = 0;

const body = async ({ event, step }) => {
  const a = await step.run("a", () => event.data.n);
  const b = await step.run("b", () => event.data.n * 2);
  const c = await step.run("c", () => event.data.n * 3);
  const total = a + b + c;
  await step.run("sink", async () => {
    const response = await fetch(sinkUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ total }) });
    return response.status;
  });
  return { total };
};

const threeSteps = inngest.createFunction({ id: "three-steps", triggers: [{ event: "bench/js-three" }] }, body);

// The same function with checkpointing off: the classic protocol, one call per step (for the CPU-per-call figures).
const threeStepsClassic = inngest.createFunction(
  { id: "three-steps-classic", checkpointing: false, triggers: [{ event: "bench/js-three-classic" }] },
  body,
);

const handler = serve({ client: inngest, functions: [threeSteps, threeStepsClassic] });
const server = http.createServer((req, res) => {
  if (req.url.startsWith("/api/inngest")) return handler(req, res);
  if (req.url === "/sink" && req.method === "POST") {
    req.resume();
    req.on("end", () => {
      received++;
      res.writeHead(204).end();
    });
    return;
  }
  if (req.url === "/sink") return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ received }));
  res.writeHead(404).end();
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT || 0), "127.0.0.1", () => {
  sinkUrl = `http://127.0.0.1:${server.address().port}/sink`;
  // The bench reads this line to learn the port.
  console.log(`listening on ${server.address().port}`);
});
