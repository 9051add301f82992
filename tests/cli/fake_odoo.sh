#!/bin/bash
# tests/cli/fake_odoo.sh: a stand-in for `odoo -d DB -u all --stop-after-init`
# in the CLI tests.  It logs exactly as Odoo does (on stderr, in the format
# of odoo/netsvc.py; see libcommon's uk_runlog_odoo.c) and runs each
# module's and migration script's SQL through psql with the environment it
# inherited, each statement marked 'mark-<tag>'.  As fake_bench.sh, it
# waits until the server shows the module or step open before its SQL.
#
# FAKE_FAIL=bad_query: logs "bad query:" in module sale and exits 1.
set -u
DB=prod

log() { echo "2024-05-02 09:14:03,512 $$ ${2:-INFO} $DB $1" >&2; }

sql() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$2 /* mark-$1 */" >/dev/null; }

wait_open() {
	local name=${1:0:256} cur
	for _ in $(seq 1 100); do
		cur=$(PGOPTIONS="${PGOPTIONS-} -c upkeep.window_attribution=off" psql -X -q -At \
			-c "SELECT coalesce(to_jsonb(m)->>'window_patch', '') FROM upkeep.maintenance m" 2>/dev/null)
		[ "$cur" = "$name" ] && return 0
		sleep 0.1
	done
	echo "fake_odoo: the server never showed \"$name\" open" >&2
}

log "odoo: Odoo version 17.0"
log "odoo.modules.loading: loading 1 modules..."
log "odoo.modules.loading: Loading module base (1/2)"
wait_open base
sql base "SELECT 'mark-base'"
log "odoo.modules.migration: module base: Running migration [17.0.1.3>] post-fix_partners"
wait_open "base:post-fix_partners"
sql base_mig "SELECT 'mark-base_mig'"
log "odoo.modules.loading: Module base loaded in 0.52s, 120 queries (+120 other)"
log "odoo.modules.loading: Loading module sale (2/2)"
wait_open sale
sql sale "SELECT 'mark-sale'"
if [ "${FAKE_FAIL:-}" = bad_query ]; then
	sql sale "UPDATE no_such_table SET x = 1" 2>/dev/null
	log "odoo.sql_db: bad query: UPDATE no_such_table SET x = 1" ERROR
	log "odoo.modules.registry: Failed to load registry" CRITICAL
	exit 1
fi
log "odoo.modules.loading: Module sale loaded in 0.10s, 12 queries"
log "odoo.modules.loading: 2 modules loaded in 0.62s, 132 queries"
exit 0
