-- wrk script: each thread is one probe posting ProbeRoundBatch bodies of BATCH rounds with fresh sequences.
-- Environment: NETMON_PROBES="code:secret code:secret ...", NETMON_BATCH (rounds per request, default 100).
local probes = {}
for code, secret in string.gmatch(os.getenv("NETMON_PROBES") or "", "(%d+):(%S+)") do
  probes[#probes + 1] = { code = code, secret = secret }
end
local batch = tonumber(os.getenv("NETMON_BATCH") or "100")
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("index", counter)
  threads[#threads + 1] = thread
end

local targets = { "hub", "portal", "meeting", "lgsp", "dns" }
local rtts = "0.0101,0.0102,0.0103,0.0104,0.0105,0.0106,0.0107,0.0108,0.0109,0.011,0.0111,0.0112,0.0113,0.0114,0.0115,0.0116,0.0117,0.0118,0.0119"
local base = os.time() - 300 * 86400
local seq = 0
local probe, auth, prefix
local errors = 0

function init(args)
  probe = probes[((index - 1) % #probes) + 1]
  auth = "Bearer " .. probe.secret
  prefix = '{"probe_id":"probe-' .. probe.code .. '","sequence":'
  -- Threads sharing a probe id use disjoint sequence ranges.
  seq = math.floor((index - 1) / #probes) * 1000000000
end

function request()
  local parts = {}
  for i = 1, batch do
    local s = seq
    seq = seq + 1
    local start = os.date("!%Y-%m-%dT%H:%M:%SZ", base + math.floor(s % 1000000000 / 5) * 60)
    parts[i] = prefix .. s .. ',"commune":"' .. probe.code .. '","target":"' .. targets[(s % 5) + 1] ..
      '","address":"10.33.0.1","kind":"icmp","start":"' .. start ..
      '","step_seconds":60,"sent":20,"received":19,"rtt_seconds":[' .. rtts .. '],"jitter_seconds":0.0004}'
  end
  local body = '{"probe_id":"probe-' .. probe.code .. '","rounds":[' .. table.concat(parts, ",") .. ']}'
  return wrk.format("POST", "/api/v1/ingest/rounds",
    { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    if errors < 5 then io.stderr:write("ingest " .. status .. ": " .. body .. "\n") end
  end
end

function done(summary, latency, requests)
  io.write(string.format("BATCH %d\n", batch))
  io.write(string.format("P50_MS %.3f\nP99_MS %.3f\nMAX_MS %.3f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("REQUESTS %d\nDURATION_S %.3f\nNON2XX %d\n",
    summary.requests, summary.duration / 1e6, summary.errors.status))
end
