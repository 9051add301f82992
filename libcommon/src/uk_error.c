/*
 * uk_error.c
 *		Error structs returned by libcommon, and small helpers shared by the
 *		other source files (errno text, strict number and hex parsing).
 *
 * An error is a malloc'd UkError owned by the caller.  If even that
 * allocation fails, *err points to a static "out of memory" error instead;
 * uk_error_free() knows it and does not free it, so callers need no special
 * case.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_error.h"
#include "uk_internal.h"

static UkError uk_error_oom = {UK_ERR_NOMEM, ENOMEM, "out of memory"};

/*
 * Set *err (if err is not NULL) to a new error and return code.  The message
 * is cut to fit UkError.message.
 */
UkStatus
uk_error_set(UkError **err, UkStatus code, int sys_errno, const char *fmt,...)
{
	UkError    *e;
	va_list		ap;

	if (err == NULL)
		return code;

	e = malloc(sizeof(UkError));
	if (e == NULL)
	{
		*err = &uk_error_oom;
		return code;
	}
	e->code = code;
	e->sys_errno = sys_errno;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	*err = e;
	return code;
}

/* Free an error; NULL and the static out-of-memory error are ignored. */
void
uk_error_free(UkError *err)
{
	if (err == NULL || err == &uk_error_oom)
		return;
	free(err);
}

/*
 * Thread-safe strerror.  Without _GNU_SOURCE glibc gives the XSI
 * strerror_r, which fills buf and returns an int.
 */
const char *
uk_errno_str(int errnum, char *buf, size_t cap)
{
	if (cap == 0)
		return "";
	if (strerror_r(errnum, buf, cap) != 0)
		snprintf(buf, cap, "error %d", errnum);
	return buf;
}

bool
uk_parse_u64(const char *s, size_t len, uint64_t *out)
{
	uint64_t	v = 0;
	size_t		i;

	if (len == 0 || len > 20)
		return false;
	if (s[0] == '0' && len > 1)
		return false;
	for (i = 0; i < len; i++)
	{
		unsigned	d;

		if (s[i] < '0' || s[i] > '9')
			return false;
		d = (unsigned) (s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*out = v;
	return true;
}

bool
uk_parse_i64(const char *s, size_t len, int64_t *out)
{
	uint64_t	mag;
	bool		neg = false;

	if (len > 0 && s[0] == '-')
	{
		neg = true;
		s++;
		len--;
	}
	if (!uk_parse_u64(s, len, &mag))
		return false;
	if (neg)
	{
		if (mag == 0 || mag > (uint64_t) INT64_MAX + 1)
			return false;
		if (mag == (uint64_t) INT64_MAX + 1)
			*out = INT64_MIN;
		else
			*out = -(int64_t) mag;
	}
	else
	{
		if (mag > (uint64_t) INT64_MAX)
			return false;
		*out = (int64_t) mag;
	}
	return true;
}

void
uk_hex_encode(const uint8_t *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t		i;

	for (i = 0; i < len; i++)
	{
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0x0f];
	}
	out[2 * len] = '\0';
}

int
uk_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool
uk_hex_decode(const char *in, size_t inlen, uint8_t *out, size_t outlen)
{
	size_t		i;

	if (inlen != 2 * outlen)
		return false;
	for (i = 0; i < outlen; i++)
	{
		int			hi = uk_hex_digit(in[2 * i]);
		int			lo = uk_hex_digit(in[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t) (hi << 4 | lo);
	}
	return true;
}

void
uk_show(const char *s, size_t len, size_t maxshow, char *out, size_t cap)
{
	static const char digits[] = "0123456789abcdef";
	size_t		n = len < maxshow ? len : maxshow;
	size_t		o = 0;
	size_t		i;

	if (cap == 0)
		return;
	for (i = 0; i < n; i++)
	{
		unsigned char c = (unsigned char) s[i];
		char		seq[4];
		size_t		k;

		if (c == '\\')
		{
			seq[0] = seq[1] = '\\';
			k = 2;
		}
		else if (c >= 0x20 && c < 0x7f)
		{
			seq[0] = (char) c;
			k = 1;
		}
		else
		{
			seq[0] = '\\';
			seq[1] = 'x';
			seq[2] = digits[c >> 4];
			seq[3] = digits[c & 0x0f];
			k = 4;
		}
		/* keep room for "..." and the NUL */
		if (o + k + 4 > cap)
			break;
		memcpy(out + o, seq, k);
		o += k;
	}
	if (i < len && o + 4 <= cap)
	{
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}
