-- wrk script: POST the file named by $BODY_FILE to $BODY_PATH (default /backward) as JSON, and
-- print report.lua's RESULT line at the end.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
local file = assert(io.open(os.getenv("BODY_FILE"), "rb"), "BODY_FILE not readable")
wrk.method = "POST"
wrk.path = os.getenv("BODY_PATH") or "/backward"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"
