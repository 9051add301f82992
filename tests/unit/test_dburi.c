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
	int			has_password;
	const char *host;
	int			port;
	const char *database;
	const char *socket;
} Good;

static const Good good[] = {
	{NULL, UK_DB_POSTGRES, "", "", 0, "", 0, "", ""},
	{"", UK_DB_POSTGRES, "", "", 0, "", 0, "", ""},
	{"host=/tmp port=5433 dbname=erp", UK_DB_POSTGRES, "", "", 0, "", 0, "", ""},
	{"postgresql://u:p@h:5432/db", UK_DB_POSTGRES, "", "", 0, "", 0, "", ""},
	{"mariadb://", UK_DB_MARIADB, "", "", 0, "", 0, "", ""},
	{"mariadb://root@localhost/erp", UK_DB_MARIADB, "root", "", 0, "localhost", 0, "erp", ""},
	{"MySQL://u:p@db.example.com:3307/site_db", UK_DB_MARIADB, "u", "p", 1, "db.example.com", 3307, "site_db", ""},
	{"mariadb://u:@h", UK_DB_MARIADB, "u", "", 1, "h", 0, "", ""},
	{"mariadb://admin:p%40ss%3Aw%2Fo%23rd@h/db", UK_DB_MARIADB, "admin", "p@ss:w/o#rd", 1, "h", 0, "db", ""},
	{"mariadb://admin:p@ss@h/db", UK_DB_MARIADB, "admin", "p@ss", 1, "h", 0, "db", ""},
	{"mariadb://u@[::1]:3306/db", UK_DB_MARIADB, "u", "", 0, "::1", 3306, "db", ""},
	{"mariadb://root@localhost/erp?socket=/run/mysqld/mysqld.sock", UK_DB_MARIADB, "root", "", 0,
	"localhost", 0, "erp", "/run/mysqld/mysqld.sock"},
	{"mariadb:///erp?socket=%2Ftmp%2Fmy%20sock", UK_DB_MARIADB, "", "", 0, "", 0, "erp", "/tmp/my sock"},
	{"mariadb://h?socket=/s&", UK_DB_MARIADB, "", "", 0, "h", 0, "", "/s"},
	{"mariadb://h/%E2%82%AC", UK_DB_MARIADB, "", "", 0, "h", 0, "\xE2\x82\xAC", ""},
	{"mariadb://h:65535", UK_DB_MARIADB, "", "", 0, "h", 65535, "", ""},
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

int
main(void)
{
	UkDbUri		u;
	UkError    *err = NULL;
	char		longpw[600];
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
		CHECK(u.engine == g->engine && strcmp(u.user, g->user) == 0 &&
			  strcmp(u.password, g->password) == 0 && u.has_password == g->has_password &&
			  strcmp(u.host, g->host) == 0 && u.port == g->port &&
			  strcmp(u.database, g->database) == 0 && strcmp(u.socket, g->socket) == 0,
			  "%s: engine %d user '%s' password '%s' host '%s' port %d db '%s' socket '%s'",
			  g->in ? g->in : "NULL", u.engine, u.user, u.password, u.host, u.port,
			  u.database, u.socket);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
	{
		int			rc = uk_dburi_parse(bad[i].in, &u, &err);

		CHECK(rc == UK_ERR_INVALID && err != NULL && strstr(err->message, bad[i].message_part) != NULL,
			  "%s: rc %d: %s", bad[i].in, rc, err ? err->message : "(no error)");
		CHECK(err == NULL || strstr(err->message, "s3cr") == NULL,
			  "%s: the message shows the password: %s", bad[i].in, err->message);
		uk_error_free(err);
		err = NULL;
	}

	/* a password too long for the buffer is an error, not a cut */
	memset(longpw, 'x', sizeof(longpw));
	memcpy(longpw, "mariadb://u:", 12);
	strcpy(longpw + sizeof(longpw) - 8, "@h/db");
	CHECK(uk_dburi_parse(longpw, &u, &err) == UK_ERR_INVALID && err != NULL &&
		  strstr(err->message, "password of the connection URI is too long") != NULL,
		  "long password: %s", err ? err->message : "(no error)");
	uk_error_free(err);
	return uk_test_done("test_dburi");
}
