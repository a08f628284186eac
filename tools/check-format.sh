#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Fails when a C file is not clang-format clean (make fmt fixes it).
set -eu
cd "$(dirname "$0")/.."
bad=0
for f in $(find src test/harness fuzz -name '*.[ch]' | sort); do
	if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "not formatted: $f"
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "format: clean"
exit $bad
