/*
 * test_deadlock.c
 *		Unit tests for uk_deadlock.h, on real reports captured from
 *		PostgreSQL 15 and MariaDB 10.11 (tests/unit/data/deadlock/): members,
 *		victims, blocked_by, lock modes and targets, long and cut statements,
 *		truncated reports, garbage, and pattern keys.
 *
 * Run from libcommon/ (as "make test" does), so the data directory is
 * ../tests/unit/data/deadlock.
 */
#include <stdint.h>

#include "uk_deadlock.h"
#include "uk_test.h"

#define DATA_DIR "../tests/unit/data/deadlock/"

/*
 * The whole file as a malloc'd buffer with a NUL after it (for strstr in
 * the tests; the parsers get the length); NULL on error.
 */
static char *
read_data(const char *name, size_t *len)
{
	char		path[512];
	FILE	   *f;
	char	   *buf;
	long		n;

	snprintf(path, sizeof(path), DATA_DIR "%s", name);
	f = fopen(path, "rb");
	if (f == NULL)
	{
		printf("cannot open %s\n", path);
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t) n + 1);
	if (buf == NULL || fread(buf, 1, (size_t) n, f) != (size_t) n)
	{
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	*len = (size_t) n;
	return buf;
}

/* Every string of d is there and within its limit. */
static bool
well_formed(const UkDeadlock *d)
{
	if (d->n > UK_DEADLOCK_MAX_PARTICIPANTS || d->detected_at == NULL ||
		d->victim < -1 || d->victim >= (int) d->n)
		return false;
	for (size_t i = 0; i < d->n; i++)
	{
		const UkDeadlockParticipant *p = &d->participants[i];

		if (strlen(p->lock_mode) > UK_LOCK_MODE_MAX ||
			strlen(p->lock_target) > UK_LOCK_TARGET_MAX ||
			p->table_name == NULL || strlen(p->table_name) > UK_DEADLOCK_NAME_MAX ||
			p->index_name == NULL || strlen(p->index_name) > UK_DEADLOCK_NAME_MAX ||
			p->username == NULL || strlen(p->username) > UK_DEADLOCK_NAME_MAX ||
			p->host == NULL || strlen(p->host) > UK_DEADLOCK_NAME_MAX ||
			p->query == NULL || strlen(p->query) > UK_DEADLOCK_QUERY_MAX)
			return false;
		if (p->is_victim != ((int) i == d->victim))
			return false;
	}
	return true;
}

typedef struct Member
{
	int64_t		pid;
	int64_t		blocked_by;
	const char *mode;
	UkLockTargetKind kind;
	const char *target;			/* PG: whole target; InnoDB: prefix */
	uint32_t	relation_oid;
	uint64_t	trx;
	const char *table;
	const char *index;
	const char *user;
	const char *host;
	const char *query_prefix;
	size_t		query_len;		/* 0: not checked */
} Member;

typedef struct Case
{
	const char *file;
	bool		innodb;
	int64_t		victim_pid;		/* PG: the backend that got the error */
	bool		queries;		/* PG: errdetail_log form */
	const char *detected_at;
	int			victim;
	size_t		n;
	Member		m[3];
} Case;

