-- Loaded by every wrk script of scripts/bench.
--
-- Reads the signed-in sessions from the file named by BENCH_SESSIONS, one per
-- line: host, session cookie, CSRF token, number of customers and customer
-- code prefix, separated by tabs. Each wrk thread draws its own random numbers.
-- done() writes the run's summary as one JSON object to the file named by
-- BENCH_RESULT, with latencies in milliseconds.

sessions = {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do
    local host, cookie, csrf, customers, prefix =
        line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t(%d+)\t([^\t]*)$")
    assert(host ~= nil, "malformed line in BENCH_SESSIONS: " .. line)
    table.insert(sessions, {
        host = host,
        customers = tonumber(customers),
        prefix = prefix,
        headers = {["Host"] = host, ["Cookie"] = cookie},
        json_headers = {
            ["Host"] = host,
            ["Cookie"] = cookie,
            ["X-CSRF-Token"] = csrf,
            ["Content-Type"] = "application/json",
        },
    })
end
assert(#sessions > 0, "BENCH_SESSIONS names an empty file")

local threads_started = 0

function setup(thread)
    threads_started = threads_started + 1
    thread:set("thread_number", threads_started)
end

function init(args)
    math.randomseed(os.time() * 1000 + (thread_number or 0))
end

-- Returns a random customer code of the session's tenant, such as CUS-000042.
function random_code(session)
    return string.format("%s%06d", session.prefix, math.random(session.customers))
end

function done(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local out = assert(io.open(os.getenv("BENCH_RESULT"), "w"))

    out:write(string.format(
        '{"requests":%d,"duration_s":%.3f,"rps":%.1f,"bytes":%d,' ..
        '"latency_ms":{"mean":%.3f,"stdev":%.3f,"p50":%.3f,"p90":%.3f,"p99":%.3f,' ..
        '"p999":%.3f,"max":%.3f},' ..
        '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
        summary.requests, seconds, summary.requests / seconds, summary.bytes,
        latency.mean / 1000, latency.stdev / 1000,
        latency:percentile(50) / 1000, latency:percentile(90) / 1000,
        latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000,
        summary.errors.connect, summary.errors.read, summary.errors.write,
        summary.errors.status, summary.errors.timeout))
    out:close()
end
