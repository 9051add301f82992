/*
 * cli/options.c
 *		Option values shared by the subcommands: durations, numbers, and the
 *		wording of usage errors (exit status 2).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "options.h"

#define TEN_YEARS_S (10.0 * 366 * 24 * 3600)

bool
up_parse_duration(const char *s, double *out, char *err, size_t errlen)
{
	const char *p = s;
	double		total = 0;
	bool		bare = true;

	if (s == NULL || *s == '\0')
	{
		snprintf(err, errlen, "empty duration");
		return false;
	}
	while (*p)
	{
		unsigned long long n = 0;
		const char *digits = p;
		double		unit;

		while (isdigit((unsigned char) *p))
		{
			if (n > 1000000000ULL)
			{
				snprintf(err, errlen, "duration \"%s\" is too large", s);
				return false;
			}
			n = n * 10 + (unsigned) (*p++ - '0');
		}
		if (p == digits)
		{
			snprintf(err, errlen,
					 "invalid duration \"%s\" (use for example 45m, 30s, 1h30m, 500ms)", s);
			return false;
		}
		if (*p == '\0' && bare)
			unit = 1;			/* a bare number: seconds */
		else if (strncmp(p, "ms", 2) == 0)
			unit = 0.001, p += 2;
		else if (*p == 'h')
			unit = 3600, p++;
		else if (*p == 'm')
			unit = 60, p++;
		else if (*p == 's')
			unit = 1, p++;
		else
		{
			snprintf(err, errlen,
					 "invalid duration \"%s\" (use for example 45m, 30s, 1h30m, 500ms)", s);
			return false;
		}
		bare = false;
		total += (double) n * unit;
		if (total > TEN_YEARS_S)
		{
			snprintf(err, errlen, "duration \"%s\" is too large (ten years at most)", s);
			return false;
		}
	}
	*out = total;
	return true;
}

bool
up_parse_long(const char *s, long min, long max, long *out, char *err, size_t errlen)
{
	char	   *end;
	long		v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || isspace((unsigned char) *s))
	{
		snprintf(err, errlen, "invalid number \"%s\"", s);
		return false;
	}
	if (v < min || v > max)
	{
		snprintf(err, errlen, "%ld is out of range (%ld to %ld)", v, min, max);
		return false;
	}
	*out = v;
	return true;
}

int
up_usage_error(const char *cmd, const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "%s %s: ", UP_PROG, cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry \"%s %s --help\" for more information.\n", UP_PROG, cmd);
	return UP_EXIT_USAGE;
}

void
up_error(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "%s: ", UP_PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
up_warning(const char *fmt,...)
{
	va_list		ap;

	fprintf(stderr, "%s: warning: ", UP_PROG);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
