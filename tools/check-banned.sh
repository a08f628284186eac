#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Banned functions (STYLE.md §10). base/banned.h catches most at compile time;
# this also catches the ones a macro cannot (and files that skip common.h).
set -eu
cd "$(dirname "$0")/.."
pattern='\b(strcpy|strcat|strncpy|strncat|sprintf|vsprintf|gets|strtok|atoi|atol|atof|rand|srand|gmtime|localtime|ctime|asctime|mktemp|tmpnam|system|popen|alloca)\s*\('
if grep -nE "$pattern" $(find src -name '*.c' ! -name '*_test.c') | grep -v 'banned.h'; then
	echo "banned function used (see STYLE.md §10)"
	exit 1
fi
echo "banned: clean"
