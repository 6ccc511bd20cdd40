-- wrk script of the ZT-IX benchmark (bench/run.sh).
--
-- Environment:
--   BENCH_COOKIE   session cookie sent with every request (optional)
--   BENCH_MODE     get (default) | login | create
--   BENCH_USER, BENCH_PASSWORD   for login
--   BENCH_ASN, BENCH_NETWORK     for create (a new node id per request)
--
-- At the end it prints one JSON line: requests/s, latency percentiles, errors.

local mode = os.getenv("BENCH_MODE") or "get"
local cookie = os.getenv("BENCH_COOKIE")
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0))
  wrk.headers["Accept"] = "application/json, text/html"
  if cookie and cookie ~= "" then
    wrk.headers["Cookie"] = cookie
  end
  if mode == "login" then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.body = string.format('{"username":"%s","password":"%s"}', os.getenv("BENCH_USER"), os.getenv("BENCH_PASSWORD"))
  end
end

-- A node id the database accepts: 10 lower-case hex, not reserved (00… or ff…).
local function node_id()
  return string.format("%02x%08x", math.random(16, 254), math.random(0, 0x7fffffff))
end

function request()
  if mode == "create" then
    local body = string.format('{"asn":%s,"zt_network_id":"%s","node_id":"%s"}',
      os.getenv("BENCH_ASN"), os.getenv("BENCH_NETWORK"), node_id())
    local headers = { ["Content-Type"] = "application/json" }
    for name, value in pairs(wrk.headers) do
      headers[name] = headers[name] or value
    end
    return wrk.format("POST", nil, headers, body)
  end
  return wrk.format()
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests":%d,"seconds":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"non_2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, errors.status, errors.connect + errors.read + errors.write + errors.timeout))
end
