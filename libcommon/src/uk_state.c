/*
 * uk_state.c
 *		The maintenance state record: text format, strict parser, durable
 *		file, and the escaping used by every one-line text field.
 *
 * The parser accepts exactly what uk_state_format() writes and nothing
 * else: the magic line, every key once in a fixed order, canonical numbers
 * and escapes, and a SHA-256 over everything before the "checksum " line.
 * So a version 2 file that parses formats back to the same bytes, and any
 * damage is UK_ERR_CORRUPT with a message that says what is wrong.  The
 * caller must then fail safe.  A version 1 file (written before
 * engine_restore existed) is read as strictly, and formats back as
 * version 2.
 *
 * When the last line is a well-formed checksum line, the checksum is
 * verified before anything else: a flipped bit is then reported as
 * "state file checksum mismatch" rather than as whatever field it hit.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_file.h"
#include "uk_state.h"
#include "uk_internal.h"

#define STATE_MAGIC "upkeep-state 2"
#define STATE_MAGIC_V1 "upkeep-state 1"
#define STATE_MAGIC_PREFIX "upkeep-state "
#define CHECKSUM_KEY "checksum"
#define HEX_LEN (2 * UK_SHA256_LEN)

/* The keys between the magic line and the checksum line, in file order. */
typedef enum StateKey
{
	KEY_ACTIVE,
	KEY_WINDOW_ID,
	KEY_STARTED_AT_US,
	KEY_EXPECTED_END_US,
	KEY_ENTERED_BY_ID,
	KEY_ENTERED_BY,
	KEY_TOKEN_SHA256,
	KEY_REFUSED_WRITES,
	KEY_REASON,
	KEY_ENGINE_RESTORE,			/* since version 2 */
	KEY_COUNT
} StateKey;

static const char *const state_keys[KEY_COUNT] = {
	"active",
	"window_id",
	"started_at_us",
	"expected_end_us",
	"entered_by_id",
	"entered_by",
	"token_sha256",
	"refused_writes",
	"reason",
	"engine_restore"
};

void
uk_state_init(UkMaintState *st)
{
	memset(st, 0, sizeof(*st));
	st->active = false;
	st->has_token = false;
}

/* ---------------------------------------------------------------- escape */

size_t
uk_escape(const char *s, char *out, size_t cap)
{
	return uk_escape_n(s, s != NULL ? strlen(s) : 0, out, cap);
}

size_t
uk_escape_n(const char *s, size_t len, char *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *) (s != NULL ? s : "");
	const unsigned char *end = p + (s != NULL ? len : 0);
	size_t		need = 0;

	for (; p < end; p++)
	{
		char		seq[5];
		size_t		n;
		size_t		i;

		switch (*p)
		{
			case '\\':
				memcpy(seq, "\\\\", 2);
				n = 2;
				break;
			case '\t':
				memcpy(seq, "\\t", 2);
				n = 2;
				break;
			case '\r':
				memcpy(seq, "\\r", 2);
				n = 2;
				break;
			case '\n':
				memcpy(seq, "\\n", 2);
				n = 2;
				break;
			default:
				if (*p < 0x20 || *p == 0x7f)
				{
					static const char digits[] = "0123456789abcdef";

					seq[0] = '\\';
					seq[1] = 'x';
					seq[2] = digits[*p >> 4];
					seq[3] = digits[*p & 0x0f];
					n = 4;
				}
				else
				{
					seq[0] = (char) *p;
					n = 1;
				}
				break;
		}
		for (i = 0; i < n; i++, need++)
		{
			if (cap > 0 && need < cap - 1)
				out[need] = seq[i];
		}
	}
	if (cap > 0)
		out[need < cap - 1 ? need : cap - 1] = '\0';
	return need;
}

/*
 * Only the canonical form that uk_escape() writes is accepted: no raw
 * control bytes, and \xHH (lower-case) only for the control bytes that have
 * no short escape.
 */
