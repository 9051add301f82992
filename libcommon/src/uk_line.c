/*
 * uk_line.c
 *		One-line records: the framing shared by the append-only logs
 *		(patch runs, deadlocks).
 *
 * A record is one line of tab-separated fields, text escaped with
 * uk_escape_n() (so a field never holds a tab or a newline), ending in a
 * tab, 8 lower-case hex digits of FNV-1a (32 bit) over everything before
 * that tab, and '\n'.  The checksum makes a torn line (a crash in the
 * middle of a write) or a foreign line detectable; the strict number
 * parsers of uk_internal.h make parse(format(x)) == x.
 */
#include <stdio.h>
#include <string.h>

#include "uk_utf8.h"
#include "uk_state.h"
#include "uk_internal.h"

void
uk_line_put(UkLine *lb, const char *s, size_t n)
{
	if (lb->out != NULL && lb->len < lb->cap)
	{
		size_t		room = lb->cap - lb->len;

		memcpy(lb->out + lb->len, s, n < room ? n : room);
	}
	lb->len += n;
}

void
uk_line_i64(UkLine *lb, int64_t v)
{
	char		tmp[32];
	int			n = snprintf(tmp, sizeof(tmp), "\t%lld", (long long) v);

	uk_line_put(lb, tmp, (size_t) n);
}

void
uk_line_u64(UkLine *lb, uint64_t v)
{
	char		tmp[32];
	int			n = snprintf(tmp, sizeof(tmp), "\t%llu", (unsigned long long) v);

	uk_line_put(lb, tmp, (size_t) n);
}

void
uk_line_text(UkLine *lb, const char *s, size_t max)
{
	size_t		n;
	size_t		need;

	if (s == NULL)
		s = "";
	n = uk_utf8_cut(s, strlen(s), max);
	uk_line_put(lb, "\t", 1);
	need = uk_escape_n(s, n, NULL, 0);
	if (lb->out != NULL && lb->len + need < lb->cap)
		uk_escape_n(s, n, lb->out + lb->len, lb->cap - lb->len);
	lb->len += need;
}

uint32_t
uk_fnv1a(const char *s, size_t n)
{
	uint32_t	h = 2166136261u;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		h ^= (unsigned char) s[i];
		h *= 16777619u;
	}
	return h;
}

size_t
uk_line_finish(UkLine *lb)
{
	char		tail[16];
	uint32_t	crc;

	/* the checksum needs the whole body in the buffer */
	crc = (lb->out != NULL && lb->len < lb->cap) ? uk_fnv1a(lb->out, lb->len) : 0;
	snprintf(tail, sizeof(tail), "\t%08x\n", (unsigned) crc);
	uk_line_put(lb, tail, strlen(tail));
	if (lb->out != NULL && lb->cap > 0)
		lb->out[lb->len < lb->cap ? lb->len : lb->cap - 1] = '\0';
	return lb->len;
}

int
uk_line_split(const char *line, size_t len, UkFields *f)
{
	size_t		body;
	size_t		i;
	size_t		from = 0;
	uint32_t	crc = 0;

	f->n = 0;
	if (line == NULL || len < 10 || line[len - 9] != '\t')
		return -1;
	for (i = len - 8; i < len; i++)
	{
		int			d = uk_hex_digit(line[i]);

		if (d < 0)
			return -1;
		crc = (crc << 4) | (uint32_t) d;
	}
	body = len - 9;
	if (crc != uk_fnv1a(line, body))
		return -1;
	for (i = 0; i <= body; i++)
	{
		if (i == body || line[i] == '\t')
		{
			if (f->n >= f->cap)
				return -1;
			f->start[f->n] = line + from;
			f->len[f->n] = i - from;
			f->n++;
			from = i + 1;
		}
	}
	return f->n;
}

bool
uk_line_take_text(const UkFields *f, int i, UkScratch *sc, size_t max,
				  const char **s)
{
	char	   *dst;
	size_t		room;
	size_t		n;

	if (i >= f->n || sc->used >= sc->cap)
		return false;
	dst = sc->buf + sc->used;
	room = sc->cap - sc->used;
	if (!uk_unescape(f->start[i], f->len[i], dst, room))
		return false;
	n = strlen(dst);
	if (n > max)
		return false;
	sc->used += n + 1;
	*s = dst;
	return true;
}

bool
uk_line_take_u64(const UkFields *f, int i, uint64_t *out)
{
	return i < f->n && uk_parse_u64(f->start[i], f->len[i], out);
}

bool
uk_line_take_i64(const UkFields *f, int i, int64_t *out)
{
	return i < f->n && uk_parse_i64(f->start[i], f->len[i], out);
}
