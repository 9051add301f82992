/*
 * cli/report_fetch.c
 *		What both report readers (report_fetch_pg.c, report_fetch_mariadb.c)
 *		share: an empty report, copies and numbers of result columns, growing
 *		the row arrays.
 */
#include <stdlib.h>
#include <string.h>

#include "report_fetch.h"

void
report_window_init(UkReportWindow *out)
{
	memset(out, 0, sizeof(*out));
	out->entered_at = -1;
	out->exited_at = -1;
	out->expected_end = -1;
	out->unattributed_statements = -1;
	out->exit_status = -1;
}

char *
report_dup(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

double
report_num(const char *s, double dflt)
{
	char	   *end;
	double		v;

	if (s == NULL || s[0] == '\0')
		return dflt;
	v = strtod(s, &end);
	return *end == '\0' ? v : dflt;
}

int64_t
report_int(const char *s, int64_t dflt)
{
	char	   *end;
	long long	v;

	if (s == NULL || s[0] == '\0')
		return dflt;
	v = strtoll(s, &end, 10);
	return *end == '\0' ? (int64_t) v : dflt;
}

int
report_grow(void **arr, size_t n, size_t *cap, size_t sz)
{
	void	   *p;
	size_t		ncap;

	if (n < *cap)
		return 1;
	ncap = *cap ? *cap * 2 : 64;
	p = realloc(*arr, ncap * sz);
	if (p == NULL)
		return 0;
	memset((char *) p + *cap * sz, 0, (ncap - *cap) * sz);
	*arr = p;
	*cap = ncap;
	return 1;
}
