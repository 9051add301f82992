/*
 * fuzz_patchrec.c
 *		libFuzzer target for the patch log line parser and the run fold.
 *
 * Properties checked (abort() on violation):
 *	- a line that parses formats back to exactly the same bytes (the parser
 *	  accepts only canonical lines);
 *	- parsed strings are within their limits;
 *	- a BEGIN with window fields never carries two zeros (old and new
 *	  lines read alike), and folded runs keep the BEGIN's window and parent;
 *	- a STMT's pid (a window run's statement) is never 0 when written, and
 *	  only BEGIN and STMT carry one;
 *	- folding any parsed records never fails and keeps every run's state
 *	  machine legal (an ended run has a finished status).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "uk_patch.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char scratch[UK_PATCHREC_LINE_MAX + 1];
static char line[UK_PATCHREC_LINE_MAX + 1];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *in = (const char *) data;
	UkRunFold	fold = {0};
	size_t		from = 0;

	/* every '\n'-separated line of the input, as a log reader sees them */
	for (size_t i = 0; i <= size; i++)
	{
		UkPatchRec	rec;
		size_t		len;

		if (i < size && in[i] != '\n')
			continue;
		len = i - from;
		if (uk_patchrec_parse(in + from, len, &rec, scratch, sizeof(scratch)))
		{
			size_t		n = uk_patchrec_format(&rec, line, sizeof(line));

			if (n != len + 1 || memcmp(line, in + from, len) != 0 || line[len] != '\n')
				abort();
			if (strlen(rec.query) > UK_QUERY_MAX || strlen(rec.name) > UK_PATCH_NAME_MAX ||
				strlen(rec.plan) > UK_PLAN_MAX || strlen(rec.message) > UK_PATCH_MESSAGE_MAX)
				abort();
			if (rec.kind != UK_REC_BEGIN && (rec.window_id != 0 || rec.parent_run_id != 0))
				abort();
			if (rec.kind != UK_REC_BEGIN && rec.kind != UK_REC_STMT && rec.pid != 0)
				abort();
			if (uk_run_fold_add(&fold, &rec, NULL) != UK_OK)
				abort();
			if (rec.kind == UK_REC_BEGIN)
			{
				const UkRun *run = uk_run_fold_find(&fold, rec.run_id);

				if (run == NULL)
					abort();
				/* a repeated BEGIN may differ; the first one counts */
				if (run->started_at_us == rec.at_us && run->pid == rec.pid &&
					strcmp(run->name, rec.name) == 0 &&
					(run->window_id != rec.window_id ||
					 run->parent_run_id != rec.parent_run_id) &&
					memchr(in, 'B', from) == NULL)
					abort();
			}
		}
		from = i + 1;
	}
	for (size_t r = 0; r < fold.n; r++)
	{
		const UkRun *run = &fold.runs[r];

		if (run->ended == (run->status == UK_RUN_RUNNING))
			abort();
		if (uk_run_fold_find(&fold, run->run_id) == NULL)
			abort();
	}
	uk_run_fold_free(&fold);
	return 0;
}
