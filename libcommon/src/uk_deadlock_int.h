/*
 * uk_deadlock_int.h
 *		Internals shared by the deadlock source files (uk_deadlock.c and
 *		the parsers uk_deadlock_pg.c, uk_deadlock_innodb.c); not part of
 *		the public interface (that is uk_deadlock.h).
 *
 * Defined in uk_deadlock.c.  All of them work on caller memory and never
 * read past len; the text setters cut to a byte limit on a UTF-8 boundary.
 */
#ifndef UK_DEADLOCK_INT_H
#define UK_DEADLOCK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uk_deadlock.h"

/* First occurrence of needle in hay[0..hlen), or NULL. */
extern const char *uk_dl_mem_find(const char *hay, size_t hlen,
								  const char *needle, size_t nlen);

/* Last occurrence of needle in hay[0..hlen), or NULL. */
extern const char *uk_dl_mem_find_last(const char *hay, size_t hlen,
									   const char *needle, size_t nlen);

/* Does s[0..len) start with the NUL-terminated lit? */
extern bool uk_dl_starts_with(const char *s, size_t len, const char *lit);

/* Length of the line at s (without its '\n'). */
extern size_t uk_dl_line_len(const char *s, size_t len);

/*
 * Read an unsigned decimal at s[*pos] (at least one digit, no more than
 * max); advances *pos.
 */
extern bool uk_dl_read_uint(const char *s, size_t len, size_t *pos,
							uint64_t max, uint64_t *out);

/* Copy s[0..len) into a fixed field of cap bytes (cap - 1 usable). */
extern void uk_dl_copy_fixed(char *dst, size_t cap, const char *s, size_t len);

/* Replace *field by a copy of s[0..len) cut to max bytes; false on OOM. */
extern bool uk_dl_set_text(char **field, const char *s, size_t len,
						   size_t max);

/* Set up *d for parsing; false on OOM. */
extern bool uk_dl_deadlock_init(UkDeadlock *d);

/* Append a participant with empty strings; NULL when full or on OOM. */
extern UkDeadlockParticipant *uk_dl_deadlock_add(UkDeadlock *d, bool *oom);

/* Free what was parsed (uk_deadlock_free) and return an error. */
extern UkStatus uk_dl_deadlock_fail(UkDeadlock *d, UkError **err,
									UkStatus code, const char *msg);

#endif							/* UK_DEADLOCK_INT_H */
