/*
 * cli/conn_mariadb_account.c
 *		The ephemeral maintainer account of a MariaDB run (conn.h).
 *
 * The account upkeep_run_<12 hex>@<host of --as-account> gets the grants
 * of the application's account (SHOW GRANTS, rewritten by libcommon's
 * uk_grants_rewrite()) plus READ_ONLY ADMIN, which makes its connections
 * maintainers of the window, and a random password.  It is registered with
 * the window (SET GLOBAL upkeep_window_account) before it is created, so
 * that the plugin drops it when the window ends or at its next start even
 * if the runner is killed; the runner drops it itself when the run ends,
 * and drops leftovers of killed runners when it starts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conn_mariadb.h"
#include "uk_account.h"
#include "uk_grants.h"

#define ACCOUNT_PREFIX "upkeep_run_"

/*
 * Read --as-account with libcommon's one reader of accounts (also the
 * plugin's); false with a message in c->err when it is not one.
 */
static bool
split_account(Conn *c, const char *account, UkAccount *out)
{
	UkError    *err = NULL;

	if (uk_account_parse(account, strlen(account), out, &err) != UK_OK)
	{
		conn_set_error(c, "--as-account: %s", err ? err->message : "out of memory");
		uk_error_free(err);
		return false;
	}
	return true;
}

int
conn_account_create(Conn *c, const char *as_account, char *user, size_t userlen,
					char *account, size_t acclen, char *pass, size_t passlen)
{
	UkAccount	app;
	UkAccount	eph;
	char		sql[8192],
				hex[13],
				quoted[2 * sizeof(app.user) + 2 * sizeof(app.host) + 8],
				reg[2 * sizeof(eph.user) + 2 * sizeof(eph.host) + 8];
	const char *host = app.host;
	MYSQL_RES  *res;
	MYSQL_ROW	r;
	char	  **grants = NULL;
	size_t		ngrants = 0;
	int			rc = -1;

	if (!split_account(c, as_account, &app))
		return -1;
	if (conn_random_hex(hex, 12) != 0 || passlen < 33 || conn_random_hex(pass, 32) != 0)
	{
		conn_set_error(c, "cannot read random bytes from /dev/urandom");
		return -1;
	}
	snprintf(user, userlen, ACCOUNT_PREFIX "%s", hex);
	if (uk_grants_quote_account(user, host, account, acclen) >= acclen ||
		uk_grants_quote_account(app.user, app.host, quoted, sizeof(quoted)) >= sizeof(quoted))
	{
		conn_set_error(c, "--as-account %s: the name is too long", as_account);
		return -1;
	}
	memset(&eph, 0, sizeof(eph));
	snprintf(eph.user, sizeof(eph.user), "%s", user);
	snprintf(eph.host, sizeof(eph.host), "%s", host);

	/* the application account's grants, read before anything is created */
	snprintf(sql, sizeof(sql), "SHOW GRANTS FOR %s", quoted);
	if ((res = mdb_query(c, sql)) == NULL)
	{
		char		why[sizeof(c->err)];

		snprintf(why, sizeof(why), "%s", c->err);
		conn_set_error(c, "cannot read the grants of --as-account %s: %s",
				 as_account, why);
		return -1;
	}
	grants = calloc(mysql_num_rows(res) + 1, sizeof(char *));
	while (grants && (r = mysql_fetch_row(res)) != NULL)
		if (r[0])
			grants[ngrants++] = strdup(r[0]);
	mysql_free_result(res);
	if (grants == NULL)
	{
		conn_set_error(c, "out of memory");
		return -1;
	}

	/* registered first: the plugin drops it with the window, whatever happens to us */
	if (c->has_window_api)
	{
		char		lit[sizeof(reg) * 2 + 3];

		uk_account_format(&eph, reg, sizeof(reg));
		mdb_literal(c, reg, lit, sizeof(lit));
		snprintf(sql, sizeof(sql), "SET GLOBAL upkeep_window_account = %s", lit);
		if (mdb_exec(c, sql) != 0)
			goto out;
	}
	snprintf(sql, sizeof(sql), "CREATE USER %s IDENTIFIED BY '%s'", account, pass);
	if (mdb_exec(c, sql) != 0)
		goto out;
	for (size_t i = 0; i < ngrants; i++)
	{
		UkError    *err = NULL;

		if (grants[i] == NULL)
			continue;
		if (strncmp(grants[i], "SET DEFAULT ROLE ", 17) == 0)
			continue;			/* roles are granted below; the default is the app's business */
		if (uk_grants_rewrite(grants[i], user, host, sql, sizeof(sql), &err) != UK_OK)
		{
			conn_set_error(c, "cannot copy the grant \"%s\" of %s: %s",
					 grants[i], as_account, err ? err->message : "out of memory");
			uk_error_free(err);
			conn_account_drop(c, account);
			goto out;
		}
		if (mdb_exec(c, sql) != 0)
		{
			char		why[sizeof(c->err)];

			snprintf(why, sizeof(why), "%s", c->err);
			conn_account_drop(c, account);
			conn_set_error(c, "cannot copy the grant \"%s\" of %s: %s",
					 grants[i], as_account, why);
			goto out;
		}
	}
	snprintf(sql, sizeof(sql), "GRANT READ_ONLY ADMIN ON *.* TO %s", account);
	if (mdb_exec(c, sql) != 0)
	{
		char		why[sizeof(c->err)];

		snprintf(why, sizeof(why), "%s", c->err);
		conn_account_drop(c, account);
		conn_set_error(c, "cannot grant READ_ONLY ADMIN to %s: %s", account, why);
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < ngrants; i++)
		free(grants[i]);
	free(grants);
	return rc;
}

int
conn_account_drop(Conn *c, const char *account)
{
	char		sql[1024];

	snprintf(sql, sizeof(sql), "DROP USER IF EXISTS %s", account);
	return mdb_exec(c, sql);
}

int
conn_account_drop_leftovers(Conn *c, int *n)
{
	MYSQL_RES  *res;
	MYSQL_ROW	r;
	char		account[700];
	Snapshot	s;
	int			rc = 0;

	*n = 0;
	if (c->ops->snapshot(c, 0, &s) != 0)
		return -1;
	if (s.active)
		return 0;				/* they may belong to that window */
	res = mdb_query(c, "SELECT User, Host FROM mysql.user"
					" WHERE User LIKE 'upkeep\\_run\\_%' AND LENGTH(User) = 23");
	if (res == NULL)
		return -1;
	while ((r = mysql_fetch_row(res)) != NULL)
	{
		if (strchr(r[0], '\'') || strchr(r[1], '\'') || strchr(r[1], '\\'))
			continue;
		snprintf(account, sizeof(account), "'%s'@'%s'", r[0], r[1]);
		if (conn_account_drop(c, account) != 0)
			rc = -1;
		else
			(*n)++;
	}
	mysql_free_result(res);
	return rc;
}
