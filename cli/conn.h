/*
 * cli/conn.h
 *		The engine interface of the upkeep command: one connection to the
 *		server (PostgreSQL through libpq, MariaDB through its C connector) and
 *		the calls of upkeep's SQL interface that the runner, the live view and
 *		`upkeep status` make.  conn_pg.c and conn_mariadb.c implement it; the
 *		rest of the command never sees an engine's API.
 *
 * Every call returns 0 on success or -1 with the server's message in
 * conn->err (and the SQLSTATE / error number in conn->sqlstate).  Strings
 * in the structs below are cut to their buffers.
 */
#ifndef UP_CONN_H
#define UP_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum Engine
{
	ENGINE_PG,
	ENGINE_MARIADB
} Engine;

/* What `upkeep run` asks for when it enters the window. */
typedef struct WindowSpec
{
	const char *reason;
	double		expected_s;		/* < 0: not given */
	double		drain_timeout_s;	/* < 0: the server's default */
	const char *on_timeout;		/* "fail", "terminate" or NULL */
} WindowSpec;

/* A statement a maintainer session is running now. */
typedef struct SnapStmt
{
	int			pid;			/* backend pid / connection id */
	double		seconds;		/* running for */
	char		query[200];
	int			blocked_by;		/* 0 when not waiting for a lock */
	char		blocker_query[200];
	double		blocker_xact_s; /* the blocker's transaction age, < 0 unknown */
} SnapStmt;

/* A slow statement of the window's runs. */
typedef struct SnapSlow
{
	int64_t		id;
	double		ms;
	char		patch[160];
	char		query[200];
} SnapSlow;

#define SNAP_STMTS 4
#define SNAP_SLOW 5

typedef struct Snapshot
{
	bool		active;
	char		phase[16];
	char		reason[256];
	char		entered_by[128];
	int64_t		window_id;		/* 0 unknown */
	double		started_at;		/* unix seconds; < 0 unknown */
	double		expected_end;	/* < 0 unknown */
	double		now;			/* the server's clock */
	int64_t		refused_writes;
	int64_t		unattributed;	/* -1 when the server does not count them */
	char		window_patch[256];	/* innermost open window patch, "" none */
	int64_t		window_patch_run_id;
	int64_t		slow_statements;	/* of the window's runs so far */
	SnapStmt	stmts[SNAP_STMTS];
	int			nstmts;
	SnapSlow	slow[SNAP_SLOW];	/* the oldest with id > since_slow_id */
	int			nslow;
	bool		runner_connected;	/* a runner's session is connected */
	char		runner[160];	/* who it is: "pid 123 on host h" */
} Snapshot;

/* The failed run of a window, for the message at the end. */
typedef struct FailedRun
{
	bool		found;
	int64_t		run_id;
	char		name[512];
	char		app[128];
	char		sqlstate[64];	/* PostgreSQL: SQLSTATE; MariaDB: "42S02 (error 1146)" */
	char		message[1024];
	char		statement[1024];
} FailedRun;

typedef struct Conn Conn;

typedef struct ConnOps
{
	/* enter the window; the join token (PostgreSQL) into token, else "" */
	int			(*enter) (Conn *c, const WindowSpec *w, char *token, size_t toklen);
	/* PostgreSQL: join the active window with a token */
	int			(*join) (Conn *c, const char *token);
	int			(*exit_window) (Conn *c);
	/* open a window patch (nested: a step of the open one) */
	int			(*patch_begin) (Conn *c, const char *name, const char *app, bool nested);
	/* end the innermost open window patch: status succeeded|failed|skipped */
	int			(*patch_end) (Conn *c, const char *status, const char *error);
	/* slow threshold of the child's sessions (MariaDB: global; PG: PGOPTIONS) */
	int			(*set_slow_ms) (Conn *c, long ms);
	int			(*snapshot) (Conn *c, int64_t since_slow_id, Snapshot *s);
	/* the newest failed run of window_id, if any */
	int			(*failed_run) (Conn *c, int64_t window_id, FailedRun *f);
	/* mark this session as the window's runner, seen by snapshot() */
	int			(*mark_runner) (Conn *c);
	/* the shell command that ends the window, for messages */
	void		(*exit_command) (Conn *c, char *buf, size_t len);
	void		(*close) (Conn *c);
} ConnOps;

struct Conn
{
	const ConnOps *ops;
	Engine		engine;
	void	   *impl;
	bool		has_window_api; /* the server knows window patches */
	char		err[1024];
	char		sqlstate[8];
};

/*
 * Connect: a mariadb:// or mysql:// URI selects MariaDB, anything else is
 * a libpq connection string or URI (NULL or "": the PG* environment
 * variables).  application_name (PostgreSQL) / connection attribute: app.
 * Returns NULL with the reason in err.
 */
extern Conn *conn_open(const char *db, const char *app, char *err, size_t errlen);
extern void conn_close(Conn *c);

/* true when db selects MariaDB */
extern bool conn_is_mariadb_uri(const char *db);

/* The engine's constructors (conn_pg.c, conn_mariadb.c). */
extern Conn *conn_pg_open(const char *db, const char *app, char *err, size_t errlen);
extern Conn *conn_mariadb_open(const char *db, const char *app, char *err, size_t errlen);

/*
 * MariaDB only (conn_mariadb_account.c): the ephemeral maintainer account.
 * account_create: a new account upkeep_run_<12 hex>@<host of as_account>
 * with as_account's grants and READ_ONLY ADMIN, a random password,
 * registered with the window (dropped by the plugin when the window ends);
 * its name into user (user@host form into account) and the password into
 * pass.  account_drop: DROP USER IF EXISTS.  account_drop_leftovers: drop
 * every upkeep_run_% account not registered to the active window; the
 * number dropped into *n.
 */
extern int	conn_account_create(Conn *c, const char *as_account,
								char *user, size_t userlen,
								char *account, size_t acclen,
								char *pass, size_t passlen);
extern int	conn_account_drop(Conn *c, const char *account);
extern int	conn_account_drop_leftovers(Conn *c, int *n);

/* Set c->err (printf-style); returns -1. */
extern int	conn_set_error(Conn *c, const char *fmt,...) __attribute__((format(printf, 2, 3)));

/* Fill buf with n random lower-case hex digits (from /dev/urandom). */
extern int	conn_random_hex(char *buf, size_t n);

#endif							/* UP_CONN_H */
