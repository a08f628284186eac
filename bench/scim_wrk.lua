-- SPDX-License-Identifier: Apache-2.0
-- Request generator for bench/scim_bench.py (wrk 4.1, LuaJIT).
--
--   wrk -t2 -c8 -d5s -s bench/scim_wrk.lua URL -- MODE TOKEN ARG RUN
--
-- MODE create  POST {base}/Users: Okta's create body (developer.okta.com SCIM 2.0
--              reference) with a unique userName/email per request:
--              b<RUN>-<thread>-<n>@<ARG domain>.
-- MODE paths   GET each line of file ARG in turn (userName eq lookups).
-- MODE deactivate  PATCH each id (file ARG) with Okta's path-less {"active": false}.
--
-- done() prints "BENCH_JSON {...}": requests, duration, p50/p99 (us), non-2xx, errors.

local threads_started = 0
local thread_list = {}

function setup(thread)
	threads_started = threads_started + 1
	thread:set("tid", threads_started)
	table.insert(thread_list, thread)
end

local mode, token, arg, run, base
local counter = 0
local fixed, nfixed, at = {}, 0, 0
local headers = {}

function init(args)
	mode, token, arg, run = args[1], args[2], args[3], args[4] or "0"
	base = wrk.path
	headers = { ["Authorization"] = "Bearer " .. token,
		    ["Content-Type"] = "application/scim+json" }
	if mode == "paths" or mode == "deactivate" then
		local body = nil
		if mode == "deactivate" then
			body = '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],' ..
			       '"Operations":[{"op":"replace","value":{"active":false}}]}'
		end
		for line in io.lines(arg) do
			if #line > 0 then
				nfixed = nfixed + 1
				if mode == "paths" then
					fixed[nfixed] = wrk.format("GET", line, headers)
				else
					fixed[nfixed] = wrk.format("PATCH", base .. "/Users/" .. line, headers, body)
				end
			end
		end
		at = (tonumber(tid) or 1) * 7919 % math.max(nfixed, 1)
	end
end

function request()
	if mode == "create" then
		counter = counter + 1
		local name = "b" .. run .. "-" .. tid .. "-" .. counter .. "@" .. arg
		local body = '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],' ..
			'"userName":"' .. name .. '","name":{"givenName":"Test","familyName":"User"},' ..
			'"emails":[{"primary":true,"value":"' .. name .. '","type":"work"}],' ..
			'"displayName":"Test User","locale":"en-US","externalId":"00u' .. tid .. "x" .. counter ..
			'","groups":[],"password":"1mz050nq","active":true}'
		return wrk.format("POST", base .. "/Users", headers, body)
	end
	at = at % nfixed + 1
	return fixed[at]
end

-- No response() callback: with one, wrk copies every response's headers and
-- body into Lua (the largest part of its own CPU time on this 2-core machine,
-- taken from the server under test). Statuses >= 400 are counted by wrk itself
-- (summary.errors.status); these routes never answer 3xx.
function done(summary, latency, requests)
	io.write(string.format('BENCH_JSON {"requests":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,' ..
		'"status_errors":%d,"socket_errors":%d}\n', summary.requests, summary.duration,
		latency:percentile(50), latency:percentile(99), summary.errors.status,
		summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