static const Case cases[] = {
	{"pg_two_log.txt", false, 30544, true, "", 0, 2, {
			{30544, 30538, "ShareLock", UK_LOCK_TRANSACTION, "transaction 730", 0, 730, "", "", "", "",
			"UPDATE stock SET qty = qty + 5 WHERE id = 1;", 44},
			{30538, 30544, "ShareLock", UK_LOCK_TRANSACTION, "transaction 731", 0, 731, "", "", "", "",
			"UPDATE stock SET qty = qty + 1 WHERE id = 2;", 44}}},
	{"pg_two_client.txt", false, 30544, false, "", 0, 2, {
			{30544, 30538, "ShareLock", UK_LOCK_TRANSACTION, "transaction 730", 0, 730, "", "", "", "", "", 0},
			{30538, 30544, "ShareLock", UK_LOCK_TRANSACTION, "transaction 731", 0, 731, "", "", "", "", "", 0}}},
	{"pg_three_log.txt", false, 30570, true, "", 0, 3, {
			{30570, 30558, "ShareLock", UK_LOCK_TRANSACTION, "transaction 739", 0, 739, "", "", "", "",
			"SELECT qty FROM stock WHERE id = 1 FOR SHARE;", 45},
			{30558, 30564, "ShareLock", UK_LOCK_TRANSACTION, "transaction 740", 0, 740, "", "", "", "",
			"UPDATE orders SET status = 'packed' WHERE id = 1;", 49},
			{30564, 30570, "ShareLock", UK_LOCK_TRANSACTION, "transaction 741", 0, 741, "", "", "", "",
			"UPDATE ledger SET amount = amount + 10.50 WHERE id = 1;", 55}}},
	{"pg_table_log.txt", false, 30594, true, "", 0, 2, {
			{30594, 30584, "RowExclusiveLock", UK_LOCK_RELATION, "relation 16422 of database 5", 16422, 0, "", "", "", "",
			"UPDATE stock SET qty = 0 WHERE id = 1;", 0},
			{30584, 30594, "ExclusiveLock", UK_LOCK_RELATION, "relation 16427 of database 5", 16427, 0, "", "", "", "",
			"LOCK TABLE orders IN EXCLUSIVE MODE;", 0}}},
	{"pg_tuple_log.txt", false, 30717, true, "", 0, 3, {
			{30717, 30729, "ShareLock", UK_LOCK_TRANSACTION, "transaction 767", 0, 767, "", "", "", "",
			"UPDATE stock SET qty = 1 WHERE id = 2;", 0},
			{30729, 30723, "ExclusiveLock", UK_LOCK_TUPLE, "tuple (0,1) of relation 16460 of database 5", 16460, 0, "", "", "", "",
			"UPDATE stock SET qty = 3 WHERE id = 1;", 0},
			{30723, 30717, "ShareLock", UK_LOCK_TRANSACTION, "transaction 765", 0, 765, "", "", "", "",
			"UPDATE stock SET qty = 2 WHERE id = 1;", 0}}},
	{"pg_advisory_log.txt", false, 30791, true, "", 0, 2, {
			{30791, 30781, "ExclusiveLock", UK_LOCK_ADVISORY, "advisory lock [5,0,42,1]", 0, 0, "", "", "", "",
			"SELECT pg_advisory_xact_lock(42);", 0},
			{30781, 30791, "ExclusiveLock", UK_LOCK_ADVISORY, "advisory lock [5,7,8,2]", 0, 0, "", "", "", "",
			"SELECT pg_advisory_xact_lock(7, 8);", 0}}},
	/* queries clipped at track_activity_query_size; one holds "\nProcess 99999: " */
	{"pg_long_log.txt", false, 30635, true, "", 0, 2, {
			{30635, 30641, "ShareLock", UK_LOCK_TRANSACTION, "transaction 757", 0, 757, "", "", "", "",
			"UPDATE orders\n   SET status = 'it''s \"quoted\"' /* patch 42\nProcess 99999: fake */\n WHERE id = 2 AND 'xxx", 1023},
			{30641, 30635, "ShareLock", UK_LOCK_TRANSACTION, "transaction 756", 0, 756, "", "", "", "",
			"UPDATE stock SET qty = 8 WHERE id = 1 AND 'line1\nline2 \xc3\xa9' <> '\xc3\xa9", 1023}}},
	{"innodb_two.txt", true, 0, true, "2026-11-21 22:46:05", 0, 2, {
			{7, 6, "X locks rec but not gap", UK_LOCK_RECORD, "RECORD LOCKS space id 5 page no 3", 0, 24,
			"erp.stock", "PRIMARY", "root", "localhost", "UPDATE erp.stock SET qty=qty+5 WHERE id=1", 41},
			{6, 7, "X locks rec but not gap", UK_LOCK_RECORD, "RECORD LOCKS space id 5 page no 3", 0, 23,
			"erp.stock", "PRIMARY", "root", "localhost", "UPDATE erp.stock SET qty=qty+1 WHERE id=2", 41}}},
	{"innodb_three.txt", true, 0, true, "2026-11-21 22:47:42", 2, 3, {
			{10, 11, "X locks rec but not gap", UK_LOCK_RECORD, "RECORD LOCKS", 0, 55,
			"erp.orders", "PRIMARY", "root", "localhost", "UPDATE erp.orders SET status='packed' WHERE id=1", 48},
			{11, 12, "X locks rec but not gap", UK_LOCK_RECORD, "RECORD LOCKS", 0, 56,
			"erp.ledger", "PRIMARY", "root", "localhost", "UPDATE erp.ledger SET amount=amount+10.50 WHERE id=1", 52},
			{12, 10, "S locks rec but not gap", UK_LOCK_RECORD, "RECORD LOCKS", 0, 57,
			"erp.stock", "PRIMARY", "root", "localhost", "SELECT qty FROM erp.stock WHERE id=1 LOCK IN SHARE MODE", 55}}},
	/* multi-statement transactions; member 2 over TCP as app (no host name) */
	{"innodb_three2.txt", true, 0, true, "2026-11-21 22:49:19", 2, 3, {
			{52, 53, "X locks rec but not gap", UK_LOCK_RECORD, "RECORD LOCKS", 0, 295,
			"erp.orders", "PRIMARY", "root", "localhost", "UPDATE erp.orders SET status = 'shipped' WHERE id = 1", 0},
			{53, 54, "X locks rec but not gap", UK_LOCK_RECORD, "RECORD LOCKS", 0, 296,
			"erp.ledger", "PRIMARY", "app", "127.0.0.1", "DELETE FROM erp.ledger WHERE id = 1", 0},
			{54, 52, "S locks rec but not gap", UK_LOCK_RECORD, "RECORD LOCKS", 0, 297,
			"erp.stock", "PRIMARY", "root", "localhost", "SELECT qty FROM erp.stock WHERE id = 1 LOCK IN SHARE MODE", 0}}},
	{"innodb_autoinc.txt", true, 0, true, "2026-11-21 22:49:35", 0, 2, {
			{62, 63, "AUTO-INC", UK_LOCK_RELATION, "TABLE LOCK table `erp`.`invoice`", 0, 338,
			"erp.invoice", "", "root", "localhost", "INSERT INTO erp.invoice (v) VALUES (5)", 0},
			{63, 62, "S", UK_LOCK_RECORD, "RECORD LOCKS", 0, 339,
			"erp.src", "PRIMARY", "root", "localhost", "INSERT INTO erp.invoice (v) SELECT v FROM erp.src ORDER BY id DESC", 0}}},
	{"innodb_gap.txt", true, 0, true, "2026-11-21 22:49:08", 0, 2, {
			{49, 48, "X locks gap before rec insert intention", UK_LOCK_RECORD, "RECORD LOCKS space id 26 page no 4 n bits 320 index code_idx of table `erp`.`batch`", 0, 260,
			"erp.batch", "code_idx", "root", "localhost", "INSERT INTO erp.batch VALUES (16, 16)", 0},
			{48, 49, "X locks gap before rec insert intention", UK_LOCK_RECORD, "RECORD LOCKS", 0, 259,
			"erp.batch", "code_idx", "root", "localhost", "INSERT INTO erp.batch VALUES (15, 15)", 0}}},
	/*
	 * weird names, a > 3000-byte statement cut by InnoDB (inside a
	 * character), and a statement with "*** WAITING FOR THIS LOCK TO BE
	 * GRANTED:" and quotes inside a comment
	 */
	{"innodb_long.txt", true, 0, true, "2026-11-21 22:48:42", 0, 2, {
			{36, 35, "X locks rec but not gap", UK_LOCK_RECORD, "RECORD LOCKS", 0, 197,
			"erp$prod.weird`names", "PRIMARY", "root", "localhost",
			"UPDATE `erp$prod`.`weird``names` SET note = 'line1\nline2 \"dq\" ''sq'' \xc3\xa9", 2977},
			{35, 36, "X locks rec but not gap", UK_LOCK_RECORD, "RECORD LOCKS", 0, 196,
			"erp$prod.my-table", "PRIMARY", "root", "localhost",
			"UPDATE `erp$prod`.`my-table`\n   SET v = v + 1 /* patch 42: \"quoted\" `ident`\n*** WAITING FOR THIS LOCK TO BE GRANTED:\nProcess 12: fake */ WHERE id = 2 AND 'it''s' <> 'xxx", 0}}},
};

