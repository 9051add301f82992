#!/bin/bash
# tests/shell/cli_tty.sh: the live view of `upkeep run` in a real terminal
# (tmux, read back with capture-pane): the status block shows the current
# patch, is redrawn in place (one block on the screen, never scrolled
# copies of it), and the child's lines come through intact.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tests/lib/pg.sh"
. "$TOP/tests/lib/cli.sh"
checks=0
ok() { checks=$((checks + 1)); echo "ok: $*"; }
SESSION=upkeep-tty-$$
fail() {
	echo "FAIL: $*"
	echo "--- screen"; tmux capture-pane -p -t "$SESSION" 2>/dev/null
	exit 1
}
command -v tmux >/dev/null || { echo "FAIL: tmux is not installed (make deps)"; exit 1; }
uk_throwaway_cluster cli_tty || { echo "FAIL: cluster"; exit 1; }
trap 'tmux kill-session -t "$SESSION" 2>/dev/null; pg_stop "$W" immediate 2>/dev/null; rm -rf "$W"' EXIT
cli_build "$TOP" || fail "building the command"
psql_at "$W" "$P" -d postgres -c "CREATE EXTENSION upkeep" >/dev/null || fail "setup"

screen() { tmux capture-pane -p -t "$SESSION"; }
on_screen() { screen | grep -q -- "$1"; }

cat >"$W/run.sh" <<RUN
export PGHOST=$W PGPORT=$P PGUSER=postgres PGDATABASE=postgres
unset NO_COLOR
"$UPKEEP" run --reason "terminal test" --expected 45m --preset frappe -- "$TOP/tests/cli/fake_slow_bench.sh" "$W/go" 2>"$W/err"
echo "runner exit status \$?"
RUN
tmux new-session -d -s "$SESSION" -x 120 -y 40 "bash $W/run.sh; sleep 600" || fail "tmux"

uk_wait 30 on_screen "long patch line 30 of 30" || fail "the child's lines did not arrive"
# the block shows the patch now running, with its time, under the output
uk_wait 10 on_screen "^patch .*erpnext.patches.v15_0.long_running_patch" || fail "the block does not show the current patch"
on_screen "^upkeep run window [0-9]* | .* of 45m00s" || fail "the block does not show the window against its expected end"
ok "the status block shows the window and the current patch"

# redrawn in place: the patch's elapsed time changes, and the screen holds one block
t1=$(screen | grep "^patch " | grep -o "| [0-9.]*s" | head -1)
changed() { [ "$(screen | grep "^patch " | grep -o "| [0-9.]*s" | head -1)" != "$t1" ]; }
uk_wait 10 changed || fail "the block is not redrawn (elapsed stays $t1)"
[ "$(screen | grep -c "^upkeep run window")" = 1 ] || fail "more than one block on the screen"
[ "$(screen | grep -c "^patch ")" = 1 ] || fail "more than one patch line on the screen"
ok "the block is redrawn in place: its time moves, one block on the screen"

# the child's lines are intact: each numbered line whole, in order, once
for i in $(seq 1 30); do
	n=$(screen | grep -c "^long patch line $i of 30 \.*\$")
	[ "$n" -le 1 ] || fail "line $i appears $n times"
done
screen | grep "^long patch line" | awk '{print $4}' >"$W/seen"
sort -n "$W/seen" | cmp -s - "$W/seen" || fail "the child's lines are out of order"
[ "$(screen | grep -c "long patch line .*upkeep\|patch .*long patch line")" = 0 ] || fail "a line of the child is mixed with the block"
ok "the child's lines are intact, in order, not mixed with the block"

touch "$W/go"
uk_wait 30 on_screen "runner exit status 0" || fail "the run did not end"
on_screen "^upkeep: window [0-9]* exited" || fail "no summary after the run"
[ "$(screen | grep -c "^upkeep run window")" = 0 ] || fail "the block stayed on the screen after the run"
screen | grep -q "Success: Done in 2.5s" || fail "the last line of the child is missing"
ok "at the end the block is gone, the child's last line and the summary are there"
echo "cli_tty: $checks checks passed"
