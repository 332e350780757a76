-- wrk script of bench/soak/run.sh: GET /skill-gap rotating through the pairs of real occupation
-- codes in @PAIRS@ ("FROM TO" per line; run.sh substitutes the paths), each wrk thread from its
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
dofile("@RESULT_LUA@")  -- done(): the RESULT line
