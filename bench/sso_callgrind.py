#!/usr/bin/python3
"""Instructions per complete SAML sign-in, counted by callgrind (steadier than a rate on a
shared machine).

Starts build/bin/gatehouse under `valgrind --tool=callgrind --instr-atstart=no` on a fresh
SQLite database, sets up what sso_bench.py sets up, signs every person in once (their first
sign-in, JIT provisioning, not counted), then counts the instructions of N sign-ins of the
same, returning people (ACS POST -> 303 -> /sso/finish -> 302 with a code), one at a time,
and prints the total divided by N. The callgrind file is kept for callgrind_annotate.

    /usr/bin/python3 bench/sso_callgrind.py [--n 20] [--out build/sso.callgrind]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scim_bench  # noqa: E402
import sso_bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20)
    ap.add_argument("--out", default=os.path.join(sso_bench.ROOT, "build", "sso.callgrind"))
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    real_bin = scim_bench.BIN
    wrapper = None
    work = tempfile.mkdtemp(prefix="gh-sso-cg.")
    os.chmod(work, 0o711)
    try:
        wrapper = os.path.join(work, "gatehouse-cg")
        with open(wrapper, "w") as f:
            f.write("#!/bin/sh\nexec valgrind --tool=callgrind --instr-atstart=no "
                    f"--callgrind-out-file={out} {real_bin} \"$@\"\n")
        os.chmod(wrapper, 0o755)
        scim_bench.BIN = wrapper
        key = "sk_bench_cg"
        p, port = scim_bench.start("sqlite:" + os.path.join(work, "sso.db"), work, key)
        time.sleep(1)
        sso_bench.USERS = a.n
        s = sso_bench.setup(port, key, "sqlite:" + os.path.join(work, "sso.db"), work)
        started = sso_bench.start_sign_ins(port, s, 2 * a.n, threads=1)
        jobs = "".join(f"{x[0]} {x[1]} {x[2]}\n" for x in started)
        signed = subprocess.run([sso_bench.SIGNER, sso_bench.IDP_KEY, s["template"]],
                                input=jobs.encode(), stdout=subprocess.PIPE,
                                check=True).stdout.decode().splitlines()
        lines = [f"{form}\t{x[3]}\t{x[4]}\t{x[5]}" for form, x in zip(signed, started)]
        sso_bench.warm_up(port, s["acs"], lines[:a.n], threads=1)
        subprocess.run(["callgrind_control", "-i", "on", str(p.pid)], check=True,
                       stdout=subprocess.DEVNULL)
        sso_bench.warm_up(port, s["acs"], lines[a.n:], threads=1)
        subprocess.run(["callgrind_control", "-i", "off", str(p.pid)], check=True,
                       stdout=subprocess.DEVNULL)
        scim_bench.stop(p)
        summary = subprocess.run(["callgrind_annotate", out], capture_output=True, text=True)
        total = next(int(l.split()[0].replace(",", "")) for l in summary.stdout.splitlines()
                     if "PROGRAM TOTALS" in l)
        print(f"{a.n} returning sign-ins: {total:,} instructions, {total // a.n:,} per sign-in "
              f"({out})")
    finally:
        for q in list(scim_bench._procs):
            scim_bench.stop(q)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
