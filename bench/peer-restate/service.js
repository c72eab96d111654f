// The Restate side of the side-by-side benchmark: the same workloads as bench/Switchyard.Bench's functions.
"use strict";
// Node 20 lacks Promise.withResolvers, which the Restate SDK uses.
if (!Promise.withResolvers) {
  Promise.withResolvers = function () { let resolve, reject; const promise = new Promise((a, b) => { resolve = a; reject = b; }); return { promise, resolve, reject }; };
}
const restate = require("@restatedev/restate-sdk");

const bench = restate.service({
  name: "Bench",
  handlers: {
    threeSteps: async (ctx, input) => {
      const a = await ctx.run("a", () => input.n);
      const b = await ctx.run("b", () => input.n * 2);
      const c = await ctx.run("c", () => input.n * 3);
      return { total: a + b + c };
    },
    tenParallel: async (ctx, input) => {
      // RestatePromise.all is the SDK's combinator for durable promises; a plain Promise.all is about 10x slower here.
      const parts = await restate.RestatePromise.all(Array.from({ length: 10 }, (_, i) => ctx.run(`p${i}`, () => input.n + i)));
      return { total: parts.reduce((x, y) => x + y, 0) };
    },
  },
});

restate.endpoint().bind(bench).listen(Number(process.env.PORT || 9080));
