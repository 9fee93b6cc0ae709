-- GET of the path in BENCH_PATH (a list page, a search, a static file) with the
-- first session's host name and cookie.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

local path = os.getenv("BENCH_PATH")

function request()
    return wrk.format("GET", path, sessions[1].headers)
end
