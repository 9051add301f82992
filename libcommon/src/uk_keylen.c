/*
 * uk_keylen.c
 *		Bytes of a MariaDB column in an index key and the key length limits
 *		of a table, from information_schema (see uk_keylen.h).
 *
 * The sizes are those the server's key length check adds up, measured on
 * MariaDB 10.11 by creating keys one byte under and over the limit: the
 * storage size of each fixed type (DECIMAL packed 9 digits to 4 bytes,
 * temporal types with their fractional seconds), the octet length of
 * character types.
 */
#include <string.h>
#include <strings.h>

#include "uk_keylen.h"

/* A DECIMAL's leftover digits (0..8) take this many bytes. */
static const int dig2bytes[10] = {0, 1, 1, 2, 2, 3, 3, 4, 4, 4};

static int
decimal_bytes(int precision, int scale)
{
	int			intg;

	if (precision <= 0)
		precision = 10;			/* DECIMAL with no precision: (10, 0) */
	if (scale < 0 || scale > precision)
		scale = 0;
	intg = precision - scale;
	return intg / 9 * 4 + dig2bytes[intg % 9] + scale / 9 * 4 + dig2bytes[scale % 9];
}

/* Fractional seconds: 0 to 3 bytes for 0 to 6 digits. */
static int
frac_bytes(int digits)
{
	if (digits <= 0)
		return 0;
	if (digits > 6)
		digits = 6;
	return (digits + 1) / 2;
}

/* Members of "enum('a','b''c')" / "set(...)"; 0 when none can be read. */
static int
count_members(const char *column_type)
{
	const char *p;
	int			n = 0;
	int			in = 0;

	if (column_type == NULL)
		return 0;
	for (p = column_type; *p != '\0'; p++)
	{
		if (!in)
		{
			if (*p == '\'')
			{
				in = 1;
				n++;
			}
		}
		else if (*p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '\'' && p[1] == '\'')
			p++;				/* '' is a quote inside the member */
		else if (*p == '\'')
			in = 0;
	}
	return n;
}

int
uk_keylen_mariadb_column(const UkMariaColumnType *c)
{
	static const struct
	{
		const char *name;
		int			bytes;
	}			fixed[] =
	{
		{"tinyint", 1}, {"smallint", 2}, {"mediumint", 3}, {"int", 4},
		{"integer", 4}, {"bigint", 8}, {"float", 4}, {"double", 8},
		{"real", 8}, {"date", 3}, {"year", 1}, {"uuid", 16},
		{"inet4", 4}, {"inet6", 16},
	};
	static const char *const chars[] = {
		"char", "varchar", "binary", "varbinary",
	};
	const char *t;
	size_t		i;

	if (c == NULL || c->data_type == NULL)
		return 0;
	t = c->data_type;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (strcasecmp(t, fixed[i].name) == 0)
			return fixed[i].bytes;
	for (i = 0; i < sizeof(chars) / sizeof(chars[0]); i++)
		if (strcasecmp(t, chars[i]) == 0)
			return c->octet_length > 0 && c->octet_length < 1e9 ?
				(int) c->octet_length : 0;
	if (strcasecmp(t, "decimal") == 0 || strcasecmp(t, "numeric") == 0)
		return decimal_bytes(c->numeric_precision, c->numeric_scale);
	if (strcasecmp(t, "datetime") == 0)
		return 5 + frac_bytes(c->datetime_precision);
	if (strcasecmp(t, "timestamp") == 0)
		return 4 + frac_bytes(c->datetime_precision);
	if (strcasecmp(t, "time") == 0)
		return 3 + frac_bytes(c->datetime_precision);
	if (strcasecmp(t, "bit") == 0)
		return c->numeric_precision > 0 ? (c->numeric_precision + 7) / 8 : 1;
	if (strcasecmp(t, "enum") == 0)
		return count_members(c->column_type) > 255 ? 2 : 1;
	if (strcasecmp(t, "set") == 0)
	{
		int			n = count_members(c->column_type);
		int			bytes = (n + 7) / 8;

		if (n == 0)
			return 8;			/* unknown: the widest a set takes */
		return bytes > 4 ? 8 : bytes;
	}
	return 0;					/* TEXT, BLOB, JSON, spatial, unknown */
}

void
uk_keylen_mariadb_table(const char *engine, const char *row_format,
						long page_size, int *max_key, int *max_part)
{
	*max_key = 0;
	*max_part = 0;
	if (engine == NULL)
		return;
	if (strcasecmp(engine, "InnoDB") == 0)
	{
		*max_key = page_size == 4096 ? 768 : page_size == 8192 ? 1536 : 3072;
		*max_part = *max_key;
		/* Antelope formats store at most 767 bytes of a key column; a row
		 * format not known here is taken as one of them */
		if (row_format == NULL ||
			(strcasecmp(row_format, "Dynamic") != 0 &&
			 strcasecmp(row_format, "Compressed") != 0))
			*max_part = *max_key < 767 ? *max_key : 767;
	}
	else if (strcasecmp(engine, "MyISAM") == 0)
		*max_key = *max_part = 1000;
	else if (strcasecmp(engine, "Aria") == 0)
		*max_key = *max_part = 2300;
}
