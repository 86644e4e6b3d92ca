-- wrk script: each request goes to the next of the paths given after "--" (method first, then the file
-- holding the POST body or "-"), and the run ends with one line of JSON for bench/load.py.
local method, body, paths, counter = "GET", nil, {}, 0

function init(args)
  method = args[1]
  if args[2] ~= "-" then
    local file = assert(io.open(args[2], "r"))
    body = file:read("*a")
    file:close()
  end
  for i = 3, #args do paths[#paths + 1] = args[i] end
end

function request()
  counter = counter + 1
  return wrk.format(method, paths[(counter % #paths) + 1], nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"status_errors": %d, "timeouts": %d, "p50_ms": %.3f, "p99_ms": %.3f, "mean_ms": %.3f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000))
end
