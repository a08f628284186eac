# SPDX-License-Identifier: Apache-2.0
"""Libraries loaded on first use (issue 2, idle memory): the server links
neither libcurl nor libpq. An idle server on SQLite must not have them mapped;
the first outbound call loads libcurl, the first PostgreSQL connection libpq;
and when one cannot be loaded, the feature that needs it fails with a clear
error naming it while the rest of the server works."""

import os

import pytest

from ghtest.checks import assert_problem


def mapped_libraries(pid):
    """File names of the shared objects mapped into process pid."""
    with open(f"/proc/{pid}/maps") as f:
        paths = {line.split()[-1] for line in f if "/" in line}
    return {os.path.basename(p) for p in paths if ".so" in p}


def has(libs, prefix):
    return any(name.startswith(prefix) for name in libs)


def unloadable(tmp_path, soname):
    """A directory holding a file named soname that is not a library: with it
    first on LD_LIBRARY_PATH, dlopen(soname) fails."""
    d = tmp_path / "unloadable"
    d.mkdir()
    (d / soname).write_text("not a shared library\n")
    return str(d)


@pytest.mark.backends("sqlite")
def test_idle_sqlite_server_maps_neither_libcurl_nor_libpq(gatehouse, webhook_receiver):
    assert gatehouse.anon.get("/healthz").status_code == 200
    libs = mapped_libraries(gatehouse.pid)
    assert has(libs, "libsqlite3.so"), sorted(libs)  # the maps are read right
    assert not has(libs, "libcurl.so"), sorted(libs)
    assert not has(libs, "libpq.so"), sorted(libs)
    # The first outbound-URL check loads libcurl, and libpq stays out.
    r = gatehouse.api.post("/v1/webhook_endpoints", json={"url": webhook_receiver.url + "/a"})
    assert r.status_code == 201, r.text
    libs = mapped_libraries(gatehouse.pid)
    assert has(libs, "libcurl.so.4"), sorted(libs)
    assert not has(libs, "libpq.so"), sorted(libs)


@pytest.mark.backends("postgres")
def test_postgres_server_loads_libpq_but_not_libcurl(gatehouse):
    libs = mapped_libraries(gatehouse.pid)
    assert has(libs, "libpq.so.5"), sorted(libs)
    assert not has(libs, "libcurl.so"), sorted(libs)


def test_without_libcurl_outbound_calls_fail_with_503_naming_it(gatehouse_factory, tmp_path):
    gh = gatehouse_factory(env={"LD_LIBRARY_PATH": unloadable(tmp_path, "libcurl.so.4")})
    r = gh.api.post("/v1/webhook_endpoints", json={"url": "https://hooks.example.com/a"})
    body = assert_problem(r, 503, "library_unavailable")
    assert "libcurl.so.4" in body["detail"] and "libcurl4" in body["detail"], body
    # Every later call fails the same way (the load is tried once), and the rest works.
    r = gh.api.post("/v1/webhook_endpoints", json={"url": "https://hooks.example.com/b"})
    assert_problem(r, 503, "library_unavailable")
    assert gh.api.get("/v1/organizations").status_code == 200
    assert gh.anon.get("/healthz").status_code == 200


def test_without_libpq_a_postgres_database_fails_naming_it(gatehouse_factory, tmp_path):
    # libpq is missing, so nothing is ever sent to this address.
    gh = gatehouse_factory(db_url="postgresql://gatehouse@127.0.0.1:9/gatehouse", start=False,
                           env={"LD_LIBRARY_PATH": unloadable(tmp_path, "libpq.so.5")})
    out = gh.migrate()
    assert out.returncode == 3, out  # database unavailable
    assert "libpq.so.5" in out.stderr and "libpq5" in out.stderr, out.stderr
