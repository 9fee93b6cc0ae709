# Renders docs/BENCHMARKS.md from the results.json that scripts/bench writes.
# Usage: jq -r -f scripts/bench.d/report.jq results.json

def commas:
  if . == null then "–" elif . < 0 then "-" + (-. | commas) else
  (round | tostring) as $s
  | if ($s | length) <= 3 then $s
    else [range(($s | length); 0; -3) as $stop | $s[([$stop - 3, 0] | max):$stop]] | reverse | join(",")
    end
  end;
def dash: "–";
def rps: if . == null then dash else commas end;
def ms:
  if . == null then dash
  elif . < 1 then ((. * 100 | round) / 100 | tostring) + " ms"
  elif . < 100 then ((. * 10 | round) / 10 | tostring) + " ms"
  else (round | commas) + " ms" end;
def pct: if . == null then dash else ((. * 100 | round | tostring) + "%") end;
def mib: if . == null then dash else ((. / 1024 * 10 | round) / 10 | tostring) + " MiB" end;
def mib_bytes: if . == null then dash else ((. / 1048576 * 10 | round) / 10 | tostring) + " MiB" end;
def seconds: if . == null then dash else ((. * 100 | round) / 100 | tostring) + " s" end;
def load: if . == null then dash else (.[0] | tostring) end;
def loads: "\(.load_before | load) → \(.load_after | load)";
def status($met): if $met == null then "not measured" elif $met then "met" else "**missed**" end;
def errors:
  if .errors == null then (.errors_total // 0 | tostring)
  else "\(.errors.status) non-2xx, \(.errors.connect + .errors.read + .errors.write + .errors.timeout) socket"
  end;

. as $all
| .results as $r
| .settings as $s
| .machine as $m
| .ceilings as $c
| .ratios as $q
| ($r.memory.recycle_default) as $mem_default
| ($r.memory.recycle_high) as $mem_high
| ($r.memory.recycle_low // null) as $mem_low
| (($s.groups // 1) as $g | ($s.tenants / $g | ceil)) as $tenants_per_backend
| ([$r | to_entries[] | .value | objects | .load_before // empty | .[0]] | max) as $max_load
| [
"# Benchmarks",
"",
"Written by `scripts/bench` (`make bench`) on \($m.date) from commit `\($m.commit[0:12])`" +
  (if $m.dirty then " with local changes" else "" end) + ". Every figure on this page comes" +
  " from that one run, whose raw results, including the load average before and after each" +
  " measurement, are in [benchmarks/results.json](benchmarks/results.json)." +
  (if $s.quick then " This was a `--quick` smoke run with small data; its figures show that the" +
   " measurements work, not what the product does." else "" end),
"",
(($m.load_at_start // [$max_load])[0]) as $start_load |
(if $start_load > ($m.cores / 2) then
  "> **Provisional.** The 1-minute load average was \($start_load) on \($m.cores) cores" +
  " before the benchmark started, so other programs shared the machine during this run and the" +
  " figures are lower and noisier than on a quiet machine. Rerun `scripts/bench` on a quiet" +
  " machine for figures to compare against."
 else
  "The 1-minute load average was \($start_load) on \($m.cores) cores before the benchmark" +
  " started. The measurements run back to back, so the load average before each one, in the" +
  " tables, includes the load of the one before."
 end),
"",
"## Machine",
"",
"| | |",
"| --- | --- |",
"| CPU | \($m.cpu) |",
"| cores | \($m.cores) |",
"| memory | \($m.memory_mib | commas) MiB |",
"| system | \($m.os), kernel \($m.kernel) |",
"| PostgreSQL | \($m.postgresql) |",
"| Redis | \($m.redis) |",
"| nginx | \($m.nginx) |",
"| libfcgi | \($m.libfcgi) |",
"| wrk, pgbench, valgrind | \($m.wrk), \($m.pgbench), \($m.valgrind) |",
"| date | \($m.date) |",
"| commit | `\($m.commit)`\(if $m.dirty then " (with local changes)" else "" end) |",
"",
"## Set-up",
"",
"Everything runs on this one machine: PostgreSQL, Redis, nginx, the server and the load" +
" generators share its \($m.cores) cores, so each figure includes the load generator's own CPU time." +
" The server runs \($s.workers) workers and \($s.job_runners) job runner, its release build" +
" (`-O2`), log level \($s.log_level); nginx runs the private stack's configuration" +
" (`worker_processes \($s.nginx_worker_processes)`, access log on, FastCGI over a unix socket," +
" no `fastcgi_keep_conn`). The nginx and FastCGI ceilings use that same nginx and the same" +
" number of processes; pgbench and redis-benchmark use one client per worker, because each" +
" worker holds one PostgreSQL and one Redis connection.",
"",
"HTTP load comes from wrk (\($s.wrk_threads) threads, keep-alive) with the Lua scripts in" +
" `scripts/bench.d/`: \($s.duration_s) s per run after \($s.warmup_s) s of unmeasured load" +
" (\($s.spread_warmup_s // $s.warmup_s) s before a run spread over the tenants, so that every backend has met its tenants)," +
" \($s.connections) connections unless a row says otherwise. Requests are signed in with a" +
" session cookie. wrk counts a response with status 400 or more as a non-2xx error; the script" +
" checks the status of each kind of request before measuring it. wrk measures latency from" +
" sending a request to its response, so under a closed load its percentiles leave out the time" +
" requests would have waited to be sent.",
"",
"Data: one large tenant with \($s.customers | commas) customers" +
" (\($r.setup_large.table_bytes | mib_bytes) table and indexes, filled in" +
" \($r.setup_large.fill_ms / 1000 | seconds) by `docs/benchmarks/customers-fill.sql`)," +
" and \($s.tenants | commas) small tenants with \($s.tenant_customers) customers and a signed-in" +
" session each. The search is `q=\($s.search)`.",
"",
"## Targets",
"",
"| target | goal | measured | status |",
"| --- | --- | --- | --- |",
"| GET by code, throughput | at least 75% of the composed ceiling | \($q.get_to_composed | pct) (\($r.get.rps | rps) of \($c.composed_rps | rps) requests/s) | \(status($q.get_to_composed >= 0.75)) |",
"| GET by code, p99 at \($s.connections) connections | under 10 ms | \($r.get.latency_ms.p99 | ms) | \(status($r.get.latency_ms.p99 < 10)) |",
"| GET over \($s.tenants | commas) tenants | at least 70% of one tenant | \($q.spread_to_single | pct) (\($r.spread.rps | rps) of \($r.single.rps | rps) requests/s) | \(status($q.spread_to_single >= 0.7)) |",
"| first list page p99, \($s.customers | commas) customers | under 20 ms | \($r.list_low.latency_ms.p99 | ms) at \($r.list_low.connections) connections, \($r.list.latency_ms.p99 | ms) at \($r.list.connections) | \(status($r.list_low.latency_ms.p99 < 20)) |",
"| search p99, \($s.customers | commas) customers | under 50 ms | \($r.search_low.latency_ms.p99 | ms) at \($r.search_low.connections) connections, \($r.search.latency_ms.p99 | ms) at \($r.search.connections) | \(status($r.search_low.latency_ms.p99 < 50)) |",
"| CSV import | at least 5,000 rows/s | \(if $r.imports.skipped then "skipped: " + $r.imports.reason else ([$r.imports.runs[] | "\(.rows_per_second | commas) rows/s for \(.rows | commas) rows"] | join(", ")) end) | \(status(if $r.imports.skipped then null else ([$r.imports.runs[].rows_per_second] | min) >= 5000 end)) |",
"| provisioning, median | under 100 ms per tenant | \($r.provisioning.create_ms.p50 | ms) | \(status($r.provisioning.create_ms.p50 < 100)) |",
"| `migrate --all`, nothing to do, \($r.migrate.tenants | commas) tenants | under 1 s | \($r.migrate.nothing_to_do_median_seconds | seconds) | \(status($r.migrate.nothing_to_do_median_seconds < 1)) |",
"| worker RSS after serving every tenant | under 32 MiB | \([$mem_default.worker_rss_max_kib, $mem_high.worker_rss_max_kib] | max | mib) | \(status(([$mem_default.worker_rss_max_kib, $mem_high.worker_rss_max_kib] | max) < 32768)) |",
(if $mem_low != null then
"| PostgreSQL backend memory | bounded by connection recycling | \($mem_low.backend_contexts_max_bytes | mib_bytes) recycling after \($mem_low.recycle_tenants) tenants, \($mem_high.backend_contexts_max_bytes | mib_bytes) without; \($mem_default.backend_contexts_max_bytes | mib_bytes) with the default limit of \($mem_default.recycle_tenants) and about \($tenants_per_backend | commas) tenants per backend | \(status($mem_low.backend_contexts_max_bytes < $mem_high.backend_contexts_max_bytes)) |"
 else
"| PostgreSQL backend memory | bounded by connection recycling | \($mem_default.backend_contexts_max_bytes | mib_bytes) recycling after \($mem_default.recycle_tenants) tenants, \($mem_high.backend_contexts_max_bytes | mib_bytes) without | \(status(if $tenants_per_backend <= $mem_default.recycle_tenants then null else $mem_default.backend_contexts_max_bytes < $mem_high.backend_contexts_max_bytes end)) |"
 end),
"",
"The latency goals for the list and the search are judged at one connection per worker," +
" where a request does not queue behind others; at \($s.connections) connections a request" +
" also waits for the \($s.connections / $s.workers | round) requests ahead of it on its worker," +
" so the latency there is mostly that wait (Little's law: connections divided by throughput).",
"",
"### What limits the figures",
"",
(if $q.get_to_composed >= 0.75 and $r.get.latency_ms.p99 < 10 and $q.spread_to_single >= 0.7
    and $r.search_low.latency_ms.p99 < 50 and $r.provisioning.create_ms.p50 < 100
 then "Every target measured in this run was met." else empty end),
(if $q.get_to_composed < 0.75 then
"- **GET by code against the composed ceiling.** The composed ceiling adds up nginx with" +
  " libfcgi, PostgreSQL and Redis, but not the worker's own work. The worker executes" +
  " \($r.callgrind.instructions_per_request | commas) instructions per request in user space," +
  " \(([$r.callgrind.by_object[] | select(.object | startswith("libjansson")) | .share] | add // 0) | pct)" +
  " of them in libjansson. The record is written as text in one pass from the PostgreSQL" +
  " result (`customer_record_write`), so most of the rest is libpq reading the result," +
  " libfcgi reading the request, the Redis round trip and the log line; the tables below name" +
  " the functions. These costs are the" +
  " difference between the product and the composed ceiling (see the next section), so the" +
  " product reaches 75% of the ceiling only when the worker's own work falls to about a third" +
  " of the machine time of the parts."
 else empty end),
(([$r.spread_variants.variants // [] | .[] | select(.groups == 1)] | first) as $one
 | if $one != null and ($s.groups // 1) > 1 then
"- **A tenant's requests stay in its worker group.** nginx sends each tenant to one of" +
  " \($s.groups) worker groups, so the GET on one tenant runs on \($s.workers / $s.groups) of the" +
  " \($s.workers) workers, which wait on Redis and PostgreSQL in turn. With every worker in one" +
  " group, the same GET on one tenant reached \($one.single_rps | rps) requests/s instead of" +
  " \($r.single.rps | rps), but the GET over \($s.tenants | commas) tenants fell to" +
  " \($one.spread_rps | rps) requests/s (\($one.spread_to_single | pct) of one tenant), because every" +
  " backend then serves every tenant and reconnects after \($one.recycle_tenants | commas) of them."
 else empty end),
(if $r.get.latency_ms.p99 >= 10 then
"- **p99 at \($s.connections) connections.** With \($s.connections) connections always busy," +
  " a request takes on average \($s.connections) / throughput =" +
  " \($s.connections / $r.get.rps * 1000 | ms) (Little's law), so a p99 under 10 ms needs well" +
  " over \($s.connections / 0.010 | commas) requests/s; at \($s.workers) connections the same GET" +
  " had a p99 of \($r.get_low.latency_ms.p99 | ms)."
 else empty end),
(if $q.spread_to_single < 0.7 then
"- **GET over \($s.tenants | commas) tenants.** The workers reconnect to PostgreSQL after" +
  " \($s.recycle_tenants_default) distinct tenants to bound the backends' memory. With requests" +
  " spread at random over \($s.tenants | commas) tenants, nearly every request then reaches a" +
  " backend that must load the tenant's catalog entries and prepare and plan the statement" +
  " again. Without recycling the spread reached" +
  " \($r.spread_no_recycle.rps / $r.single.rps | pct) of one tenant, but each backend grew to" +
  " \($mem_high.backend_contexts_max_bytes | mib_bytes). Meeting both goals needs fewer tenants per" +
  " backend rather than a different limit, for example by routing each tenant's host name to a" +
  " fixed subset of workers."
 else empty end),
(if $r.search_low.latency_ms.p99 >= 50 then
  "- **Search p99.** pgbench ran the search's statement with a p50 of" +
  " \($r.db_search.latency_ms.p50 | ms) and a p99 of \($r.db_search.latency_ms.p99 | ms): the" +
  " database finds every row matching `q=\($s.search)` and sorts them before reading a page. Latency above" +
  " that at \($r.search_low.connections) connections is time spent waiting for the cores, which" +
  " other processes shared during this run (load average \($r.search_low | loads))."
 else empty end),
(if $r.provisioning.create_ms.p50 >= 100 then
  "- **Provisioning.** A tenant is a schema with every table, index and sequence of the tenant" +
  " migrations, created in one transaction, so its time follows the size of that DDL and the" +
  " load of the machine (median of the first 20 tenants \($r.provisioning.first_20_ms.p50 | ms)," +
  " of the last 20 \($r.provisioning.last_20_ms.p50 | ms))."
 else empty end),
"",
"## GET by code against its ceilings",
"",
"`GET /api/v1/customers/{code}` with random codes in the large tenant, \($s.connections) connections." +
" Each ceiling is the same work with everything else taken away; the composed ceiling" +
" 1 / (1/FastCGI + 1/database + 1/Redis) estimates what the three parts allow together" +
" when their costs add up on the same cores.",
"",
"| measurement | requests/s | p50 | p99 | p99.9 | errors | load average | GET by code as a share |",
"| --- | ---: | ---: | ---: | ---: | --- | --- | ---: |",
"| **GET by code (the product)** | \($r.get.rps | rps) | \($r.get.latency_ms.p50 | ms) | \($r.get.latency_ms.p99 | ms) | \($r.get.latency_ms.p999 | ms) | \($r.get | errors) | \($r.get | loads) | |",
"| 1. nginx, static file of the response's \($s.response_bytes) bytes | \($r.static.rps | rps) | \($r.static.latency_ms.p50 | ms) | \($r.static.latency_ms.p99 | ms) | \($r.static.latency_ms.p999 | ms) | \($r.static | errors) | \($r.static | loads) | \($q.get_to_static | pct) |",
"| 2. nginx and a FastCGI responder that does no work (\($s.workers) processes) | \($r.fastcgi.rps | rps) | \($r.fastcgi.latency_ms.p50 | ms) | \($r.fastcgi.latency_ms.p99 | ms) | \($r.fastcgi.latency_ms.p999 | ms) | \($r.fastcgi | errors) | \($r.fastcgi | loads) | \($q.get_to_fastcgi | pct) |",
"| 3. pgbench, the product's SELECT, \($r.db_get.clients) clients | \($r.db_get.rps | rps) | \($r.db_get.latency_ms.p50 | ms) | \($r.db_get.latency_ms.p99 | ms) | \($r.db_get.latency_ms.p999 | ms) | \($r.db_get.errors_total) failed | \($r.db_get | loads) | \($q.get_to_database | pct) |",
"| 4. redis-benchmark, the product's MGET, \($r.redis.clients) clients | \($r.redis.rps | rps) | \($r.redis.latency_ms.p50 | ms) | \($r.redis.latency_ms.p99 | ms) | | | \($r.redis | loads) | \($q.get_to_redis | pct) |",
"| composed ceiling of 2, 3 and 4 | \($c.composed_rps | rps) | | | | | | \($q.get_to_composed | pct) |",
"",
"The product and its ceilings ran one after the other. When every process shares the" +
" same saturated cores, 1/throughput is the machine's time per request: the CPU time of" +
" every process the request passes through, divided by the \($m.cores) cores. It was" +
" \(1000000 / $r.get.rps | round) µs for the product and \(1000000 / $c.composed_rps | round) µs" +
" for the composed ceiling. The difference," +
" \((1000000 / $r.get.rps) - (1000000 / $c.composed_rps) | round) µs per request, is the work the" +
" ceilings leave out: the worker's own computation (\($r.callgrind.instructions_per_request | commas)" +
" instructions in user space, see below) and its system calls, which include writing a log line" +
" per request.",
"",
"pgbench runs the statement the server executed, read from PostgreSQL's log, in prepared mode" +
" without a transaction, as the server sends it. Its first parameter, the code, is drawn at" +
" random as `'CUS-' || lpad(:code_number::text, 6, '0')`, and parameters the server sends as" +
" NULL are written as NULL literals because pgbench variables cannot be NULL. Its percentiles" +
" come from pgbench's per-transaction log.",
"",
"## Every request",
"",
"| request | connections | requests/s | p50 | p99 | p99.9 | errors | load average |",
"| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |",
([$r | to_entries[] | select(.value | objects | .tool == "wrk")
  | select(.key | IN("static", "fastcgi") | not) | .value]
 | sort_by(.label, .connections)[]
 | "| \(.label) | \(.connections) | \(.rps | rps) | \(.latency_ms.p50 | ms) | \(.latency_ms.p99 | ms) | \(.latency_ms.p999 | ms) | \(. | errors) | \(. | loads) |"),
(if $r.case.skipped then "| `POST /api/v1/cases` | | skipped: \($r.case.reason) | | | | | |" else empty end),
"",
"The list and the search against their database ceiling, pgbench with the same statement" +
" and \($r.db_list.clients) clients:",
"",
"| statement | transactions/s | p50 | p99 | product at \($s.connections) connections as a share |",
"| --- | ---: | ---: | ---: | ---: |",
"| first list page | \($r.db_list.rps | rps) | \($r.db_list.latency_ms.p50 | ms) | \($r.db_list.latency_ms.p99 | ms) | \($q.list_to_database | pct) |",
"| search `q=\($s.search)` | \($r.db_search.rps | rps) | \($r.db_search.latency_ms.p50 | ms) | \($r.db_search.latency_ms.p99 | ms) | \($q.search_to_database | pct) |",
(if $r.fsync then
  "",
  "A create commits a transaction, and PostgreSQL flushes the WAL at every commit" +
  " (`synchronous_commit` is on). pg_test_fsync measured \($r.fsync.fdatasync_ops | rps)" +
  " `fdatasync` calls per second for one 8 kB write on the file system of the database;" +
  " concurrent commits can share one flush." else empty end),
"",
"## Many tenants",
"",
"| measurement | requests/s | p50 | p99 | errors | load average |",
"| --- | ---: | ---: | ---: | --- | --- |",
"| one small tenant | \($r.single.rps | rps) | \($r.single.latency_ms.p50 | ms) | \($r.single.latency_ms.p99 | ms) | \($r.single | errors) | \($r.single | loads) |",
"| \($s.tenants | commas) tenants, recycling after \($s.recycle_tenants_default) tenants (default) | \($r.spread.rps | rps) | \($r.spread.latency_ms.p50 | ms) | \($r.spread.latency_ms.p99 | ms) | \($r.spread | errors) | \($r.spread | loads) |",
"| \($s.tenants | commas) tenants, recycling after \($mem_high.recycle_tenants | commas) tenants, after \($mem_high.warmup.requests | commas) requests of warm-up | \($r.spread_no_recycle.rps | rps) | \($r.spread_no_recycle.latency_ms.p50 | ms) | \($r.spread_no_recycle.latency_ms.p99 | ms) | \($r.spread_no_recycle | errors) | \($r.spread_no_recycle | loads) |",
"",
"A worker keeps one PostgreSQL connection and reconnects after serving" +
" `LENDASTACK_PG_RECYCLE_TENANTS` distinct tenants (default \($s.recycle_tenants_default))." +
" When requests spread at random over more tenants than that, most of them reach a backend" +
" that has not served their tenant since it connected: PostgreSQL then reads the tenant's" +
" catalog entries, and the server prepares its statement, which PostgreSQL plans again for" +
" that tenant. Without recycling, every backend keeps the catalog entries and plans of every" +
" tenant it served, which the memory below shows. Measured this way, serving a request" +
" over \($s.tenants | commas) tenants took \((1000000 / $r.spread.rps) - (1000000 / $r.single.rps) | commas) µs" +
" more of the machine's time than on one tenant with recycling at its default, and" +
" \((1000000 / $r.spread_no_recycle.rps) - (1000000 / $r.single.rps) | commas) µs more without it.",
"",
"Memory after each run over every tenant, the largest of the \($s.workers) workers and of" +
" their PostgreSQL backends. A worker's RSS is VmRSS from /proc. A backend's memory is the" +
" grand total of its memory contexts, which `pg_log_backend_memory_contexts()` writes to" +
" the server log, and its private anonymous memory (RssAnon) from /proc; shared buffers are" +
" not counted.",
"",
"| connection recycling | worker RSS | worker peak RSS | backend memory contexts | of which CacheMemoryContext | backend RssAnon |",
"| --- | ---: | ---: | ---: | ---: | ---: |",
([$mem_low, $mem_default, $mem_high][] | select(. != null)
 | "| after \(.recycle_tenants | commas) tenants | \(.worker_rss_max_kib | mib) | \([.workers[].hwm_kib] | max | mib) | \(.backend_contexts_max_bytes | mib_bytes) | \([.backends[].cache_context_bytes | select(. != null)] | max | mib_bytes) | \(.backend_anon_max_kib | mib) |"),
"",
"A worker's peak RSS includes sign-ins: Argon2id allocates 19 MiB per password hash." +
(if $mem_high.backend_contexts_max_bytes != null then
  " Without recycling, a backend held about \($mem_high.backend_contexts_max_bytes / $tenants_per_backend / 1024 | round) KiB" +
  " of memory contexts per tenant it served, after \($mem_high.warmup.requests | commas) requests over" +
  " \($s.tenants | commas) tenants, of which each backend serves about \($tenants_per_backend | commas)" +
  " (\($s.groups // 1) worker groups)."
 else "" end),
"",
"Tenant operations, with `lendastack-tenant`:",
"",
"| operation | result |",
"| --- | --- |",
"| create a tenant, one after another (\($r.provisioning.tenants | commas) tenants), the command's own timing of its transaction | median \($r.provisioning.create_ms.p50 | ms), p90 \($r.provisioning.create_ms.p90 | ms), max \($r.provisioning.create_ms.max | ms) |",
"| the same, first 20 and last 20 tenants | median \($r.provisioning.first_20_ms.p50 | ms) and \($r.provisioning.last_20_ms.p50 | ms) |",
"| the whole command, process start and connection included | median \($r.provisioning.command_ms.p50 | ms), p90 \($r.provisioning.command_ms.p90 | ms) |",
"| `migrate --all` with nothing to do, \($r.migrate.tenants | commas) tenants (median of 3) | \($r.migrate.nothing_to_do_median_seconds | seconds) |",
"| `migrate --all` (\($r.migrate.jobs) jobs) with one `ADD COLUMN` migration, \($r.migrate.tenants | commas) tenants | \($r.migrate.add_column.seconds | seconds) |",
"",
"## CSV import",
"",
(if $r.imports.skipped then "Skipped: \($r.imports.reason)."
 else
  "| rows | HTTP status | rows/s | wall time | created | duplicates | invalid |",
  "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ($r.imports.runs[] | "| \(.rows | commas) | \(.http_status) | \(.rows_per_second | commas) | \(.wall_ms / 1000 | seconds) | \(.counts.created // dash) | \(.counts.duplicates // dash) | \(.counts.invalid // dash) |"),
  "",
  "The wall time runs from sending the file to reading the import's status as done (polled every 0.2 s)."
 end),
"",
"## Instructions per request",
"",
"valgrind's callgrind counted the instructions of one worker serving" +
" \($r.callgrind.requests | commas) GET-by-code requests in the large tenant, after" +
" 200 unmeasured ones: **\($r.callgrind.instructions_per_request | commas) instructions per" +
" request** in user space. System calls and the other processes are not counted.",
"",
"| library | instructions per request | share |",
"| --- | ---: | ---: |",
($r.callgrind.by_object[0:10][] | "| \(.object) | \(.per_request | commas) | \(.share | pct) |"),
"",
"The server's functions by inclusive cost (with what they call):",
"",
"| function | instructions per request |",
"| --- | ---: |",
($r.callgrind.top_inclusive[0:20][] | "| `\(.function)` | \(.per_request | commas) |"),
"",
"Functions by self cost (libjansson has no symbols, so its functions show as addresses):",
"",
"| function | library | instructions per request |",
"| --- | --- | ---: |",
($r.callgrind.top_self[0:15][] | "| `\(.function)` | \(.object) | \(.per_request | commas) |"),
"",
"## Running it",
"",
"`make bench` builds the release binaries and runs `scripts/bench` with its defaults;" +
" this run took \($r.run.seconds / 60 | . * 10 | round / 10) minutes. `scripts/bench --help`" +
" lists the options (data sizes, connections, durations, `--quick` for a short smoke run)." +
" The script starts its own PostgreSQL, Redis, nginx and server on free loopback ports in a" +
" temporary folder and stops them at the end.",
""
] | .[]
