# bench/lib.sh: helpers the benchmark scripts share.  Source it.

# median: the median of the numbers on standard input (separated by spaces
# or newlines; blank entries ignored)
median() {
	tr ' ' '\n' | grep -v '^$' | sort -g |
		awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