static bool
parse(const Case *c, const char *buf, size_t len, UkDeadlock *d, UkError **err)
{
	UkStatus	st = c->innodb ? uk_deadlock_parse_innodb(buf, len, d, err)
		: uk_deadlock_parse_pg(buf, len, c->victim_pid, d, err);

	return st == UK_OK;
}

static void
test_real_reports(void)
{
	for (size_t ci = 0; ci < sizeof(cases) / sizeof(cases[0]); ci++)
	{
		const Case *c = &cases[ci];
		size_t		len;
		char	   *buf = read_data(c->file, &len);
		UkDeadlock	d;
		UkError    *err = NULL;

		CHECK(buf != NULL, "read %s", c->file);
		if (buf == NULL)
			continue;
		CHECK(parse(c, buf, len, &d, &err), "%s parses: %s", c->file,
			  err ? err->message : "");
		if (err != NULL)
		{
			uk_error_free(err);
			free(buf);
			continue;
		}
		CHECK(well_formed(&d), "%s well formed", c->file);
		CHECK(d.n == c->n && d.victim == c->victim && !d.incomplete,
			  "%s: n %zu victim %d incomplete %d", c->file, d.n, d.victim, d.incomplete);
		CHECK(strcmp(d.detected_at, c->detected_at) == 0, "%s detected_at '%s'",
			  c->file, d.detected_at);
		for (size_t i = 0; i < c->n && i < d.n; i++)
		{
			const Member *m = &c->m[i];
			const UkDeadlockParticipant *p = &d.participants[i];

			CHECK(p->pid == m->pid && p->blocked_by == m->blocked_by,
				  "%s[%zu] pid %lld blocked_by %lld", c->file, i,
				  (long long) p->pid, (long long) p->blocked_by);
			CHECK(strcmp(p->lock_mode, m->mode) == 0 && p->target_kind == m->kind,
				  "%s[%zu] mode '%s' kind %s", c->file, i, p->lock_mode,
				  uk_lock_target_kind_name(p->target_kind));
			CHECK(c->innodb ? strncmp(p->lock_target, m->target, strlen(m->target)) == 0
				  : strcmp(p->lock_target, m->target) == 0,
				  "%s[%zu] target '%s'", c->file, i, p->lock_target);
			CHECK(p->relation_oid == m->relation_oid && p->transaction_id == m->trx,
				  "%s[%zu] relation %u trx %llu", c->file, i, p->relation_oid,
				  (unsigned long long) p->transaction_id);
			CHECK(strcmp(p->table_name, m->table) == 0 && strcmp(p->index_name, m->index) == 0,
				  "%s[%zu] table '%s' index '%s'", c->file, i, p->table_name, p->index_name);
			CHECK(strcmp(p->username, m->user) == 0 && strcmp(p->host, m->host) == 0,
				  "%s[%zu] user '%s' host '%s'", c->file, i, p->username, p->host);
			if (c->queries)
				CHECK(strncmp(p->query, m->query_prefix, strlen(m->query_prefix)) == 0 &&
					  (m->query_len == 0 || strlen(p->query) == m->query_len),
					  "%s[%zu] query (%zu bytes) '%.120s'", c->file, i, strlen(p->query), p->query);
			else
				CHECK(p->query[0] == '\0', "%s[%zu] no query in errdetail", c->file, i);
			CHECK(!c->innodb || p->database_oid == 0, "%s[%zu] no oid", c->file, i);
		}
		uk_deadlock_free(&d);
		CHECK(d.n == 0 && d.participants == NULL, "%s freed", c->file);
		free(buf);
	}
}

