/*
 * uk_validate.c
 *		Validation of user input shared by both engines: maintenance reasons,
 *		durations and drain actions, plus a strict UTF-8 checker.
 *
 * The messages are shown to the user as they are, so they name the value
 * and say what is wrong with it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "uk_validate.h"
#include "uk_internal.h"

/*
 * Decode one UTF-8 sequence at s[0..len).  Returns its length and the code
 * point in *cp, or 0 if it is not valid (truncated, overlong, surrogate,
 * above U+10FFFF, or a stray continuation byte).
 */
static size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t		n;
	uint32_t	v;
	uint32_t	min;
	size_t		i;

	if (c < 0x80)
	{
		*cp = c;
		return 1;
	}
	else if (c >= 0xc2 && c <= 0xdf)
	{
		n = 2;
		v = c & 0x1f;
		min = 0x80;
	}
	else if (c >= 0xe0 && c <= 0xef)
	{
		n = 3;
		v = c & 0x0f;
		min = 0x800;
	}
	else if (c >= 0xf0 && c <= 0xf4)
	{
		n = 4;
		v = c & 0x07;
		min = 0x10000;
	}
	else
		return 0;				/* continuation byte, C0, C1, F5..FF */

	if (len < n)
		return 0;
	for (i = 1; i < n; i++)
	{
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

int
uk_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *) s;
	size_t		i = 0;

	if (s == NULL)
		return len == 0;
	while (i < len)
	{
		uint32_t	cp;
		size_t		n = utf8_decode(p + i, len - i, &cp);

		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

size_t
uk_utf8_scrub(char *s, size_t len)
{
	unsigned char *p = (unsigned char *) s;
	size_t		i = 0;
	size_t		replaced = 0;

	if (s == NULL)
		return 0;
	while (i < len)
	{
		uint32_t	cp;
		size_t		n = utf8_decode(p + i, len - i, &cp);

		if (n == 0)
		{
			p[i++] = '?';
			replaced++;
		}
		else
			i += n;
	}
	return replaced;
}

/* C0 controls, DEL and C1 controls; the caller allows tab separately. */
static bool
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

/* Characters that show as nothing or as white space. */
static bool
is_blank(uint32_t cp)
{
	switch (cp)
	{
		case ' ':
		case '\t':
		case 0x00a0:			/* no-break space */
		case 0x1680:			/* ogham space mark */
		case 0x180e:			/* mongolian vowel separator */
		case 0x200b:			/* zero width space */
		case 0x200c:			/* zero width non-joiner */
		case 0x200d:			/* zero width joiner */
		case 0x2028:			/* line separator */
		case 0x2029:			/* paragraph separator */
		case 0x202f:			/* narrow no-break space */
		case 0x205f:			/* medium mathematical space */
		case 0x2060:			/* word joiner */
		case 0x3000:			/* ideographic space */
		case 0xfeff:			/* zero width no-break space */
			return true;
		default:
			return cp >= 0x2000 && cp <= 0x200a;	/* en quad .. hair space */
	}
}

/*
 * Checks, in this order: not NULL, not empty, at most UK_REASON_MAX bytes,
 * valid UTF-8, no control characters except tab, not only blanks.
 */
UkStatus
uk_reason_validate(const char *reason, UkError **err)
{
	if (reason == NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"maintenance reason must not be null");
	return uk_reason_validate_len(reason, strlen(reason), err);
}

/*
 * The checks of uk_reason_validate() over len bytes; a NUL among them is a
 * control character (U+0000).
 */
UkStatus
uk_reason_validate_len(const char *reason, size_t len, UkError **err)
{
	const unsigned char *p = (const unsigned char *) reason;
	size_t		i;
	bool		nonblank = false;

	if (reason == NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"maintenance reason must not be null");
	if (len == 0)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"maintenance reason must not be empty");
	if (len > UK_REASON_MAX)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"maintenance reason is too long: %zu bytes, at most %d allowed",
							len, UK_REASON_MAX);

	for (i = 0; i < len;)
	{
		uint32_t	cp;
		size_t		n = utf8_decode(p + i, len - i, &cp);

		if (n == 0)
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"maintenance reason is not valid UTF-8 (at byte %zu)",
								i + 1);
		if (cp != '\t' && is_control(cp))
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"maintenance reason must not contain control characters (U+%04X at byte %zu)",
								(unsigned) cp, i + 1);
		if (!is_blank(cp))
			nonblank = true;
		i += n;
	}
	if (!nonblank)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"maintenance reason must not be blank");
	return UK_OK;
}

/* Write us as a short readable duration ("1 day", "1500 milliseconds"). */
static void
format_duration(int64_t us, char *buf, size_t cap)
{
	static const struct
	{
		int64_t		unit;
		const char *name;
	}			units[] = {
		{INT64_C(86400000000), "day"},
		{INT64_C(3600000000), "hour"},
		{INT64_C(60000000), "minute"},
		{INT64_C(1000000), "second"},
		{INT64_C(1000), "millisecond"},
	};
	size_t		i;

	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
	{
		if (us != 0 && us % units[i].unit == 0)
		{
			int64_t		n = us / units[i].unit;

			snprintf(buf, cap, "%" PRId64 " %s%s", n, units[i].name,
					 n == 1 ? "" : "s");
			return;
		}
	}
	snprintf(buf, cap, "%" PRId64 " microsecond%s", us, us == 1 ? "" : "s");
}

UkStatus
uk_duration_validate(const char *what, int64_t us, int64_t max_us,
					 UkError **err)
{
	char		have[64];
	char		limit[64];

	if (what == NULL)
		what = "duration";
	if (us < 0)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"%s must not be negative", what);
	if (us > max_us)
	{
		format_duration(us, have, sizeof(have));
		format_duration(max_us, limit, sizeof(limit));
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"%s is too large: %s, at most %s allowed",
							what, have, limit);
	}
	return UK_OK;
}

/* ASCII-only case-insensitive equality, independent of the locale. */
static bool
ascii_caseeq(const char *a, const char *b)
{
	for (;; a++, b++)
	{
		char		ca = *a;
		char		cb = *b;

		if (ca >= 'A' && ca <= 'Z')
			ca = (char) (ca - 'A' + 'a');
		if (cb >= 'A' && cb <= 'Z')
			cb = (char) (cb - 'A' + 'a');
		if (ca != cb)
			return false;
		if (ca == '\0')
			return true;
	}
}

UkStatus
uk_drain_action_parse(const char *s, UkDrainAction *out, UkError **err)
{
	char		shown[128];

	if (s == NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"drain action must not be null");
	if (ascii_caseeq(s, "fail"))
	{
		*out = UK_DRAIN_FAIL;
		return UK_OK;
	}
	if (ascii_caseeq(s, "terminate") || ascii_caseeq(s, "kill"))
	{
		*out = UK_DRAIN_TERMINATE;
		return UK_OK;
	}
	uk_show(s, strlen(s), 40, shown, sizeof(shown));
	return uk_error_set(err, UK_ERR_INVALID, 0,
						"invalid drain action \"%s\": expected \"fail\", \"terminate\" or \"kill\"",
						shown);
}

const char *
uk_drain_action_name(UkDrainAction a)
{
	switch (a)
	{
		case UK_DRAIN_FAIL:
			return "fail";
		case UK_DRAIN_TERMINATE:
			return "terminate";
	}
	return "unknown";
}
