/*
 * uk_dlog.c
 *		Deadlock log records: formatting and parsing (uk_dlog.h).
 */
#include <stdlib.h>
#include <string.h>

#include "uk_dlog.h"
#include "uk_internal.h"

#define DLOG_FIXED 7			/* "D" and the six fields before the members */
#define DLOG_PER_MEMBER 5
#define DLOG_FIELDS_MAX (DLOG_FIXED + DLOG_PER_MEMBER * UK_DEADLOCK_MAX_PARTICIPANTS)

size_t
uk_dlog_format(const UkDeadlockRec *rec, char *out, size_t cap)
{
	UkLine		lb = {out, cap, 0};
	size_t		n = rec->n <= UK_DEADLOCK_MAX_PARTICIPANTS ? rec->n : UK_DEADLOCK_MAX_PARTICIPANTS;

	uk_line_put(&lb, "D", 1);
	uk_line_u64(&lb, rec->deadlock_id);
	uk_line_i64(&lb, rec->at_us);
	uk_line_u64(&lb, rec->database_oid);
	uk_line_i64(&lb, rec->victim_pid);
	uk_line_text(&lb, rec->report, UK_DEADLOCK_REPORT_MAX);
	uk_line_u64(&lb, n);
	for (size_t i = 0; i < n; i++)
	{
		const UkDeadlockMember *m = &rec->members[i];

		uk_line_i64(&lb, m->pid);
		uk_line_u64(&lb, m->user_oid);
		uk_line_text(&lb, m->application_name, UK_APPNAME_MAX);
		uk_line_u64(&lb, m->run_id);
		uk_line_text(&lb, m->patch, UK_PATCH_NAME_MAX);
	}
	return uk_line_finish(&lb);
}

static bool
take_u32(const UkFields *f, int i, uint32_t *out)
{
	uint64_t	v;

	if (!uk_line_take_u64(f, i, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t) v;
	return true;
}

bool
uk_dlog_parse(const char *line, size_t len, UkDeadlockRec *rec,
			  char *scratch, size_t scratch_cap)
{
	const char **starts;
	size_t	   *lens;
	UkFields	f;
	UkScratch	sc = {scratch, scratch_cap, 0};
	uint64_t	n;
	bool		ok = false;

	if (scratch == NULL || len == 0 || line[0] != 'D')
		return false;
	starts = malloc(sizeof(const char *) * DLOG_FIELDS_MAX);
	lens = malloc(sizeof(size_t) * DLOG_FIELDS_MAX);
	if (starts == NULL || lens == NULL)
		goto done;
	f.start = starts;
	f.len = lens;
	f.cap = DLOG_FIELDS_MAX;
	f.n = 0;
	if (uk_line_split(line, len, &f) < DLOG_FIXED || f.len[0] != 1)
		goto done;
	memset(rec, 0, sizeof(*rec));
	if (!uk_line_take_u64(&f, 1, &rec->deadlock_id) ||
		!uk_line_take_i64(&f, 2, &rec->at_us) ||
		!take_u32(&f, 3, &rec->database_oid) ||
		!uk_line_take_i64(&f, 4, &rec->victim_pid) ||
		!uk_line_take_text(&f, 5, &sc, UK_DEADLOCK_REPORT_MAX, &rec->report) ||
		!uk_line_take_u64(&f, 6, &n) ||
		n > UK_DEADLOCK_MAX_PARTICIPANTS ||
		(uint64_t) f.n != DLOG_FIXED + DLOG_PER_MEMBER * n)
		goto done;
	rec->n = (size_t) n;
	for (size_t i = 0; i < rec->n; i++)
	{
		UkDeadlockMember *m = &rec->members[i];
		int			b = DLOG_FIXED + DLOG_PER_MEMBER * (int) i;

		if (!uk_line_take_i64(&f, b, &m->pid) ||
			!take_u32(&f, b + 1, &m->user_oid) ||
			!uk_line_take_text(&f, b + 2, &sc, UK_APPNAME_MAX, &m->application_name) ||
			!uk_line_take_u64(&f, b + 3, &m->run_id) ||
			!uk_line_take_text(&f, b + 4, &sc, UK_PATCH_NAME_MAX, &m->patch))
			goto done;
	}
	ok = true;
done:
	free(starts);
	free(lens);
	return ok;
}
