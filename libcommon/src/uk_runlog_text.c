/*
 * uk_runlog_text.c
 *		Text helpers of the runlog matchers: removing terminal escape
 *		sequences, copying a name safely into an event, reading numbers.
 *
 * Below uk_runlog.c and both preset matchers (uk_runlog_int.h).  Numbers
 * are read by hand rather than with strtod(), whose decimal point follows
 * the process locale: the CLI may run under one where it is a comma, while
 * the ERPs always print a point.
 */
#include <string.h>

#include "uk_utf8.h"
#include "uk_validate.h"
#include "uk_runlog_int.h"

#define ESC 0x1b

/* The end of an escape sequence starting at in[i] == ESC. */
static size_t
escape_end(const char *in, size_t len, size_t i)
{
	size_t		j = i + 1;
	unsigned char n;

	if (j >= len)
		return len;
	n = (unsigned char) in[j];
	if (n == '[')
	{
		/* CSI: parameters, intermediates, one final byte */
		j++;
		while (j < len && (unsigned char) in[j] >= 0x30 && (unsigned char) in[j] <= 0x3f)
			j++;
		while (j < len && (unsigned char) in[j] >= 0x20 && (unsigned char) in[j] <= 0x2f)
			j++;
		if (j < len && (unsigned char) in[j] >= 0x40 && (unsigned char) in[j] <= 0x7e)
			j++;
		return j;
	}
	if (n == ']' || n == 'P' || n == '_' || n == '^' || n == 'X')
	{
		/* OSC, DCS, APC, PM, SOS: a string up to BEL or ST (ESC \) */
		j++;
		while (j < len)
		{
			if (in[j] == 0x07)
				return j + 1;
			if (in[j] == ESC)
				return (j + 1 < len && in[j + 1] == '\\') ? j + 2 : j;
			j++;
		}
		return j;
	}
	/* any other: intermediates, then one final byte */
	while (j < len && (unsigned char) in[j] >= 0x20 && (unsigned char) in[j] <= 0x2f)
		j++;
	if (j < len && (unsigned char) in[j] >= 0x30 && (unsigned char) in[j] <= 0x7e)
		j++;
	return j;
}

size_t
uk_runlog_strip(const char *in, size_t len, char *out)
{
	size_t		i = 0;
	size_t		o = 0;

	while (i < len)
	{
		char		c = in[i];

		if (c == ESC)
			i = escape_end(in, len, i);
		else
		{
			if (c != '\0' && c != 0x07)
				out[o++] = c;
			i++;
		}
	}
	return o;
}

void
uk_runlog_event_init(UkRunlogEvent *ev, UkRunlogKind k)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = k;
	ev->seconds = -1;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

void
uk_runlog_set(char *dst, size_t cap, const char *s, size_t len)
{
	size_t		n;
	size_t		i;

	if (cap == 0)
		return;
	while (len > 0 && is_space(s[0]))
	{
		s++;
		len--;
	}
	len = uk_runlog_rtrim(s, len);
	n = uk_utf8_cut(s, len, cap - 1);
	memcpy(dst, s, n);
	for (i = 0; i < n; i++)
		if ((unsigned char) dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = ' ';
	uk_utf8_scrub(dst, n);
	n = uk_runlog_rtrim(dst, n);
	dst[n] = '\0';
}

bool
uk_runlog_prefix(const char *s, size_t len, const char *p)
{
	size_t		n = strlen(p);

	return len >= n && memcmp(s, p, n) == 0;
}

long
uk_runlog_find(const char *s, size_t len, size_t from, const char *needle)
{
	size_t		n = strlen(needle);
	size_t		i;

	if (n == 0 || len < n)
		return -1;
	for (i = from; i + n <= len; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, n) == 0)
			return (long) i;
	return -1;
}

size_t
uk_runlog_rtrim(const char *s, size_t len)
{
	while (len > 0 && is_space(s[len - 1]))
		len--;
	return len;
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool
uk_runlog_number(const char *s, size_t len, size_t *used, double *out)
{
	size_t		i = 0;
	double		v = 0;
	double		scale = 1;
	int			digits = 0;

	*used = 0;
	while (i < len && is_digit(s[i]))
	{
		if (digits < 30)
			v = v * 10 + (s[i] - '0');
		else
			scale *= 10;		/* digits past 30 only move the magnitude */
		digits++;
		i++;
	}
	if (digits == 0)
		return false;
	v *= scale;
	if (i + 1 < len && s[i] == '.' && is_digit(s[i + 1]))
	{
		double		f = 0.1;

		i++;
		while (i < len && is_digit(s[i]))
		{
			v += (s[i] - '0') * f;
			f /= 10;
			i++;
		}
	}
	if (i < len && (s[i] == 'e' || s[i] == 'E'))
	{
		size_t		j = i + 1;
		int			neg = 0;
		int			e = 0;
		int			edigits = 0;

		if (j < len && (s[j] == '+' || s[j] == '-'))
			neg = s[j++] == '-';
		while (j < len && is_digit(s[j]) && edigits < 4)
		{
			e = e * 10 + (s[j] - '0');
			edigits++;
			j++;
		}
		if (edigits > 0 && !(j < len && is_digit(s[j])) && e <= 300)
		{
			while (e-- > 0)
				v = neg ? v / 10 : v * 10;
			i = j;
		}
	}
	*used = i;
	*out = v;
	return true;
}

bool
uk_runlog_int(const char *s, size_t len, size_t *used, int *out)
{
	size_t		i = 0;
	int			v = 0;

	*used = 0;
	while (i < len && is_digit(s[i]))
	{
		if (i >= 9)
			return false;
		v = v * 10 + (s[i] - '0');
		i++;
	}
	if (i == 0)
		return false;
	*used = i;
	*out = v;
	return true;
}
