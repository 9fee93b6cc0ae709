-- POST /api/v1/cases for a random customer of the first session's tenant.
dofile(os.getenv("BENCH_LUA_DIR") .. "/common.lua")

function request()
    local session = sessions[1]
    local body = string.format('{"customer":"%s","subject":"Bench case"}', random_code(session))

    return wrk.format("POST", "/api/v1/cases", session.json_headers, body)
end