/*
 * Cut every real report at many points: never a crash, and a cut report
 * is either an error or marked incomplete (a cut inside the last query of
 * a PostgreSQL report or after InnoDB's victim line cannot be seen).
 */
static void
test_truncated(void)
{
	for (size_t ci = 0; ci < sizeof(cases) / sizeof(cases[0]); ci++)
	{
		const Case *c = &cases[ci];
		size_t		len;
		char	   *buf = read_data(c->file, &len);
		size_t		step;
		int			bad = 0;
		size_t		last_start = 0;
		size_t		lines_end = SIZE_MAX;

		if (buf == NULL)
			continue;
		if (!c->innodb)
		{
			/* the start of the last query, or the end of the waits lines */
			char		hdr[64];
			const char *q;

			snprintf(hdr, sizeof(hdr), "\nProcess %lld: ",
					 (long long) c->m[c->n - 1].pid);
			q = strstr(buf, hdr);
			last_start = q != NULL && c->queries ? (size_t) (q - buf) + strlen(hdr) : len;
		}
		else
		{
			const char *v = strstr(buf, "*** WE ROLL BACK TRANSACTION (");

			last_start = v != NULL ? (size_t) (v - buf) + 31 : len;
		}
		if (!c->innodb && c->queries)
		{
			/* cut right after the waits lines, it is the errdetail form */
			char		hdr[64];
			const char *q;

			snprintf(hdr, sizeof(hdr), "\nProcess %lld: ", (long long) c->m[0].pid);
			q = strstr(buf, hdr);
			lines_end = q != NULL ? (size_t) (q - buf) : len;
		}
		step = len > 400 ? 7 : 1;
		for (size_t cut = 0; cut < len; cut += step)
		{
			char	   *part = malloc(cut > 0 ? cut : 1);
			UkDeadlock	d;
			UkError    *err = NULL;
			bool		ok;

			if (part == NULL)
				break;
			memcpy(part, buf, cut);
			ok = parse(c, part, cut, &d, &err);
			if (ok)
			{
				if (!well_formed(&d))
					bad++;
				if (cut < last_start && cut != lines_end && !d.incomplete)
				{
					bad++;
					printf("%s cut at %zu: not marked incomplete\n", c->file, cut);
				}
				uk_deadlock_free(&d);
			}
			else
				uk_error_free(err);
			free(part);
		}
		CHECK(bad == 0, "%s: %d bad cuts", c->file, bad);
		free(buf);
	}
}

