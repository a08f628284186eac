# SPDX-License-Identifier: Apache-2.0
"""Test-side helpers for the end-to-end suite (processes, DNS, webhooks)."""
