-- wrk script of bench/soak/run.sh: GET /skill-gap rotating through the pairs of real occupation
-- codes in @PAIRS@ ("FROM TO" per line; run.sh substitutes the path), each wrk thread from its
-- own offset. done() prints one RESULT line with the totals.
local pairs = {}
for line in io.lines("@PAIRS@") do
  local a, b = line:match("^(%S+)%s+(%S+)")
  if a then pairs[#pairs + 1] = "/skill-gap?from=" .. a .. "&to=" .. b end
end
local counter = 0
function setup(thread) counter = counter + 1; thread:set("offset", counter * 4999) end
local i = 0
function init(args) i = offset or 0 end
function request()
  i = i + 1
  return wrk.format("GET", pairs[(i % #pairs) + 1])
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f requests=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, summary.requests, e.status, e.connect, e.read, e.write, e.timeout))
end
