-- wrk script: a viewer reading the dashboard's data: commune health, simplified GeoJSON, summary, smoke graphs.
local token = os.getenv("NETMON_VIEWER") or ""
local codes = {}
for code in string.gmatch(os.getenv("NETMON_CODES") or "11953", "(%d+)") do codes[#codes + 1] = code end
local paths = { "/api/v1/communes", "/api/v1/geojson/communes?simplify=1", "/api/v1/summary", "/api/v1/geojson/probes" }
local n = 0

function request()
  n = n + 1
  local path
  if n % 5 == 0 then
    path = "/api/v1/links/" .. codes[(n % #codes) + 1] .. "/hub/smoke.svg"
  else
    path = paths[(n % #paths) + 1]
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
end

function done(summary, latency, requests)
  io.write(string.format("P50_MS %.3f\nP99_MS %.3f\nREQUESTS %d\nDURATION_S %.3f\nNON2XX %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests, summary.duration / 1e6,
    summary.errors.status))
end
