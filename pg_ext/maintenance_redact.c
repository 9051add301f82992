/*
 * maintenance_redact.c
 *		Maintenance mode: keeping join tokens out of the server log and out
 *		of pg_stat_activity.
 *
 * enter_maintenance() returns a token that lets other sessions join the
 * window (join_maintenance(), upkeep.join_token).  This file rewrites every
 * message on its way to the log and this backend's own activity entry so
 * that no such token is ever shown.  See maintenance_int.h for how the
 * maintenance files fit together.
 *
 * No shared state: everything here is backend-local.
 */
#include "postgres.h"

#include "pgstat.h"
#include "tcop/tcopprot.h"
#include "utils/backend_status.h"
#include "utils/memutils.h"

#include "uk_token.h"

#include "maintenance_int.h"

/*
 * A join token must never be shown by the server: not in the log (the
 * STATEMENT line of an error, log_statement, log_min_duration_statement,
 * auto_explain, parameters), not in pg_stat_activity.query.  Tokens are
 * recognised by their format (uk_token_find()) and overwritten with '*'.
 *
 * redacted_query: this backend's redacted copy of the statement being
 * logged (malloc'd, kept for the next message).  debug_query_string, which
 * the server prints in STATEMENT lines, is pointed at it; the server resets
 * debug_query_string at every new statement.
 */
static char *redacted_query = NULL;
static size_t redacted_query_cap = 0;

/* Redact one message field in place (a copy in ErrorContext if needed). */
static void
redact_field(char **field)
{
	if (*field == NULL || uk_token_find(*field) == NULL)
		return;
	*field = MemoryContextStrdup(ErrorContext, *field);
	uk_token_redact(*field);
}

/*
 * emit_log_hook part, for every message going to the server log: redact
 * tokens in the message and in the statement it would print.  Runs inside
 * error reporting: no catalog access, no ereport.
 */
void
upkeep_redact_emit_log(ErrorData *edata)
{
	redact_field(&edata->message);
	redact_field(&edata->detail);
	redact_field(&edata->detail_log);
	redact_field(&edata->hint);
	redact_field(&edata->context);
	redact_field(&edata->internalquery);

	if (debug_query_string != NULL && !edata->hide_stmt &&
		uk_token_find(debug_query_string) != NULL)
	{
		size_t		len = strlen(debug_query_string) + 1;

		if (len > redacted_query_cap)
		{
			char	   *buf = malloc(len);

			if (buf == NULL)
			{
				edata->hide_stmt = true;	/* no copy: no STATEMENT line */
				return;
			}
			free(redacted_query);
			redacted_query = buf;
			redacted_query_cap = len;
		}
		memcpy(redacted_query, debug_query_string, len);
		uk_token_redact(redacted_query);
		debug_query_string = redacted_query;
	}
}

/*
 * Redact this backend's own pg_stat_activity.query, which keeps the text of
 * the statement that joined (or set upkeep.join_token) while the session is
 * idle.  Only this backend writes its entry.
 */
void
upkeep_maint_redact_own_activity(void)
{
	volatile PgBackendStatus *be = MyBEEntry;

	if (be == NULL || be->st_activity_raw == NULL ||
		uk_token_find((const char *) be->st_activity_raw) == NULL)
		return;
	PGSTAT_BEGIN_WRITE_ACTIVITY(be);
	uk_token_redact((char *) be->st_activity_raw);
	PGSTAT_END_WRITE_ACTIVITY(be);
}