static void
test_synthetic_pg(void)
{
	/* every DescribeLockTag format */
	static const struct
	{
		const char *target;
		UkLockTargetKind kind;
		uint32_t	rel;
		uint32_t	db;
		uint64_t	trx;
	}			targets[] = {
		{"relation 16385 of database 5", UK_LOCK_RELATION, 16385, 5, 0},
		{"extension of relation 16385 of database 5", UK_LOCK_EXTEND, 16385, 5, 0},
		{"page 7 of relation 16385 of database 5", UK_LOCK_PAGE, 16385, 5, 0},
		{"tuple (0,3) of relation 16385 of database 5", UK_LOCK_TUPLE, 16385, 5, 0},
		{"transaction 4294967295", UK_LOCK_TRANSACTION, 0, 0, 4294967295u},
		{"virtual transaction 3/17", UK_LOCK_VIRTUAL_TRANSACTION, 0, 0, 0},
		{"virtual transaction -1/17", UK_LOCK_VIRTUAL_TRANSACTION, 0, 0, 0},
		{"speculative token 2 of transaction 750", UK_LOCK_TRANSACTION, 0, 0, 750},
		{"object 16400 of class 1259 of database 5", UK_LOCK_OBJECT, 0, 5, 0},
		{"user lock [5,1,2]", UK_LOCK_ADVISORY, 0, 5, 0},
		{"advisory lock [5,0,42,1]", UK_LOCK_ADVISORY, 0, 5, 0},
		{"pg_database.datfrozenxid of database 5", UK_LOCK_OTHER, 0, 5, 0},
		{"unrecognized locktag type 42", UK_LOCK_OTHER, 0, 0, 0},
		{"transaction 4294967296", UK_LOCK_OTHER, 0, 0, 0},	/* not a uint32 */
		{"relation 1 of database 2; and more", UK_LOCK_OTHER, 0, 0, 0},
	};

	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
	{
		char		text[512];
		UkDeadlock	d;
		UkError    *err = NULL;

		snprintf(text, sizeof(text),
				 "Process 11 waits for ShareLock on %s; blocked by process 22.\n"
				 "Process 22 waits for ExclusiveLock on transaction 9; blocked by process 11.",
				 targets[i].target);
		if (uk_deadlock_parse_pg(text, strlen(text), 11, &d, &err) != UK_OK)
		{
			CHECK(false, "'%s': %s", targets[i].target, err->message);
			uk_error_free(err);
			continue;
		}
		CHECK(d.n == 2 && !d.incomplete && d.victim == 0, "'%s' read", targets[i].target);
		CHECK(d.participants[0].target_kind == targets[i].kind &&
			  d.participants[0].relation_oid == targets[i].rel &&
			  d.participants[0].database_oid == targets[i].db &&
			  d.participants[0].transaction_id == targets[i].trx &&
			  strcmp(d.participants[0].lock_target, targets[i].target) == 0,
			  "'%s' -> %s rel %u db %u trx %llu", targets[i].target,
			  uk_lock_target_kind_name(d.participants[0].target_kind),
			  d.participants[0].relation_oid, d.participants[0].database_oid,
			  (unsigned long long) d.participants[0].transaction_id);
		uk_deadlock_free(&d);
	}

	/* placeholders pass through; a query holding another member's header */
	{
		const char *text =
			"Process 11 waits for ShareLock on transaction 9; blocked by process 22.\n"
			"Process 22 waits for ShareLock on transaction 8; blocked by process 33.\n"
			"Process 33 waits for ShareLock on transaction 7; blocked by process 11.\n"
			"Process 11: SELECT 'a\nProcess 22: b'\n"
			"Process 22: <insufficient privilege>\n"
			"Process 33: <backend information not available>";
		UkDeadlock	d;
		UkError    *err = NULL;

		CHECK(uk_deadlock_parse_pg(text, strlen(text), 99, &d, &err) == UK_OK, "parse");
		CHECK(d.n == 3 && d.victim == -1 && !d.incomplete, "three, victim unknown");
		CHECK(strcmp(d.participants[0].query, "SELECT 'a\nProcess 22: b'") == 0,
			  "query with a header inside: '%s'", d.participants[0].query);
		CHECK(strcmp(d.participants[1].query, "<insufficient privilege>") == 0 &&
			  strcmp(d.participants[2].query, "<backend information not available>") == 0,
			  "placeholders");
		uk_deadlock_free(&d);
	}

	/* a broken cycle is incomplete */
	{
		const char *text = "Process 11 waits for ShareLock on transaction 9; blocked by process 22.";
		UkDeadlock	d;
		UkError    *err = NULL;

		CHECK(uk_deadlock_parse_pg(text, strlen(text), 11, &d, &err) == UK_OK &&
			  d.n == 1 && d.incomplete, "one line");
		uk_deadlock_free(&d);
	}
}

