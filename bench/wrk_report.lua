-- bench/run.py's report from wrk: one line "PLC-WRK <json>" with the requests, the seconds,
-- the answers other than 200 and the socket errors, and the latency histogram (microseconds:
-- count), so that rounds can be merged and percentiles taken exactly as for the Python load.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(_args)
  not_ok = 0
end

function response(status, _headers, _body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, _requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("not_ok")
  end
  local e = summary.errors
  local histogram = {}
  for i = 1, #latency do
    local value, count = latency(i)
    if count and count > 0 then
      table.insert(histogram, string.format("[%d,%d]", value, count))
    end
  end
  io.write(string.format(
    'PLC-WRK {"requests": %d, "duration_us": %d, "not_ok": %d, "socket_errors": %d, '
    .. '"histogram": [%s]}\n',
    summary.requests, summary.duration, bad,
    e.connect + e.read + e.write + e.timeout, table.concat(histogram, ",")))
end
