/*
 * fuzz_runlog.c
 *		libFuzzer target for uk_runlog.h: random output fed to the frappe
 *		and odoo presets and to a regular-expression matcher.
 *
 * The first byte picks the stream and a chunk size; the rest is the
 * child's output.  For each matcher the output is fed once whole and once
 * in chunks; both must give the same events (line assembly may not depend
 * on where reads end).  Every event must have a known kind, a name and app
 * NUL-terminated inside their arrays, valid UTF-8 without control
 * characters, index and total not negative, and seconds -1 or a finite
 * number not below 0.  Anything else aborts.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_runlog.h"
#include "uk_validate.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct Seen
{
	uint32_t	hash;
	int			n;
} Seen;

static void
mix(Seen *s, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		s->hash ^= b[i];
		s->hash *= 16777619u;
	}
}

static void
check_text(const char *s, size_t cap)
{
	const char *end = memchr(s, '\0', cap);
	const char *p;

	if (end == NULL)
		abort();
	if (!uk_utf8_valid(s, (size_t) (end - s)))
		abort();
	for (p = s; p < end; p++)
		if ((unsigned char) *p < 0x20 || *p == 0x7f)
			abort();
}

static void
on_event(const UkRunlogEvent *ev, void *arg)
{
	Seen	   *s = arg;

	if (ev->kind <= UK_RUNLOG_NONE || ev->kind > UK_RUNLOG_PROGRESS)
		abort();
	check_text(ev->name, sizeof(ev->name));
	check_text(ev->app, sizeof(ev->app));
	if (ev->index < 0 || ev->total < 0)
		abort();
	if (ev->seconds != -1 && (!isfinite(ev->seconds) || ev->seconds < 0))
		abort();
	mix(s, &ev->kind, sizeof(ev->kind));
	mix(s, ev->name, strlen(ev->name) + 1);
	mix(s, ev->app, strlen(ev->app) + 1);
	mix(s, &ev->index, sizeof(ev->index));
	mix(s, &ev->total, sizeof(ev->total));
	mix(s, &ev->seconds, sizeof(ev->seconds));
	s->n++;
}

static void
feed(UkRunlog *rl, int stream, const char *buf, size_t len, size_t step,
	 Seen *s)
{
	size_t		i;

	s->hash = 2166136261u;
	s->n = 0;
	for (i = 0; i < len; i += step)
		uk_runlog_feed(rl, stream, buf + i, len - i < step ? len - i : step,
					   on_event, s);
	uk_runlog_flush(rl, on_event, s);
}

static UkRunlog *
make(int which)
{
	UkError    *err = NULL;
	UkRunlog   *rl;

	if (which == 0)
		rl = uk_runlog_new_preset("frappe", &err);
	else if (which == 1)
		rl = uk_runlog_new_preset("odoo", &err);
	else
		rl = uk_runlog_new_regex("^(Running|Executing) ([^ ]*)( in)?",
								 "(Done|ok)$", "^FAIL(ED)?: (.*)", &err);
	if (rl == NULL)
		abort();
	return rl;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf;
	size_t		len;
	int			stream;
	size_t		step;
	int			which;

	if (size == 0)
		return 0;
	stream = data[0] & 1;
	step = 1 + (data[0] >> 1);
	buf = (const char *) data + 1;
	len = size - 1;
	for (which = 0; which < 3; which++)
	{
		UkRunlog   *whole = make(which);
		UkRunlog   *chunked = make(which);
		Seen		a;
		Seen		b;

		feed(whole, stream, buf, len, len > 0 ? len : 1, &a);
		feed(chunked, stream, buf, len, step, &b);
		if (a.n != b.n || a.hash != b.hash)
		{
			fprintf(stderr, "matcher %d: %d events whole, %d in chunks of %zu\n",
					which, a.n, b.n, step);
			abort();
		}
		uk_runlog_free(whole);
		uk_runlog_free(chunked);
	}
	return 0;
}
