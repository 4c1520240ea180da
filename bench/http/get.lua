-- wrk script: GET (keep-alive), printing report.lua's RESULT line.
dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "") .. "report.lua")
