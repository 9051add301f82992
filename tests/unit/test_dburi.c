/*
 * test_dburi.c
 *		Unit tests for uk_dburi.h: which engine a --db string selects, the
 *		parts of MariaDB URIs (percent-decoding, IPv6, socket), clear errors
 *		for malformed ones that never show the password.
 */
#include "uk_dburi.h"
#include "uk_test.h"

typedef struct Good
{
	const char *in;
	UkDbEngine	engine;
	const char *user;
	const char *password;
	const char *host;
	unsigned	port;
	const char *database;
	const char *socket;
} Good;

static const Good good[] = {
	{NULL, UK_DB_POSTGRES, NULL, NULL, NULL, 0, NULL, NULL},
	{"", UK_DB_POSTGRES, NULL, NULL, NULL, 0, NULL, NULL},
	{"host=/tmp port=5433 dbname=erp", UK_DB_POSTGRES, NULL, NULL, NULL, 0, NULL, NULL},
	{"postgresql://u:p@h:5432/db", UK_DB_POSTGRES, NULL, NULL, NULL, 0, NULL, NULL},
	{"mariadb://", UK_DB_MARIADB, NULL, NULL, NULL, 0, NULL, NULL},
	{"mariadb://root@localhost/erp", UK_DB_MARIADB, "root", NULL, "localhost", 0, "erp", NULL},
	{"MySQL://u:p@db.example.com:3307/site_db", UK_DB_MARIADB, "u", "p", "db.example.com", 3307, "site_db", NULL},
	{"mariadb://u:@h", UK_DB_MARIADB, "u", "", "h", 0, NULL, NULL},
	{"mariadb://admin:p%40ss%3Aw%2Fo%23rd@h/db", UK_DB_MARIADB, "admin", "p@ss:w/o#rd", "h", 0, "db", NULL},
	{"mariadb://admin:p@ss@h/db", UK_DB_MARIADB, "admin", "p@ss", "h", 0, "db", NULL},
	{"mariadb://u@[::1]:3306/db", UK_DB_MARIADB, "u", NULL, "::1", 3306, "db", NULL},
	{"mariadb://root@localhost/erp?socket=/run/mysqld/mysqld.sock", UK_DB_MARIADB, "root", NULL,
	"localhost", 0, "erp", "/run/mysqld/mysqld.sock"},
	{"mariadb:///erp?socket=%2Ftmp%2Fmy%20sock", UK_DB_MARIADB, NULL, NULL, NULL, 0, "erp", "/tmp/my sock"},
	{"mariadb://h?socket=/s&", UK_DB_MARIADB, NULL, NULL, "h", 0, NULL, "/s"},
	{"mariadb://h/%E2%82%AC", UK_DB_MARIADB, NULL, NULL, "h", 0, "\xE2\x82\xAC", NULL},
	{"mariadb://h:65535", UK_DB_MARIADB, NULL, NULL, "h", 65535, NULL, NULL},
};

typedef struct Bad
{
	const char *in;
	const char *message_part;
} Bad;

static const Bad bad[] = {
	{"mariadb://h:0/db", "port"},
	{"mariadb://h:65536/db", "port"},
	{"mariadb://h:33a/db", "port"},
	{"mariadb://h:/db", "port"},
	{"mariadb://a:b:c/db", "more than one :"},
	{"mariadb://[::1/db", "unclosed ["},
	{"mariadb://[::1]x/db", "after ]"},
	{"mariadb://u:s3cr%zzet@h/db", "password"},
	{"mariadb://u:s3cret%0a@h/db", "control character in the password"},
	{"mariadb://u:s3cret%00@h/db", "control character"},
	{"mariadb://u:s3cret@h/db#frag", "%23"},
	{"mariadb://u:s3cret@h/db/more", "more than a database"},
	{"mariadb://u:s3cret@h/db?sslmode=on", "unknown parameter \"sslmode\""},
	{"mariadb://u:s3cret@h/db?socket", "no value"},
	{"mariadb://u:s3cret@h/db%", "bad %-escape in the database"},
};

/* Both NULL, or equal strings. */
static bool
same(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static const char *
show(const char *s)
{
	return s != NULL ? s : "(null)";
}

int
main(void)
{
	UkDbUri		u;
	UkError    *err = NULL;
	size_t		i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
	{
		const Good *g = &good[i];
		int			rc = uk_dburi_parse(g->in, &u, &err);

		CHECK(rc == UK_OK, "%s: %s", g->in ? g->in : "NULL", err ? err->message : "");
		if (rc != UK_OK)
		{
			uk_error_free(err);
			err = NULL;
			continue;
		}
		CHECK(u.engine == g->engine && same(u.user, g->user) &&
			  same(u.password, g->password) && same(u.host, g->host) && u.port == g->port &&
			  same(u.database, g->database) && same(u.socket, g->socket),
			  "%s: engine %d user '%s' password '%s' host '%s' port %u db '%s' socket '%s'",
			  g->in ? g->in : "NULL", u.engine, show(u.user), show(u.password), show(u.host),
			  u.port, show(u.database), show(u.socket));
		uk_dburi_clear(&u);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		int			rc = uk_dburi_parse(bad[i].in, &u, &err);

		CHECK(rc == UK_ERR_INVALID && err != NULL && strstr(err->message, bad[i].message_part) != NULL,
			  "%s: rc %d: %s", bad[i].in, rc, err ? err->message : "(no error)");
		CHECK(err == NULL || strstr(err->message, "s3cr") == NULL,
			  "%s: the message shows the password: %s", bad[i].in, err->message);
		CHECK(u.user == NULL && u.password == NULL && u.host == NULL && u.database == NULL,
			  "%s: nothing left to free after an error", bad[i].in);
		uk_error_free(err);
		err = NULL;
	}

	return uk_test_done("test_dburi");
}