bool
uk_unescape(const char *in, size_t len, char *out, size_t cap)
{
	size_t		i;
	size_t		o = 0;

	if (out == NULL || cap == 0)
		return false;
	out[0] = '\0';
	if (in == NULL && len > 0)
		return false;

	for (i = 0; i < len; i++)
	{
		unsigned char c = (unsigned char) in[i];

		if (c == '\\')
		{
			if (i + 1 >= len)
				return false;
			switch (in[++i])
			{
				case '\\':
					c = '\\';
					break;
				case 't':
					c = '\t';
					break;
				case 'r':
					c = '\r';
					break;
				case 'n':
					c = '\n';
					break;
				case 'x':
					{
						int			hi,
									lo;

						if (i + 2 >= len)
							return false;
						hi = uk_hex_digit(in[i + 1]);
						lo = uk_hex_digit(in[i + 2]);
						if (hi < 0 || lo < 0)
							return false;
						c = (unsigned char) (hi << 4 | lo);
						if (c == 0)
							return false;	/* an escaped NUL */
						if (!(c < 0x20 || c == 0x7f) ||
							c == '\t' || c == '\r' || c == '\n')
							return false;	/* not how uk_escape writes it */
						i += 2;
						break;
					}
				default:
					return false;
			}
		}
		else if (c < 0x20 || c == 0x7f)
			return false;		/* raw control byte */

		if (o + 1 >= cap)
		{
			out[0] = '\0';
			return false;
		}
		out[o++] = (char) c;
	}
	out[o] = '\0';
	return true;
}

/* ---------------------------------------------------------------- format */

/* Append printf output to buf (capacity cap); false if it did not fit. */
static bool
buf_append(char *buf, size_t cap, size_t *len, const char *fmt,...)
	__attribute__((format(printf, 4, 5)));

static bool
buf_append(char *buf, size_t cap, size_t *len, const char *fmt,...)
{
	va_list		ap;
	int			n;

	if (*len >= cap)
		return false;
	va_start(ap, fmt);
	n = vsnprintf(buf + *len, cap - *len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t) n >= cap - *len)
		return false;
	*len += (size_t) n;
	return true;
}

UkStatus
uk_state_format(const UkMaintState *st, char **out, size_t *len,
				UkError **err)
{
	/* worst case: every byte of the texts escaped as \xHH */
	char		ent[4 * UK_NAME_MAX + 1];
	char		rsn[4 * UK_REASON_MAX + 1];
	char		rst[4 * UK_ENGINE_RESTORE_MAX + 1];
	char		tok[HEX_LEN + 1];
	uint8_t		sum[UK_SHA256_LEN];
	char		sumhex[HEX_LEN + 1];
	size_t		cap = UK_STATE_FILE_MAX + 1;
	size_t		n = 0;
	char	   *buf;
	bool		ok;

	*out = NULL;
	*len = 0;

	if (strnlen(st->entered_by, sizeof(st->entered_by)) > UK_NAME_MAX)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"maintenance state: entered_by is longer than %d bytes",
							UK_NAME_MAX);
	if (strnlen(st->reason, sizeof(st->reason)) > UK_REASON_MAX)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"maintenance state: reason is longer than %d bytes",
							UK_REASON_MAX);
	if (strnlen(st->engine_restore, sizeof(st->engine_restore)) >
		UK_ENGINE_RESTORE_MAX)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"maintenance state: engine_restore is longer than %d bytes",
							UK_ENGINE_RESTORE_MAX);
	if (st->active)
	{
		UkStatus	rc = uk_reason_validate(st->reason, err);

		if (rc != UK_OK)
			return rc;
	}

	uk_escape(st->entered_by, ent, sizeof(ent));
	uk_escape(st->reason, rsn, sizeof(rsn));
	uk_escape(st->engine_restore, rst, sizeof(rst));
	if (st->has_token)
		uk_hex_encode(st->token_hash, UK_SHA256_LEN, tok);
	else
		strcpy(tok, "-");

	buf = malloc(cap);
	if (buf == NULL)
		return uk_error_set(err, UK_ERR_NOMEM, 0, "out of memory");

	ok = buf_append(buf, cap, &n,
					STATE_MAGIC "\n"
					"active %d\n"
					"window_id %" PRIu64 "\n"
					"started_at_us %" PRId64 "\n"
					"expected_end_us %" PRId64 "\n"
					"entered_by_id %" PRIu64 "\n"
					"entered_by %s\n"
					"token_sha256 %s\n"
					"refused_writes %" PRIu64 "\n"
					"reason %s\n"
					"engine_restore %s\n",
					st->active ? 1 : 0,
					st->window_id,
					st->started_at_us,
					st->expected_end_us,
					st->entered_by_id,
					ent,
					tok,
					st->refused_writes,
					rsn,
					rst);
	if (ok)
	{
		uk_sha256(buf, n, sum);
		uk_hex_encode(sum, UK_SHA256_LEN, sumhex);
		ok = buf_append(buf, cap, &n, CHECKSUM_KEY " %s\n", sumhex);
	}
	if (!ok || n > UK_STATE_FILE_MAX)
	{
		free(buf);
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"maintenance state does not fit in %d bytes",
							UK_STATE_FILE_MAX);
	}
	*out = buf;
	*len = n;
	return UK_OK;
}

