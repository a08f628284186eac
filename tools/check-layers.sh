#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Layering (STYLE.md §3, with the departures in docs/ARCHITECTURE.md): every
# #include "dir/..." in src/<module>/ must be a dependency the table allows.
set -eu
cd "$(dirname "$0")/.."
allowed() {
	case "$1" in
	base) echo "base" ;;
	crypto) echo "base crypto" ;;
	jose) echo "base crypto jose" ;;
	oidc_op) echo "base crypto jose model oidc_op" ;;
	oidc_rp) echo "base crypto jose oidc_rp" ;;
	config) echo "base config" ;;
	http) echo "base http" ;;
	model) echo "base model" ;;
	store) echo "base model store" ;;
	app) echo "base crypto config jose model store app" ;;
	saml) echo "base crypto saml" ;;
	scim) echo "base crypto model scim" ;;
	dns) echo "base crypto config model store app dns" ;;
	webhook) echo "base crypto config model store app http webhook" ;;
	routes) echo "base crypto config jose model store app http dns webhook oidc_op oidc_rp saml scim routes" ;;
	cli) echo "base crypto config jose model store app http dns webhook oidc_op oidc_rp saml scim routes cli" ;;
	*) echo "" ;;
	esac
}
bad=0
for f in $(find src -name '*.[ch]' ! -name '*_test.c' | sort); do
	mod=$(echo "$f" | cut -d/ -f2)
	case "$mod" in *.c | *.h) continue ;; esac
	ok=$(allowed "$mod")
	for dep in $(grep -oE '^#include "[a-z_]+/' "$f" | sed 's/#include "//; s|/$||' | sort -u); do
		case " $ok " in
		*" $dep "*) ;;
		*) echo "$f: $mod may not include $dep/"; bad=1 ;;
		esac
	done
done
[ $bad -eq 0 ] && echo "layers: clean"
exit $bad
