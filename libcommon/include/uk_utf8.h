/*
 * uk_utf8.h
 *		UTF-8 helpers that sit below the record formats (uk_line.c) and the
 *		modules that use them (patch runs, deadlocks, statements).
 *
 * Included by uk_patch.h, where callers have always found uk_utf8_cut().
 * Pure functions on caller memory; nothing is allocated.
 */
#ifndef UK_UTF8_H
#define UK_UTF8_H

#include <stddef.h>

/*
 * Cut s to at most max bytes without splitting a UTF-8 sequence; returns
 * the new length.  Used for every text field before it is stored.
 */
extern size_t uk_utf8_cut(const char *s, size_t len, size_t max);

#endif							/* UK_UTF8_H */
