/*
 * uk_runlog_odoo.c
 *		The "odoo" preset: what `odoo -u` logs, line by line.
 *
 * Odoo logs on stderr (unless --logfile) in the format of
 * odoo/netsvc.py: "%(asctime)s %(pid)s %(levelname)s %(dbname)s
 * %(name)s: %(message)s", for example
 *	2024-05-02 09:14:03,512 4711 INFO prod odoo.modules.loading: Loading module sale (12/80)
 * (the level is coloured on a terminal; the escapes are gone by now).  The
 * message is matched; a line without that prefix (a message's second line,
 * another log format) is matched as a message as it is.  Read from Odoo's
 * sources, versions 16.0, 17.0 and 18.0:
 *
 *	odoo/modules/loading.py, load_module_graph(): "Loading module %s
 *		(%d/%d)" (INFO when the module is installed or upgraded, DEBUG
 *		otherwise; "loading module" in lower case in older versions), and
 *		"Module %s loaded in %.2fs%s, %s queries%s" where the first %s may
 *		be " (incl. 0.42s test)" and the last " (+3 test, +5 other)".
 *	odoo/modules/migration.py, MigrationManager.migrate_module(): "module
 *		%(addon)s: Running migration %(version)s %(name)s" with version
 *		"[>1.2]" (pre), "[1.2>]" (post) or "[$1.2]" (end); newer versions
 *		write "Running upgrade" with the version not in brackets.
 *	odoo/modules/registry.py / odoo/service/server.py: "Failed to load
 *		registry", "Failed to initialize database `%s`."
 *	odoo/sql_db.py, Cursor.execute(): "bad query: %s" (then "ERROR: ...").
 *
 * Events: PATCH_START (app "odoo:module", index/total from "(i/n)"),
 * PATCH_OK (seconds), STEP_START named "<module>:<script>" (app
 * "odoo:migration"), FAILURE named by the message.
 */
#include <stdio.h>
#include <string.h>

#include "uk_runlog_int.h"

/* The next space-separated token of line from *at; false at the end. */
static bool
token(const char *line, size_t len, size_t *at, size_t *start, size_t *tlen)
{
	size_t		i = *at;

	if (i >= len || line[i] == ' ')
		return false;
	*start = i;
	while (i < len && line[i] != ' ')
		i++;
	*tlen = i - *start;
	*at = i < len ? i + 1 : i;
	return true;
}

static bool
all_in(const char *s, size_t len, const char *set)
{
	size_t		i;

	for (i = 0; i < len; i++)
		if (strchr(set, s[i]) == NULL || s[i] == '\0')
			return false;
	return len > 0;
}

