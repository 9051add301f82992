/*
 * uk_deadlock.h
 *		Deadlock reports of both engines, parsed into one structure, and the
 *		pattern key that groups recurring deadlocks.
 *
 * PostgreSQL: the victim's error (SQLSTATE 40P01) carries one line per
 * cycle member in its detail,
 *
 *		Process 101 waits for ShareLock on transaction 734; blocked by process 102.
 *
 * and, in the server-log variant of the detail (errdetail_log), the same
 * lines followed by one "Process 101: <query>" entry per member, in the
 * same order (a query may span lines).  Lock targets name OIDs
 * ("relation 16385 of database 5", "tuple (0,3) of relation 16385 of
 * database 5", "transaction 734", ...): the parser extracts the OIDs and
 * the caller resolves names.
 *
 * InnoDB: the LATEST DETECTED DEADLOCK section of SHOW ENGINE INNODB
 * STATUS, one "*** (N) TRANSACTION:" block per member with its thread id,
 * user, host and query, the lock it waits for ("*** WAITING FOR THIS LOCK
 * TO BE GRANTED:") and the locks that conflict, and "*** WE ROLL BACK
 * TRANSACTION (N)".  Table names come as `db`.`table`.
 *
 * Both parsers accept any bytes: a truncated or unexpected report gives
 * what could be read, with UkDeadlock.incomplete set, or UK_ERR_INVALID
 * when not even one member could be read.  They never read past len.
 * English server messages only (lc_messages C / en_US).
 *
 * Memory: a parsed UkDeadlock owns its participants and their strings;
 * free it with uk_deadlock_free().  Every string of a parsed report is
 * non-NULL ("" when absent).  On failure the parsers leave *out empty
 * (n = 0, NULL pointers, victim -1); uk_deadlock_free() on it is harmless.
 */
#ifndef UK_DEADLOCK_H
#define UK_DEADLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uk_error.h"
#include "uk_stmt.h"

#define UK_DEADLOCK_MAX_PARTICIPANTS 64
#define UK_LOCK_MODE_MAX 64			/* bytes of a lock mode */
#define UK_LOCK_TARGET_MAX 512		/* bytes of a lock target description */
#define UK_DEADLOCK_KEY_MAX 4096	/* bytes of a pattern key */
#define UK_DEADLOCK_QUERY_MAX 16384	/* bytes kept of a member's query */
#define UK_DEADLOCK_NAME_MAX 512	/* bytes kept of table/index/user/host */

typedef enum UkLockTargetKind
{
	UK_LOCK_OTHER = 0,			/* anything not listed (text in target) */
	UK_LOCK_RELATION,			/* PG "relation R of database D"; InnoDB TABLE LOCK */
	UK_LOCK_EXTEND,				/* PG "extension of relation R of database D" */
	UK_LOCK_PAGE,				/* PG "page P of relation R of database D" */
	UK_LOCK_TUPLE,				/* PG "tuple (P,T) of relation R of database D" */
	UK_LOCK_TRANSACTION,		/* PG "transaction X", "speculative token T of
								 * transaction X" */
	UK_LOCK_VIRTUAL_TRANSACTION,	/* PG "virtual transaction B/X" */
	UK_LOCK_OBJECT,				/* PG "object O of class C of database D" */
	UK_LOCK_ADVISORY,			/* PG "advisory lock [...]", "user lock [...]" */
	UK_LOCK_RECORD				/* InnoDB RECORD LOCKS ... index I of table T */
} UkLockTargetKind;

typedef struct UkDeadlockParticipant
{
	int64_t		pid;			/* PG process id / MariaDB thread id; 0 unknown */
	bool		is_victim;
	int64_t		blocked_by;		/* pid / thread id of the member it waits for; 0
								 * unknown.  PG: from "blocked by process M".
								 * InnoDB: the next member in report order (the
								 * cycle is printed in order), the last one
								 * waits for the first. */
	char		lock_mode[UK_LOCK_MODE_MAX + 1];	/* "ShareLock", "X", "X locks rec but not gap", ... */
	UkLockTargetKind target_kind;
	char		lock_target[UK_LOCK_TARGET_MAX + 1];	/* the target as the server wrote it */
	uint32_t	relation_oid;	/* PG; 0 if none */
	uint32_t	database_oid;	/* PG (also of object and advisory locks); 0 if none */
	uint64_t	transaction_id; /* PG "transaction X" / InnoDB TRANSACTION X; 0 if none */
	char	   *table_name;		/* InnoDB "db.table" (unquoted), index in index_name; PG "" */
	char	   *index_name;		/* InnoDB; "" if none */
	char	   *username;		/* InnoDB "user"; PG "" (the caller knows it) */
	char	   *host;			/* InnoDB; "" */
	char	   *query;			/* the member's statement; "" if not in the report.
								 * InnoDB prints at most about 3000 bytes of it,
								 * PG track_activity_query_size bytes */
} UkDeadlockParticipant;

typedef struct UkDeadlock
{
	UkDeadlockParticipant *participants;	/* malloc'd, in report order */
	size_t		n;
	int			victim;			/* index of the victim, -1 if the report does not say */
	bool		incomplete;		/* the report was cut or partly unreadable */
	char	   *detected_at;	/* InnoDB's timestamp ("2026-11-21 22:50:01", the
								 * server's local time); "" for PG */
	UkSqlDialect dialect;		/* the members' queries: set by the parser */
} UkDeadlock;

/*
 * Parse PostgreSQL's deadlock detail (errdetail or errdetail_log text).
 * victim_pid is the process that received the error (the reporting
 * backend); its participant gets is_victim.  Queries are filled only from
 * the errdetail_log form.
 */
extern UkStatus uk_deadlock_parse_pg(const char *detail, size_t len,
									 int64_t victim_pid, UkDeadlock *out,
									 UkError **err);

/*
 * Parse InnoDB's LATEST DETECTED DEADLOCK section.  text may be the whole
 * SHOW ENGINE INNODB STATUS output or the section alone.  UK_ERR_NOT_FOUND
 * when it holds no such section (no deadlock since the server started).
 */
extern UkStatus uk_deadlock_parse_innodb(const char *text, size_t len,
										 UkDeadlock *out, UkError **err);

/*
 * The pattern of a deadlock, for grouping recurring ones: the sorted set
 * of tables involved and the sorted statement shapes of the members
 * (uk_stmt_normalize() by d->dialect: constants removed), joined into one line.  Two
 * deadlocks between the same statements on the same tables, whatever the
 * constants, pids and order of members, get the same key.  table_names
 * gives a resolved table name per participant (the array, or an entry,
 * NULL or "": use table_name, or
 * "rel:<oid>" for PG relation, extension, page and tuple targets;
 * transaction targets add no table).  The key is
 *
 *		<table>,<table> | <shape> | <shape>
 *
 * tables distinct, shapes sorted (a shape per member that has a query),
 * newlines replaced by spaces.  Writes at most cap bytes including the
 * NUL, cut on a UTF-8 boundary; returns the length (0 if cap is 0).
 */
extern size_t uk_deadlock_pattern_key(const UkDeadlock *d,
									  const char *const *table_names,
									  char *out, size_t cap);

/* "relation", "extend", "tuple", "transaction", "record", ... ("other") */
extern const char *uk_lock_target_kind_name(UkLockTargetKind k);

extern void uk_deadlock_free(UkDeadlock *d);

#endif							/* UK_DEADLOCK_H */