static void
test_garbage(void)
{
	static const char *inputs[] = {
		"",
		"deadlock detected",
		"Process x waits for ShareLock on transaction 1; blocked by process 2.",
		"Process 1 waits for ShareLock; blocked by process 2.",
		"Process 99999999999999999999 waits for A on transaction 1; blocked by process 2.",
		"*** (2) TRANSACTION:\nTRANSACTION 1, ACTIVE\n",
		"\x00\xff\xfe garbage \n\n\n",
	};

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
	{
		UkDeadlock	d;
		UkError    *err = NULL;
		size_t		len = strlen(inputs[i]) + (i == 6 ? 1 : 0);

		CHECK(uk_deadlock_parse_pg(inputs[i], len, 1, &d, &err) == UK_ERR_INVALID &&
			  d.n == 0 && err != NULL, "pg garbage %zu", i);
		uk_error_free(err);
		uk_deadlock_free(&d);
		err = NULL;
		CHECK(uk_deadlock_parse_innodb(inputs[i], len, &d, &err) == UK_ERR_NOT_FOUND &&
			  d.n == 0 && err != NULL, "innodb garbage %zu", i);
		uk_error_free(err);
		uk_deadlock_free(&d);
	}
	{
		const char *t = "------------------------\nLATEST DETECTED DEADLOCK\n"
			"------------------------\n2026-11-21 22:46:05 0x7f\n*** (1) TRANSACTION:\nnonsense\n";
		UkDeadlock	d;
		UkError    *err = NULL;
		UkStatus	st = uk_deadlock_parse_innodb(t, strlen(t), &d, &err);

		CHECK((st == UK_OK && d.incomplete) || st == UK_ERR_INVALID, "unreadable member");
		uk_error_free(err);
		uk_deadlock_free(&d);
	}
}

static void
key_of(const char *file, bool innodb, int64_t victim, const char *const *names,
	   char *key, size_t cap)
{
	size_t		len;
	char	   *buf = read_data(file, &len);
	UkDeadlock	d;
	UkError    *err = NULL;

	key[0] = '\0';
	if (buf == NULL)
		return;
	if ((innodb ? uk_deadlock_parse_innodb(buf, len, &d, &err)
		 : uk_deadlock_parse_pg(buf, len, victim, &d, &err)) == UK_OK)
	{
		uk_deadlock_pattern_key(&d, names, key, cap);
		uk_deadlock_free(&d);
	}
	uk_error_free(err);
	free(buf);
}

