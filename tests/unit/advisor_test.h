/*
 * advisor_test.h
 *		What the advisor's unit tests share (test_advisor_*.c): the advice
 *		for one table and one query, with the default options.
 */
#ifndef UK_ADVISOR_TEST_H
#define UK_ADVISOR_TEST_H

#include <stdio.h>

#include "uk_advisor.h"

/* The advice for query q on table t; the count, or -1 on an error (printed). */
static inline int
advise_one(UkEngine e, UkAdvTable t, UkAdvQuery q, UkAdvisor **a,
		   const UkAdvice **adv)
{
	UkAdvWorkload w = {e, &t, 1, &q, 1};
	UkAdvOptions o;
	UkError    *err = NULL;
	int			n = -1;

	uk_adv_options_init(&o);
	*a = NULL;
	if (uk_advisor_create(&w, a, &err) != UK_OK ||
		uk_advisor_select(*a, &o, adv, &n, NULL, NULL, &err) != UK_OK)
	{
		printf("advise: %s\n", err->message);
		uk_error_free(err);
		return -1;
	}
	return n;
}

#endif							/* UK_ADVISOR_TEST_H */
