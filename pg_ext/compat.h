/*
 * compat.h
 *		Every PostgreSQL-version difference upkeep cares about, as macros.
 *
 * upkeep is built and tested against PostgreSQL 15.  Support for other
 * major versions is added here, never with #if inside function bodies or
 * signatures elsewhere.
 */
#ifndef UK_COMPAT_H
#define UK_COMPAT_H

#if PG_VERSION_NUM < 150000
#error "upkeep requires PostgreSQL 15 or later"
#endif

/* Unix epoch microseconds <-> TimestampTz (microseconds since 2000-01-01). */
#define UPKEEP_EPOCH_SHIFT_US \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY)
#define UnixUsecsToTimestampTz(us) ((TimestampTz) ((us) - UPKEEP_EPOCH_SHIFT_US))
#define TimestampTzToUnixUsecs(ts) ((int64) (ts) + UPKEEP_EPOCH_SHIFT_US)

#endif							/* UK_COMPAT_H */
