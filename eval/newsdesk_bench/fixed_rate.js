// A mixed load held at a fixed rate with autocannon (npm): node fixed_rate.js <base URL> <req/s> <seconds> <path>...
// Every connection walks the paths in turn; autocannon holds the overall rate by giving each connection its share
// per second. Its coordinated-omission correction is off: it takes 1/rate in seconds as the expected interval of
// latencies in ms (every answer slower than 1 ms is recorded many times over); a stall shows as the rate not
// reached instead. Prints one JSON object (latencies in ms). Run by fixed_rate.py, which sets NODE_PATH.
"use strict";
const autocannon = require("autocannon");

const [base, rate, seconds, ...paths] = process.argv.slice(2);
autocannon(
  {
    url: base,
    connections: 20,
    ignoreCoordinatedOmission: true,
    overallRate: Number(rate),
    duration: Number(seconds),
    timeout: 5,
    requests: paths.map((path) => ({ method: "GET", path })),
  },
  (error, result) => {
    if (error) {
      console.error(String(error));
      process.exit(1);
    }
    const ok = result["2xx"] + result["3xx"];
    console.log(
      JSON.stringify({
        rps: result.requests.average,
        requests: result.requests.total,
        ok,
        p50_ms: result.latency.p50,
        p99_ms: result.latency.p99,
        max_ms: result.latency.max,
        errors: result.errors + result.timeouts + result.non2xx - result["3xx"],
        timeouts: result.timeouts,
      }),
    );
  },
);
