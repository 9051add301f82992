/*
 * uk_grants_int.h
 *		Private to uk_grants.c and uk_grants_account.c.
 */
#ifndef UK_GRANTS_INT_H
#define UK_GRANTS_INT_H

#include <stddef.h>

/*
 * NULL when name is a usable user or host name of at most max characters
 * (non-empty, valid UTF-8, no control character), else why not, as words
 * that follow "the user name".
 */
extern const char *uk_grants_name_problem(const char *name, size_t max);

#endif							/* UK_GRANTS_INT_H */
