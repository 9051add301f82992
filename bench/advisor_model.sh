#!/bin/bash
# bench/advisor_model.sh: time of libcommon's index advisor (candidates,
# built-in cost model, selection) on a synthetic workload, no server.
# The issue's bound for the whole advice is 1,000 distinct queries over 20
# tables in under 10 s; this measures the libcommon part of it.
#
# Environment: QUERIES (1000), TABLES (20), ROUNDS (5).
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
QUERIES=${QUERIES:-1000}
TABLES=${TABLES:-20}
ROUNDS=${ROUNDS:-5}
CC=${CC:-gcc}

make -s -C "$TOP/libcommon" all
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
"$CC" -std=gnu99 -O2 -Wall -Wextra -Werror -I"$TOP/libcommon/include" \
	"$TOP/bench/advisor_model.c" "$TOP/libcommon/build/libupkeep_common.a" \
	-o "$TMP/advisor_model"
"$TMP/advisor_model" "$QUERIES" "$TABLES" "$ROUNDS"
