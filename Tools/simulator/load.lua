-- wrk script for Tools/simulator/load.sh: each connection plays an agent on its own
-- session, in a loop of submit a run, poll it, read the curve, read the budget.
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("agent", counter)
  table.insert(threads, thread)
end

function init(args)
  step = 0
  run = nil
  session = "load-" .. (args[1] or "0") .. "-" .. agent
end

function request()
  step = step + 1
  local phase = step % 4
  if phase == 1 or run == nil then
    local days = 1 + (step % 29)
    local body = string.format('{"layers": [%d, 256], "days": %d, "gpus": %d}', 128 + (step % 7) * 64, days, 1 + step % 4)
    return wrk.format("POST", "/v1/sessions/" .. session .. "/runs", {["Content-Type"] = "application/json"}, body)
  elseif phase == 2 then
    return wrk.format("GET", "/v1/sessions/" .. session .. "/runs/" .. run)
  elseif phase == 3 then
    return wrk.format("GET", "/v1/sessions/" .. session .. "/runs/" .. run .. "/curve")
  else
    return wrk.format("GET", "/v1/sessions/" .. session)
  end
end

function response(status, headers, body)
  if status >= 400 and status ~= 409 then
    io.stderr:write("unexpected status " .. status .. ": " .. body .. "\n")
  end
  local id = body:match('"id":(%d+)')
  if id and body:match('"session"') and body:match('"ready_in_seconds"') then run = id end
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("requests %d in %.2f s: %.0f requests/s; p50 %.3f ms, p90 %.3f ms, p99 %.3f ms; socket errors %d, HTTP errors %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
