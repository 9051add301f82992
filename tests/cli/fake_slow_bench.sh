#!/bin/bash
# tests/cli/fake_slow_bench.sh: bench migrate's lines, slowly, for the
# terminal test: two patches, each printing numbered lines while it runs,
# the second waiting until the file $1 exists before it ends.
set -u
echo "Migrating site1.local"
echo "Executing erpnext.patches.v15_0.first_patch in site1.local (_db)"
for i in $(seq 1 5); do echo "first patch line $i of 5"; done
echo "Success: Done in 0.1s"
echo "Executing erpnext.patches.v15_0.long_running_patch in site1.local (_db)"
for i in $(seq 1 30); do
	echo "long patch line $i of 30 ................................................"
	sleep 0.05
done
while [ ! -e "$1" ]; do sleep 0.1; done
echo "Success: Done in 2.5s"