/* ----------------------------------------------------------------- parse */

typedef struct LineReader
{
	const char *buf;
	size_t		len;
	size_t		pos;
	unsigned	lineno;
} LineReader;

/*
 * Next line into *line / *linelen (without the newline).  Returns false at
 * the end of the buffer; *has_nl tells whether the line was complete.
 */
static bool
next_line(LineReader *r, const char **line, size_t *linelen, bool *has_nl)
{
	const char *nl;

	if (r->pos >= r->len)
		return false;
	*line = r->buf + r->pos;
	nl = memchr(*line, '\n', r->len - r->pos);
	if (nl == NULL)
	{
		*linelen = r->len - r->pos;
		*has_nl = false;
		r->pos = r->len;
	}
	else
	{
		*linelen = (size_t) (nl - *line);
		*has_nl = true;
		r->pos += *linelen + 1;
	}
	r->lineno++;
	return true;
}

static UkStatus
corrupt(UkError **err, const char *fmt,...)
	__attribute__((format(printf, 2, 3)));

static UkStatus
corrupt(UkError **err, const char *fmt,...)
{
	char		msg[sizeof(((UkError *) 0)->message)];
	va_list		ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return uk_error_set(err, UK_ERR_CORRUPT, 0, "%s", msg);
}

/*
 * Read the line for key; on success *val / *vallen is the text after
 * "key ".  Reports a missing, incomplete or unexpected line.
 */
static UkStatus
expect_key(LineReader *r, const char *key, const char **val, size_t *vallen,
		   UkError **err)
{
	const char *line;
	size_t		linelen;
	bool		has_nl;
	size_t		keylen = strlen(key);
	const char *sp;
	size_t		foundlen;
	char		shown[128];

	if (!next_line(r, &line, &linelen, &has_nl))
		return corrupt(err, "state file truncated: missing key \"%s\"", key);
	if (!has_nl)
		return corrupt(err,
					   "state file truncated: incomplete line %u for key \"%s\"",
					   r->lineno, key);

	sp = memchr(line, ' ', linelen);
	foundlen = sp != NULL ? (size_t) (sp - line) : linelen;
	if (foundlen != keylen || memcmp(line, key, keylen) != 0)
	{
		uk_show(line, foundlen, 40, shown, sizeof(shown));
		return corrupt(err, "state file line %u: expected key \"%s\", found \"%s\"",
					   r->lineno, key, shown);
	}
	if (sp == NULL)
		return corrupt(err, "state file line %u: key \"%s\" has no value",
					   r->lineno, key);
	*val = sp + 1;
	*vallen = linelen - keylen - 1;
	return UK_OK;
}

static UkStatus
bad_value(UkError **err, unsigned lineno, const char *key, const char *val,
		  size_t vallen)
{
	char		shown[128];

	uk_show(val, vallen, 40, shown, sizeof(shown));
	return corrupt(err, "state file line %u: invalid value \"%s\" for key \"%s\"",
				   lineno, shown, key);
}

/* Unescape a text value into out (cap bytes with the NUL). */
static UkStatus
parse_text(UkError **err, unsigned lineno, const char *key, const char *val,
		   size_t vallen, char *out, size_t cap)
{
	char		tmp[UK_STATE_FILE_MAX + 1];

	if (!uk_unescape(val, vallen, tmp, sizeof(tmp)))
		return corrupt(err, "state file line %u: badly escaped value for key \"%s\"",
					   lineno, key);
	if (strlen(tmp) >= cap)
		return corrupt(err, "state file line %u: value for key \"%s\" is longer than %zu bytes",
					   lineno, key, cap - 1);
	strcpy(out, tmp);
	return UK_OK;
}

/*
 * If buf ends with a complete, well-formed checksum line, verify it; a
 * mismatch is reported at once.  Anything else is left to the full parse.
 */
