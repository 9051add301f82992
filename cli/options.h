/*
 * cli/options.h
 *		Reading option values: durations ("45m", "30s", "1h30m"), whole
 *		numbers, and the usage errors every subcommand prints the same way.
 */
#ifndef UP_OPTIONS_H
#define UP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#define UP_PROG "upkeep"

/*
 * A duration: one or more <number><unit> with unit h, m, s or ms ("1h30m",
 * "45m", "90s", "500ms"), or a bare whole number of seconds.  At most ten
 * years.  Returns true and the seconds in *out, or false with a message
 * in err.
 */
extern bool up_parse_duration(const char *s, double *out, char *err, size_t errlen);

/* A whole number in [min, max]; false with a message in err otherwise. */
extern bool up_parse_long(const char *s, long min, long max, long *out,
						  char *err, size_t errlen);

/*
 * Print "upkeep CMD: message" and the hint "Try \"upkeep CMD --help\"." to
 * stderr; returns UP_EXIT_USAGE for the caller to return.
 */
extern int	up_usage_error(const char *cmd, const char *fmt,...)
			__attribute__((format(printf, 2, 3)));

/* Print "upkeep: message" (and a newline) to stderr. */
extern void up_error(const char *fmt,...) __attribute__((format(printf, 1, 2)));

/* Print "upkeep: warning: message" to stderr. */
extern void up_warning(const char *fmt,...) __attribute__((format(printf, 1, 2)));

#endif							/* UP_OPTIONS_H */
