/*
 * uk_internal.h
 *		Helpers shared by the libcommon source files; not part of the
 *		public interface.
 *
 * The number and hex parsers are strict on purpose: they accept exactly the
 * canonical text that the formatters write (no sign on unsigned values, no
 * leading zeros, no "-0", lower-case hex only), so that a file that parses
 * formats back to the same bytes.
 */
#ifndef UK_INTERNAL_H
#define UK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Text of errnum into buf (thread-safe strerror); returns buf. */
extern const char *uk_errno_str(int errnum, char *buf, size_t cap);

/* Canonical decimal; false on anything else or on overflow. */
extern bool uk_parse_u64(const char *s, size_t len, uint64_t *out);
extern bool uk_parse_i64(const char *s, size_t len, int64_t *out);

/* len bytes of in as 2 * len lower-case hex digits plus a NUL. */
extern void uk_hex_encode(const uint8_t *in, size_t len, char *out);

/* Value of one lower-case hex digit, or -1. */
extern int	uk_hex_digit(char c);

/* Exactly 2 * outlen lower-case hex digits into outlen bytes. */
extern bool uk_hex_decode(const char *in, size_t inlen, uint8_t *out,
						  size_t outlen);

/*
 * Copy s (len bytes) into out for use inside an error message: printable
 * ASCII as is, anything else as \xHH (so the message is valid in any
 * client encoding), cut to at most maxshow input bytes with "..." appended.
 */
extern void uk_show(const char *s, size_t len, size_t maxshow, char *out,
					size_t cap);

/*
 * One-line records (uk_line.c): a line is built field by field into a
 * caller buffer (UkLine tracks the length needed even when the buffer is
 * too small, like snprintf), then uk_line_finish() adds the checksum and
 * the newline.  uk_line_split() checks the checksum of a line (without its
 * '\n') and splits its fields (without the checksum) into f, whose start
 * and len arrays hold f->cap entries; it returns the number of fields, or
 * -1 for a damaged line or one with too many fields.
 */
typedef struct UkLine
{
	char	   *out;
	size_t		cap;
	size_t		len;
} UkLine;

typedef struct UkFields
{
	const char **start;
	size_t	   *len;
	int			cap;
	int			n;
} UkFields;

typedef struct UkScratch
{
	char	   *buf;
	size_t		cap;
	size_t		used;
} UkScratch;

extern void uk_line_put(UkLine *lb, const char *s, size_t n);
extern void uk_line_i64(UkLine *lb, int64_t v);	/* a tab, then v */
extern void uk_line_u64(UkLine *lb, uint64_t v);
extern void uk_line_text(UkLine *lb, const char *s, size_t max);	/* a tab, then s cut and escaped */
extern size_t uk_line_finish(UkLine *lb);
extern uint32_t uk_fnv1a(const char *s, size_t n);
extern int	uk_line_split(const char *line, size_t len, UkFields *f);
extern bool uk_line_take_text(const UkFields *f, int i, UkScratch *sc,
							  size_t max, const char **s);
extern bool uk_line_take_u64(const UkFields *f, int i, uint64_t *out);
extern bool uk_line_take_i64(const UkFields *f, int i, int64_t *out);

#endif							/* UK_INTERNAL_H */