static void
test_pattern_key(void)
{
	char		a[UK_DEADLOCK_KEY_MAX];
	char		b[UK_DEADLOCK_KEY_MAX];
	char		small[40];
	size_t		n;

	/* the same deadlock with other constants and members in the other order */
	{
		const char *t1 =
			"Process 11 waits for ShareLock on transaction 9; blocked by process 22.\n"
			"Process 22 waits for ShareLock on transaction 8; blocked by process 11.\n"
			"Process 11: UPDATE stock SET qty = qty - 1 WHERE id = 1\n"
			"Process 22: UPDATE orders SET status = 'paid' WHERE id = 7";
		const char *t2 =
			"Process 40 waits for ShareLock on transaction 100; blocked by process 30.\n"
			"Process 30 waits for ShareLock on transaction 101; blocked by process 40.\n"
			"Process 40: UPDATE orders SET status = 'new' WHERE id = 12\n"
			"Process 30: UPDATE stock SET qty = qty - 5 WHERE id = 3";
		const char *n1[] = {"public.stock", "public.orders"};
		const char *n2[] = {"public.orders", "public.stock"};
		const char *n3[] = {"public.orders", "public.invoice"};
		UkDeadlock	d1,
					d2;
		UkError    *err = NULL;

		CHECK(uk_deadlock_parse_pg(t1, strlen(t1), 11, &d1, &err) == UK_OK, "t1");
		CHECK(uk_deadlock_parse_pg(t2, strlen(t2), 30, &d2, &err) == UK_OK, "t2");
		uk_deadlock_pattern_key(&d1, n1, a, sizeof(a));
		uk_deadlock_pattern_key(&d2, n2, b, sizeof(b));
		CHECK(strcmp(a, b) == 0 && a[0] != '\0', "same pattern: '%s' vs '%s'", a, b);
		CHECK(strcmp(a, "public.orders,public.stock | UPDATE orders SET status = ? WHERE id = ? | "
					 "UPDATE stock SET qty = qty - ? WHERE id = ?") == 0, "key '%s'", a);
		uk_deadlock_pattern_key(&d2, n3, b, sizeof(b));
		CHECK(strcmp(a, b) != 0, "other tables, other key: '%s'", b);

		/* cut on a UTF-8 boundary, within cap */
		n = uk_deadlock_pattern_key(&d1, n1, small, sizeof(small));
		CHECK(n == strlen(small) && n < sizeof(small), "cut key %zu '%s'", n, small);
		CHECK(uk_deadlock_pattern_key(&d1, n1, small, 0) == 0, "cap 0");
		uk_deadlock_free(&d1);
		uk_deadlock_free(&d2);
	}

	/* real reports: PG OIDs without names, InnoDB names */
	key_of("pg_table_log.txt", false, 30594, NULL, a, sizeof(a));
	CHECK(strcmp(a, "rel:16422,rel:16427 | LOCK TABLE orders IN EXCLUSIVE MODE | "
				 "UPDATE stock SET qty = ? WHERE id = ?") == 0, "pg table key '%s'", a);
	{
		const char *names[] = {"public.stock", "public.orders"};

		key_of("pg_table_log.txt", false, 30594, names, a, sizeof(a));
		CHECK(strncmp(a, "public.orders,public.stock | ", 29) == 0, "resolved names '%s'", a);
	}
	key_of("pg_two_log.txt", false, 30544, NULL, a, sizeof(a));
	CHECK(strcmp(a, " | UPDATE stock SET qty = qty + ? WHERE id = ? | "
				 "UPDATE stock SET qty = qty + ? WHERE id = ?") == 0,
		  "transaction targets add no table: '%s'", a);
	key_of("innodb_three.txt", true, 0, NULL, a, sizeof(a));
	key_of("innodb_three2.txt", true, 0, NULL, b, sizeof(b));
	CHECK(strncmp(a, "erp.ledger,erp.orders,erp.stock | ", 34) == 0, "innodb key '%s'", a);
	CHECK(strcmp(a, b) != 0, "different statements, different keys");
	key_of("innodb_gap.txt", true, 0, NULL, a, sizeof(a));
	CHECK(strcmp(a, "erp.batch | INSERT INTO erp.batch VALUES (...) | "
				 "INSERT INTO erp.batch VALUES (...)") == 0, "gap key '%s'", a);
	CHECK(strcmp(uk_lock_target_kind_name(UK_LOCK_TUPLE), "tuple") == 0 &&
		  strcmp(uk_lock_target_kind_name((UkLockTargetKind) 99), "other") == 0, "kind names");
}

int
main(void)
{
	test_real_reports();
	test_truncated();
	test_synthetic_pg();
	test_garbage();
	test_pattern_key();
	return uk_test_done("test_deadlock");
}
