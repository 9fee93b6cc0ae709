# Renders the summary that scripts/bench puts into README.md between the
# benchmarks:begin and benchmarks:end marker lines.
# Usage: jq -r -f scripts/bench.d/readme.jq results.json

def commas:
  if . == null then "–" elif . < 0 then "-" + (-. | commas) else
  (round | tostring) as $s
  | if ($s | length) <= 3 then $s
    else [range(($s | length); 0; -3) as $stop | $s[([$stop - 3, 0] | max):$stop]] | reverse | join(",")
    end
  end;
def ms: if . < 100 then ((. * 10 | round) / 10 | tostring) + " ms" else (round | commas) + " ms" end;
def pct: (. * 100 | round | tostring) + "%";

.results as $r
| .settings as $s
| .machine as $m
| ([$r | to_entries[] | .value | objects | .load_before // empty | .[0]] | max) as $max_load
| (($m.load_at_start // [$max_load])[0]) as $start_load
| [
"Measured by `scripts/bench` on \($m.cpu), \($m.cores) cores, \($m.memory_mib / 1024 | round) GiB," +
  " with every service and the load generator on the same cores (\($m.date[0:10]), commit" +
  " `\($m.commit[0:12])`)" +
  (if $start_load > ($m.cores / 2) then
    ". The machine was busy with other work during that run (load average \($start_load) before it started), so" +
    " these figures are provisional."
   else "." end),
"",
"| measurement | result |",
"| --- | --- |",
"| `GET /api/v1/customers/{code}`, \($s.connections) connections | \($r.get.rps | commas) requests/s, p99 \($r.get.latency_ms.p99 | ms); \(.ratios.get_to_composed | pct) of the composed ceiling of FastCGI, PostgreSQL and Redis |",
"| the same GET spread over \($s.tenants | commas) tenants | \(.ratios.spread_to_single | pct) of the throughput on one tenant |",
"| first list page and search in \($s.customers | commas) customers, p99 | \($r.list_low.latency_ms.p99 | ms) and \($r.search_low.latency_ms.p99 | ms) at \($r.list_low.connections) connections |",
"| `POST /api/v1/customers` | \($r.create.rps | commas) requests/s |",
"| creating a tenant, median | \($r.provisioning.create_ms.p50 | ms) |",
"| instructions per GET in a worker | \($r.callgrind.instructions_per_request | commas) |",
"",
"[docs/BENCHMARKS.md](docs/BENCHMARKS.md) has every figure with its ceiling, target and" +
  " load average, and how to run the benchmark again (`make bench`; that run took" +
  " \($r.run.seconds / 60 | round) minutes)."
] | .[]
