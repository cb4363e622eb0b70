-- Spreads wrk's requests over a list of paths, one per line, read from the file named after "--".
-- Each thread starts at a different place in the list and walks through it in order.
-- Every response outside 200-299 is counted (wrk itself counts only statuses above 399).
-- At the end, one line "BENCH-RESULT {...}" gives the counts and latency percentiles (microseconds).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  local name = args[1]
  local file = io.open(name or "", "r")
  if file == nil then
    error("cannot open the URL list " .. tostring(name))
  end
  requests = {}
  for line in file:lines() do
    if line ~= "" then
      requests[#requests + 1] = wrk.format("GET", line)
    end
  end
  file:close()
  if #requests == 0 then
    error("the URL list " .. name .. " is empty")
  end
  position = ((thread_number or 1) - 1) * 7919 % #requests
  non_2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function done(summary, latency, requests)
  local errors = summary.errors
  local failed = 0
  for _, thread in ipairs(threads) do
    failed = failed + (thread:get("non_2xx") or 0)
  end
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
      .. '"write": %d, "status": %d, "timeout": %d, "non_2xx": %d, "p50_us": %.0f, "p90_us": %.0f, "p99_us": %.0f, '
      .. '"max_us": %.0f}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read, errors.write,
    errors.status, errors.timeout, failed, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max
  ))
end