/* Where the message of a log line starts (0 when it has no prefix). */
static size_t
message_start(const char *line, size_t len)
{
	size_t		at = 0;
	size_t		s;
	size_t		n;

	if (!token(line, len, &at, &s, &n) || !all_in(line + s, n, "0123456789-"))
		return 0;
	if (!token(line, len, &at, &s, &n) || !all_in(line + s, n, "0123456789:,."))
		return 0;
	if (!token(line, len, &at, &s, &n) || !all_in(line + s, n, "0123456789"))
		return 0;
	if (!token(line, len, &at, &s, &n) ||
		!all_in(line + s, n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_"))
		return 0;
	if (!token(line, len, &at, &s, &n))	/* the database, or "?" */
		return 0;
	if (!token(line, len, &at, &s, &n) || line[s + n - 1] != ':')
		return 0;
	return at;
}

/* "<name> (i/n)" to the end of m. */
static bool
loading(UkRunlogOdoo *st, const char *m, size_t len, UkRunlogEvent *ev)
{
	size_t		name = 0;
	size_t		i;
	size_t		used;
	int			a;
	int			b;

	while (name < len && m[name] != ' ')
		name++;
	if (name == 0 || name + 2 >= len || m[name + 1] != '(')
		return false;
	i = name + 2;
	if (!uk_runlog_int(m + i, len - i, &used, &a))
		return false;
	i += used;
	if (i >= len || m[i] != '/')
		return false;
	i++;
	if (!uk_runlog_int(m + i, len - i, &used, &b))
		return false;
	i += used;
	if (i + 1 != len || m[i] != ')')
		return false;
	uk_runlog_event_init(ev, UK_RUNLOG_PATCH_START);
	uk_runlog_set(ev->name, sizeof(ev->name), m, name);
	strcpy(ev->app, "odoo:module");
	ev->index = a;
	ev->total = b;
	memcpy(st->module, ev->name, sizeof(st->module));
	return true;
}

/* "<name> loaded in <s>s..., <q> queries..." */
static bool
loaded(const char *m, size_t len, UkRunlogEvent *ev)
{
	size_t		name = 0;
	size_t		i;
	size_t		used;
	double		s;

	while (name < len && m[name] != ' ')
		name++;
	if (name == 0 || !uk_runlog_prefix(m + name, len - name, " loaded in "))
		return false;
	i = name + 11;
	if (!uk_runlog_number(m + i, len - i, &used, &s))
		return false;
	i += used;
	if (i >= len || m[i] != 's' || uk_runlog_find(m, len, i, " queries") < 0)
		return false;
	uk_runlog_event_init(ev, UK_RUNLOG_PATCH_OK);
	uk_runlog_set(ev->name, sizeof(ev->name), m, name);
	strcpy(ev->app, "odoo:module");
	ev->seconds = s;
	return true;
}

/* "<module>: Running migration [v] <script>" or "... Running upgrade v <script>" */
static bool
migration(const char *m, size_t len, UkRunlogEvent *ev)
{
	size_t		name = 0;
	size_t		i;
	size_t		script;

	while (name < len && m[name] != ':' && m[name] != ' ')
		name++;
	if (name == 0 || name >= len || m[name] != ':')
		return false;
	i = name + 1;
	if (uk_runlog_prefix(m + i, len - i, " Running migration "))
		i += 19;
	else if (uk_runlog_prefix(m + i, len - i, " Running upgrade "))
		i += 17;
	else
		return false;
	if (i < len && m[i] == '[')
	{
		while (i < len && m[i] != ']')
			i++;
		if (i >= len)
			return false;
		i++;
	}
	else
		while (i < len && m[i] != ' ')
			i++;
	script = i;
	while (script < len && m[script] == ' ')
		script++;
	uk_runlog_event_init(ev, UK_RUNLOG_STEP_START);
	{
		char		mod[256];
		char		scr[256];

		uk_runlog_set(mod, sizeof(mod), m, name);
		uk_runlog_set(scr, sizeof(scr), m + script, len - script);
		if (scr[0] != '\0')
			snprintf(ev->name, sizeof(ev->name), "%s:%s", mod, scr);
		else
			snprintf(ev->name, sizeof(ev->name), "%s", mod);
	}
	strcpy(ev->app, "odoo:migration");
	return true;
}

int
uk_runlog_odoo_line(UkRunlogOdoo *st, const char *line, size_t len,
					UkRunlogEvent *out)
{
	size_t		at;
	const char *m;
	size_t		n;

	len = uk_runlog_rtrim(line, len);
	at = message_start(line, len);
	m = line + at;
	n = len - at;
	if ((uk_runlog_prefix(m, n, "Loading module ") ||
		 uk_runlog_prefix(m, n, "loading module ")) &&
		loading(st, m + 15, n - 15, out))
		return 1;
	if (uk_runlog_prefix(m, n, "Module ") && loaded(m + 7, n - 7, out))
		return 1;
	if (uk_runlog_prefix(m, n, "module ") && migration(m + 7, n - 7, out))
		return 1;
	if (uk_runlog_prefix(m, n, "Failed to load registry") ||
		uk_runlog_prefix(m, n, "Failed to initialize database") ||
		uk_runlog_prefix(m, n, "bad query:"))
	{
		uk_runlog_event_init(out, UK_RUNLOG_FAILURE);
		uk_runlog_set(out->name, sizeof(out->name), m, n);
		return 1;
	}
	return 0;
}