static UkStatus
precheck_checksum(const char *buf, size_t len, UkError **err)
{
	const size_t linelen = sizeof(CHECKSUM_KEY " ") - 1 + HEX_LEN + 1;
	const char *line;
	uint8_t		want[UK_SHA256_LEN];
	uint8_t		have[UK_SHA256_LEN];

	if (len < linelen || buf[len - 1] != '\n')
		return UK_OK;
	line = buf + len - linelen;
	if (line != buf && line[-1] != '\n')
		return UK_OK;
	if (memcmp(line, CHECKSUM_KEY " ", sizeof(CHECKSUM_KEY " ") - 1) != 0)
		return UK_OK;
	if (!uk_hex_decode(line + sizeof(CHECKSUM_KEY " ") - 1, HEX_LEN, want,
					   UK_SHA256_LEN))
		return UK_OK;
	uk_sha256(buf, (size_t) (line - buf), have);
	if (memcmp(want, have, UK_SHA256_LEN) != 0)
		return corrupt(err, "state file checksum mismatch");
	return UK_OK;
}

UkStatus
uk_state_parse(const char *buf, size_t len, UkMaintState *st, UkError **err)
{
	UkMaintState tmp;
	LineReader	r;
	const char *line;
	size_t		linelen;
	bool		has_nl;
	const char *val;
	size_t		vallen;
	size_t		sum_start;
	uint8_t		want[UK_SHA256_LEN];
	uint8_t		have[UK_SHA256_LEN];
	int			k;
	int			nkeys = KEY_COUNT;
	UkStatus	rc;

	uk_state_init(st);
	uk_state_init(&tmp);

	if (buf == NULL || len == 0)
		return corrupt(err, "state file is empty");
	if (len > UK_STATE_FILE_MAX)
		return corrupt(err, "state file is too large: %zu bytes, at most %d allowed",
					   len, UK_STATE_FILE_MAX);
	if (memchr(buf, '\0', len) != NULL)
		return corrupt(err, "state file contains a NUL byte at offset %zu",
					   (size_t) ((const char *) memchr(buf, '\0', len) - buf));

	rc = precheck_checksum(buf, len, err);
	if (rc != UK_OK)
		return rc;

	r.buf = buf;
	r.len = len;
	r.pos = 0;
	r.lineno = 0;

	/* the magic line */
	next_line(&r, &line, &linelen, &has_nl);
	if (!has_nl)
		return corrupt(err, "state file truncated: incomplete first line");
	if (linelen == strlen(STATE_MAGIC_V1) &&
		memcmp(line, STATE_MAGIC_V1, linelen) == 0)
		nkeys = KEY_ENGINE_RESTORE; /* version 1: no engine_restore line */
	else if (linelen != strlen(STATE_MAGIC) ||
			 memcmp(line, STATE_MAGIC, linelen) != 0)
	{
		size_t		plen = strlen(STATE_MAGIC_PREFIX);
		char		shown[128];

		if (linelen > plen && memcmp(line, STATE_MAGIC_PREFIX, plen) == 0)
		{
			uk_show(line + plen, linelen - plen, 20, shown, sizeof(shown));
			return corrupt(err, "state file has unsupported format version \"%s\" (expected 1 or %d)",
						   shown, UK_STATE_VERSION);
		}
		return corrupt(err, "state file does not start with \"%s\"",
					   STATE_MAGIC);
	}

	for (k = 0; k < nkeys; k++)
	{
		const char *key = state_keys[k];
		uint64_t	u;
		int64_t		s;

		rc = expect_key(&r, key, &val, &vallen, err);
		if (rc != UK_OK)
			return rc;

		switch ((StateKey) k)
		{
			case KEY_ACTIVE:
				if (vallen != 1 || (val[0] != '0' && val[0] != '1'))
					return bad_value(err, r.lineno, key, val, vallen);
				tmp.active = val[0] == '1';
				break;
			case KEY_WINDOW_ID:
			case KEY_ENTERED_BY_ID:
			case KEY_REFUSED_WRITES:
				if (!uk_parse_u64(val, vallen, &u))
					return bad_value(err, r.lineno, key, val, vallen);
				if (k == KEY_WINDOW_ID)
					tmp.window_id = u;
				else if (k == KEY_ENTERED_BY_ID)
					tmp.entered_by_id = u;
				else
					tmp.refused_writes = u;
				break;
			case KEY_STARTED_AT_US:
			case KEY_EXPECTED_END_US:
				if (!uk_parse_i64(val, vallen, &s))
					return bad_value(err, r.lineno, key, val, vallen);
				if (k == KEY_STARTED_AT_US)
					tmp.started_at_us = s;
				else
					tmp.expected_end_us = s;
				break;
			case KEY_ENTERED_BY:
				rc = parse_text(err, r.lineno, key, val, vallen,
								tmp.entered_by, sizeof(tmp.entered_by));
				if (rc != UK_OK)
					return rc;
				break;
			case KEY_TOKEN_SHA256:
				if (vallen == 1 && val[0] == '-')
					tmp.has_token = false;
				else if (uk_hex_decode(val, vallen, tmp.token_hash,
									   UK_SHA256_LEN))
					tmp.has_token = true;
				else
					return bad_value(err, r.lineno, key, val, vallen);
				break;
			case KEY_REASON:
				rc = parse_text(err, r.lineno, key, val, vallen,
								tmp.reason, sizeof(tmp.reason));
				if (rc != UK_OK)
					return rc;
				if (tmp.active)
				{
					UkError    *verr = NULL;

					if (uk_reason_validate(tmp.reason, &verr) != UK_OK)
					{
						rc = corrupt(err, "state file line %u: invalid reason: %s",
									 r.lineno,
									 verr != NULL ? verr->message : "?");
						uk_error_free(verr);
						return rc;
					}
				}
				break;
			case KEY_ENGINE_RESTORE:
				rc = parse_text(err, r.lineno, key, val, vallen,
								tmp.engine_restore, sizeof(tmp.engine_restore));
				if (rc != UK_OK)
					return rc;
				break;
			case KEY_COUNT:
				break;
		}
	}

	/* the checksum line covers every byte before it */
	sum_start = r.pos;
	rc = expect_key(&r, CHECKSUM_KEY, &val, &vallen, err);
	if (rc != UK_OK)
		return rc;
	if (!uk_hex_decode(val, vallen, want, UK_SHA256_LEN))
		return bad_value(err, r.lineno, CHECKSUM_KEY, val, vallen);
	uk_sha256(buf, sum_start, have);
	if (memcmp(want, have, UK_SHA256_LEN) != 0)
		return corrupt(err, "state file checksum mismatch");
	if (r.pos != len)
		return corrupt(err, "state file has trailing content after the checksum line");

	*st = tmp;
	return UK_OK;
}

