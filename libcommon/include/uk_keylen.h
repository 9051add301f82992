/*
 * uk_keylen.h
 *		How many bytes a MariaDB column takes in an index key, and how many
 *		bytes a key of a table may take, as the server counts them when it
 *		creates an index (error 1071 "Specified key was too long", 1709
 *		"Index column size too large"): from what information_schema says
 *		of the column (COLUMNS) and of the table (TABLES).  They fill the
 *		index advisor's UkAdvColumn.key_bytes and UkAdvTable.max_key_bytes
 *		and max_key_part_bytes (uk_advisor.h).
 *
 * The server counts the declared width, not the values: a character
 * column its CHARACTER_OCTET_LENGTH (characters x the character set's
 * longest character: 560 for a utf8mb4 varchar(140)), other types their
 * fixed storage size; neither the length bytes of a VARCHAR nor the NULL
 * flag count, nor the primary key that InnoDB appends to every secondary
 * index.  Pure functions; nothing is allocated.
 */
#ifndef UK_KEYLEN_H
#define UK_KEYLEN_H

/* What information_schema.COLUMNS says of one column; NULL as < 0. */
typedef struct UkMariaColumnType
{
	const char *data_type;		/* DATA_TYPE, any case */
	const char *column_type;	/* COLUMN_TYPE: the members of an enum or
								 * set; may be NULL */
	double		octet_length;	/* CHARACTER_OCTET_LENGTH */
	int			numeric_precision;	/* NUMERIC_PRECISION (bit: its width) */
	int			numeric_scale;	/* NUMERIC_SCALE */
	int			datetime_precision; /* DATETIME_PRECISION */
} UkMariaColumnType;

/*
 * Bytes the column takes in an index key; 0 when unknown, and for the
 * types that cannot be a key column without a prefix (TEXT, BLOB, JSON,
 * spatial).
 */
extern int	uk_keylen_mariadb_column(const UkMariaColumnType *c);

/*
 * The key length limits of a table, from TABLES.ENGINE, TABLES.ROW_FORMAT
 * (NULL allowed) and @@innodb_page_size: *max_key for the sum of a key's
 * columns, *max_part for any one column; 0 when there is none or the
 * engine is not known here.  InnoDB: 3072 bytes a key at a 16 kB or
 * larger page (1536 at 8 kB, 768 at 4 kB), each column at most that with
 * ROW_FORMAT DYNAMIC or COMPRESSED, at most 767 with COMPACT or REDUNDANT;
 * MyISAM 1000; Aria 2300.
 */
extern void uk_keylen_mariadb_table(const char *engine, const char *row_format,
									long page_size, int *max_key,
									int *max_part);

#endif							/* UK_KEYLEN_H */
