#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Instructions per SCIM user create (issue 4): starts build/bin/gatehouse (SQLite, in a
temporary directory) under valgrind --tool=callgrind, sets up a directory as
scim_bench.py does, POSTs 200 Okta-shaped users, zeroes the counters
(callgrind_control -z), POSTs N more one after another, dumps (callgrind_control -d)
and prints the whole process's instructions / N. The annotated dump is left in
build/scim_callgrind.txt.

usage: bench/scim_callgrind.py [N]   (default 300)"""
import os, sys, subprocess, tempfile, time, json, secrets, glob
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
import scim_bench as sb
N = int(sys.argv[1]) if len(sys.argv) > 1 else 300
wd = tempfile.mkdtemp(prefix="scimcg")
key = "sk_bench_" + secrets.token_hex(16)

db = "sqlite:" + os.path.join(wd, "g.db")
port = sb.free_port()
env = {k: v for k, v in os.environ.items() if not k.startswith("GATEHOUSE_")}
env.update({"GATEHOUSE_SECRET_KEY": key, "TZ": "UTC"})
out = os.path.join(wd, "cg.out")
p = subprocess.Popen(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out + ".%p",
    sb.BIN, "serve", "--listen", f"127.0.0.1:{port}", "--database", db,
    "--public-url", f"http://127.0.0.1:{port}", "--log-level", "warn",
    "--encryption-key-file", os.path.join(wd, "key"), "--webhook-workers", "0"],
    env=env, stdout=subprocess.DEVNULL, stderr=open(os.path.join(wd, "err"), "w"), start_new_session=True)
import socket
for _ in range(600):
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close(); break
    except OSError: time.sleep(0.1)
_, token, base = sb.setup_directory(port, key, db)
h = sb.Http(port, token)
def create(i):
    name = f"cg-{i}@{sb.DOMAIN}"
    body = {"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":name,
            "name":{"givenName":"Test","familyName":"User"},
            "emails":[{"primary":True,"value":name,"type":"work"}],"displayName":"Test User",
            "locale":"en-US","externalId":f"00ux{i}","groups":[],"password":"1mz050nq","active":True}
    st, r = h.call("POST", base + "/Users", body, "application/scim+json")
    assert st == 201, (st, r)
for i in range(200): create(i)
subprocess.run(["callgrind_control", "-z", str(p.pid)], check=True, capture_output=True)
for i in range(200, 200 + N): create(i)
subprocess.run(["callgrind_control", "-d", str(p.pid)], check=True, capture_output=True)
time.sleep(1)
os.kill(p.pid, 15); p.wait()
files = sorted(glob.glob(out + ".*"))
# the first dump (callgrind_control -d) is the measured interval
f = [x for x in files if x.endswith(".1")] or files
r = subprocess.run(["callgrind_annotate", "--inclusive=yes", f[0]], capture_output=True, text=True).stdout
summ = [l for l in r.splitlines() if "PROGRAM TOTALS" in l]
ir = int(summ[0].split()[0].replace(",", ""))
print(f"Ir per create: {ir / N:,.0f}  (N={N})")
with open(os.path.join(ROOT, "build", "scim_callgrind.txt"), "w") as fh:
    fh.write(r)
import shutil
shutil.copy(f[0], os.path.join(ROOT, "build", "scim.callgrind"))  # callgrind_annotate --tree=both
shutil.rmtree(wd, ignore_errors=True)
