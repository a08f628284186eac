-- SPDX-License-Identifier: Apache-2.0
-- Request generator for bench/sso_bench.py (wrk 4.1, LuaJIT).
--
--   wrk -t2 -c8 -d5s -s bench/sso_wrk.lua URL -- MODE FILE THREADS ARG
--
-- MODE acs    one complete SAML sign-in per line of FILE (the prepared SAMLResponse/
--             RelayState form, the binding cookie /sso/start set in the browser that
--             started it, the app's state, the request id): POST {path} (the ACS), then
--             the GET /sso/finish/... it answers with (303), carrying that browser's
--             cookie; a 302 to the app with code= ends the sign-in. Thread i takes lines
--             i, i+THREADS, ... Codes are appended to ARG.<thread> for the token run, and
--             "L <latency_us> <end_us>" per sign-in (ACS POST sent -> code received) and
--             "S <first_us>" to ARG.<thread>.lat. Lines are "FORM<TAB>COOKIE<TAB>STATE<TAB>REQUEST".
-- MODE token  POST {path} (/oauth2/token) with each code of FILE once, authorization_code
--             with PKCE; ARG is "client_id:secret:redirect_uri:verifier" (base64 of the
--             first two is sent as client_secret_basic).
--
-- Every line is used once (a SAML response or a code cannot be replayed): a thread
-- stops when its share is used up. The rate is computed here from the first request
-- to the last answer (monotonic clock through LuaJIT's ffi), as wrk's own duration
-- would include the idle time after a thread stopped. done() prints
-- "BENCH_JSON {...}": good answers, elapsed, wrk's per-request p50/p99 (us), errors.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } gh_timespec;
int clock_gettime(int clk, gh_timespec *ts);
]]
local ts = ffi.new("gh_timespec")
local function now_us()
	ffi.C.clock_gettime(1, ts)
	return tonumber(ts.tv_sec) * 1000000 + tonumber(ts.tv_nsec) / 1000
end

local threads_started = 0
local thread_list = {}

function setup(thread)
	threads_started = threads_started + 1
	thread:set("tid", threads_started)
	table.insert(thread_list, thread)
end

local mode, path, out_prefix
local bodies, n, at = {}, 0, 0
local headers = {}
local codes_out, lat_out = nil, nil
local stopping = false
local states = {}               -- acs: the app state of each line
local cookie_of = {}            -- acs: request id -> the browser's binding cookie
local pending = {}               -- acs: finish requests to send, FIFO
local started = {}               -- acs: state -> ACS POST sent at (us)
local cookie_name = "gh_sso"
first_us, last_us, good, bad = 0, 0, 0, 0

local function b64(s)
	local chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	return ((s:gsub(".", function(x)
		local r, b = "", x:byte()
		for i = 8, 1, -1 do r = r .. (b % 2 ^ i - b % 2 ^ (i - 1) > 0 and "1" or "0") end
		return r
	end) .. "0000"):gsub("%d%d%d?%d?%d?%d?", function(x)
		if #x < 6 then return "" end
		local c = 0
		for i = 1, 6 do c = c + (x:sub(i, i) == "1" and 2 ^ (6 - i) or 0) end
		return chars:sub(c + 1, c + 1)
	end) .. ({ "", "==", "=" })[#s % 3 + 1])
end

function init(args)
	mode, path = args[1], wrk.path
	local file, nthreads, arg = args[2], tonumber(args[3]), args[4]
	local me = tonumber(tid) or 1
	headers["Content-Type"] = "application/x-www-form-urlencoded"
	local redirect_uri, verifier
	if mode == "token" then
		local id, secret, rest = arg:match("^([^:]+):([^:]+):(.*)$")
		redirect_uri, verifier = rest:match("^(.*):([^:]+)$")
		headers["Authorization"] = "Basic " .. b64(id .. ":" .. secret)
	else
		out_prefix = arg
	end
	local i = 0
	for line in io.lines(file) do
		i = i + 1
		if #line > 0 and (i - 1) % nthreads == me - 1 then
			n = n + 1
			if mode == "token" then
				bodies[n] = "grant_type=authorization_code&code=" .. line ..
				    "&redirect_uri=" .. redirect_uri:gsub("[^%w]", function(c)
					    return string.format("%%%02X", c:byte())
				    end) .. "&code_verifier=" .. verifier
			else
				local form, cookie, state, areq =
				    line:match("^([^\t]+)\t([^\t]+)\t([^\t]+)\t([^\t]+)$")
				bodies[n], states[n] = form, state
				cookie_of[areq] = cookie
			end
		end
	end
	if mode == "acs" then
		codes_out = io.open(out_prefix .. "." .. me, "w")
		lat_out = io.open(out_prefix .. "." .. me .. ".lat", "w")
	end
end

function request()
	if first_us == 0 then
		first_us = now_us()
		if lat_out then
			lat_out:write(string.format("S %d\n", first_us))
		end
	end
	if #pending > 0 then
		local p = table.remove(pending, 1)
		return wrk.format("GET", p[1], { ["Cookie"] = cookie_name .. "=" .. p[2] })
	end
	if at >= n then
		-- this thread's share is used up: stop (what is in flight is not counted)
		stopping = true
		wrk.thread:stop()
		return wrk.format("GET", "/healthz")
	end
	at = at + 1
	if mode == "acs" then
		started[states[at]] = now_us()
	end
	return wrk.format("POST", path, headers, bodies[at])
end

function response(status, hdrs, body)
	if stopping and status == 200 and not body:find('"id_token"', 1, true) then
		return -- the /healthz sent when the share ran out
	end
	last_us = now_us()
	if mode == "acs" then
		local loc = hdrs["Location"] or hdrs["location"]
		if status == 303 and loc then
			-- the ACS's hand-off: the browser that started this sign-in follows it
			local rel = loc:gsub("^https?://[^/]+", "")
			local areq = rel:match("^/sso/finish/([^?]+)")
			table.insert(pending, { rel, cookie_of[areq] or "none" })
			return
		end
		local code = status == 302 and loc and loc:match("[?&]code=([^&]+)")
		local st = loc and loc:match("[?&]state=([^&]+)")
		if code and st and started[st] then
			good = good + 1
			codes_out:write(code, "\n")
			codes_out:flush()
			lat_out:write(string.format("L %d %d\n", last_us - started[st], last_us))
			lat_out:flush()
		else
			bad = bad + 1
		end
	elseif status == 200 and body:find('"id_token"', 1, true) then
		good = good + 1
	else
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	local first, last, g, b = nil, 0, 0, 0
	for _, t in ipairs(thread_list) do
		local f = t:get("first_us") or 0
		if f > 0 and (first == nil or f < first) then first = f end
		local l = t:get("last_us") or 0
		if l > last then last = l end
		g = g + (t:get("good") or 0)
		b = b + (t:get("bad") or 0)
	end
	local elapsed = (first and last > first) and (last - first) or summary.duration
	io.write(string.format('BENCH_JSON {"good":%d,"bad":%d,"elapsed_us":%d,"p50_us":%d,' ..
		'"p99_us":%d,"socket_errors":%d}\n', g, b, elapsed, latency:percentile(50),
		latency:percentile(99), summary.errors.connect + summary.errors.read +
		summary.errors.write + summary.errors.timeout))
end
