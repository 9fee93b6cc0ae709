-- POST /api/v1/customers in the first session's tenant. Every request carries
-- an email address no other request of any run uses, so none is a duplicate.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local run_id = os.getenv("BENCH_RUN_ID")
local created = 0

function request()
    local session = sessions[1]

    created = created + 1
    local body = string.format(
        '{"kind":"person","first_name":"Bench","last_name":"Create",' ..
        '"email":"create-%s-%d-%d@example.com"}', run_id, thread_number, created)
    return wrk.format("POST", "/api/v1/customers", session.json_headers, body)
end
