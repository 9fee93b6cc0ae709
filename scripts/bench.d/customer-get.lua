-- GET /api/v1/customers/{code}: each request draws a session (a tenant) and
-- one of its customer codes at random.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function request()
    local session = sessions[math.random(#sessions)]

    return wrk.format("GET", "/api/v1/customers/" .. random_code(session), session.headers)
end