/* ------------------------------------------------------------------ file */

UkStatus
uk_state_write(const char *path, const UkMaintState *st, UkError **err)
{
	char	   *buf;
	size_t		len;
	UkStatus	rc;

	rc = uk_state_format(st, &buf, &len, err);
	if (rc != UK_OK)
		return rc;
	rc = uk_file_write_atomic(path, buf, len, err);
	free(buf);
	return rc;
}

UkStatus
uk_state_read(const char *path, UkMaintState *st, UkError **err)
{
	char	   *buf;
	size_t		len;
	UkError    *ferr = NULL;
	UkStatus	rc;

	uk_state_init(st);
	rc = uk_file_read(path, UK_STATE_FILE_MAX, &buf, &len, &ferr);
	if (rc == UK_ERR_CORRUPT)
	{
		/* the only corruption uk_file_read() knows: too large */
		uk_error_free(ferr);
		return corrupt(err, "state file is too large: more than %d bytes",
					   UK_STATE_FILE_MAX);
	}
	if (rc != UK_OK)
	{
		if (err != NULL)
			*err = ferr;
		else
			uk_error_free(ferr);
		return rc;
	}
	rc = uk_state_parse(buf, len, st, err);
	free(buf);
	return rc;
}

bool
uk_state_equal(const UkMaintState *a, const UkMaintState *b)
{
	return a->active == b->active &&
		a->window_id == b->window_id &&
		a->started_at_us == b->started_at_us &&
		a->expected_end_us == b->expected_end_us &&
		a->entered_by_id == b->entered_by_id &&
		strcmp(a->entered_by, b->entered_by) == 0 &&
		a->has_token == b->has_token &&
		(!a->has_token ||
		 memcmp(a->token_hash, b->token_hash, UK_SHA256_LEN) == 0) &&
		a->refused_writes == b->refused_writes &&
		strcmp(a->reason, b->reason) == 0 &&
		strcmp(a->engine_restore, b->engine_restore) == 0;
}
