-- SPDX-License-Identifier: Apache-2.0
-- Request generator for bench/bench.py (wrk 4.1, LuaJIT).
--
--   wrk -t2 -c16 -d5s --latency -s bench/wrk.lua http://127.0.0.1:PORT -- MODE TOKEN ARG RUN
--
-- MODE create_user  POST /v1/users with a unique email per request:
--                   b<RUN>-<thread>-<n>@bench.test (thread numbers are given by
--                   setup(), n counts per thread, RUN is unique per wrk run).
-- MODE create_org   POST /v1/organizations with a unique name (hence slug).
-- MODE paths        GET each line of the file ARG in turn (ids pre-created by
--                   bench.py); each thread starts at a different offset.
-- MODE path         GET ARG on every request.
--
-- done() prints one line "BENCH_JSON {...}" that bench.py reads: requests,
-- duration, p50/p99 in microseconds, wrk's status errors (responses >= 400)
-- and socket errors.

local threads_started = 0

function setup(thread)
	threads_started = threads_started + 1
	thread:set("tid", threads_started)
end

local mode, token, arg, run
local counter = 0
local fixed = {} -- pre-formatted requests (paths and path modes)
local nfixed, at = 0, 0
local headers = {}

function init(args)
	mode, token, arg, run = args[1], args[2], args[3], args[4] or "0"
	headers = { ["Authorization"] = "Bearer " .. token }
	if mode == "create_user" or mode == "create_org" then
		headers["Content-Type"] = "application/json"
	elseif mode == "paths" then
		for line in io.lines(arg) do
			if #line > 0 then
				nfixed = nfixed + 1
				fixed[nfixed] = wrk.format("GET", line, headers)
			end
		end
		at = ((tid or 1) * 7919) % nfixed
	elseif mode == "path" then
		nfixed = 1
		fixed[1] = wrk.format("GET", arg, headers)
	else
		error("bench/wrk.lua: unknown mode " .. tostring(mode))
	end
end

function request()
	if mode == "create_user" then
		counter = counter + 1
		local body = string.format(
			'{"email_addresses":["b%s-%d-%d@bench.test"],"first_name":"Bench","last_name":"User %d"}',
			run, tid, counter, counter)
		return wrk.format("POST", "/v1/users", headers, body)
	elseif mode == "create_org" then
		counter = counter + 1
		local body = string.format('{"name":"bench %s-%d-%d"}', run, tid, counter)
		return wrk.format("POST", "/v1/organizations", headers, body)
	end
	at = at % nfixed + 1
	return fixed[at]
end

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		'BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%.0f,"p99_us":%.0f,'
			.. '"status_errors":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d}\n',
		summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
		e.status, e.connect, e.read, e.write, e.timeout))
end
