# SPDX-License-Identifier: Apache-2.0
"""Loopback ports and polling."""

import random
import socket
import time


def free_port(udp_too=False, port_range=None):
    """A loopback port that nothing listens on right now (TCP, and UDP when
    udp_too). The caller binds it soon after; a rare race is retried by the
    callers that start servers. port_range (lo, hi) picks from a private range
    instead of the kernel's ephemeral ports, for a server that is restarted on
    the same port while other suites on this machine pick ports too."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            if port_range:
                try:
                    s.bind(("127.0.0.1", random.randint(*port_range)))
                except OSError:
                    continue
            else:
                s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            if not udp_too:
                return port
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
                    u.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free loopback port found")


def wait_until(pred, timeout, interval=0.05, what="condition"):
    """Polls pred() until it returns a true value (returned) or timeout
    seconds pass (TimeoutError)."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)
