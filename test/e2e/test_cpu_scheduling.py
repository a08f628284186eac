# SPDX-License-Identifier: Apache-2.0
"""cpu_scheduling: every thread of the server runs SCHED_BATCH by default
(set before the first thread starts, so all of them inherit it), SCHED_OTHER
with cpu_scheduling=normal, and any other value stops the start."""

import os
import subprocess

import pytest

SCHED_OTHER, SCHED_BATCH = 0, 3


def thread_policies(pid):
    """{tid: policy} from /proc/PID/task/*/stat (field 41, after the comm)."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with open(f"/proc/{pid}/task/{tid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        out[int(tid)] = int(fields[38])  # field 41 counted from 1; fields[0] is field 3
    return out


def busy_threads(gh):
    """Makes the server start its request and writer threads."""
    for i in range(3):
        r = gh.api.post("/v1/organizations", json={"name": f"Sched {i}"})
        assert r.status_code == 201, r.text


@pytest.mark.backends("sqlite")
def test_every_thread_runs_sched_batch_by_default(gatehouse):
    busy_threads(gatehouse)
    policies = thread_policies(gatehouse.pid)
    assert len(policies) >= 3, policies  # main, listener, workers at least
    assert set(policies.values()) == {SCHED_BATCH}, policies


@pytest.mark.backends("sqlite")
def test_normal_keeps_sched_other(gatehouse_factory):
    gh = gatehouse_factory(extra_args=("--cpu-scheduling", "normal"))
    busy_threads(gh)
    policies = thread_policies(gh.pid)
    assert set(policies.values()) == {SCHED_OTHER}, policies


@pytest.mark.backends("sqlite")
def test_an_unknown_policy_stops_the_start(gatehouse_factory):
    gh = gatehouse_factory(extra_args=("--cpu-scheduling", "fifo"), start=False)
    out = subprocess.run(gh.argv(), env=gh.env(), capture_output=True, text=True, timeout=30,
                         cwd=gh.dir)
    assert out.returncode != 0, out
    assert "cpu_scheduling must be batch or normal" in out.stderr, out.stderr
