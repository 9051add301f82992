/*
 * test_keylen.c
 *		Unit tests for uk_keylen.h: the bytes of MariaDB columns in an index
 *		key and the key length limits of tables.  The expected sizes were
 *		measured on MariaDB 10.11 (the longest key of a latin1 varchar
 *		prefix and the column that the server still accepts).
 */
#include "uk_keylen.h"
#include "uk_test.h"

typedef struct
{
	const char *data_type;
	const char *column_type;
	double		octet_length;
	int			precision;
	int			scale;
	int			dt_precision;
	int			bytes;
} ColCase;

static const ColCase col_cases[] = {
	{"int", "int(11)", -1, 10, 0, -1, 4},
	{"INT", NULL, -1, 10, 0, -1, 4},
	{"bigint", NULL, -1, 19, 0, -1, 8},
	{"tinyint", NULL, -1, 3, 0, -1, 1},
	{"smallint", NULL, -1, 5, 0, -1, 2},
	{"mediumint", NULL, -1, 7, 0, -1, 3},
	{"float", NULL, -1, 12, -1, -1, 4},
	{"double", NULL, -1, 22, -1, -1, 8},
	{"decimal", NULL, -1, 18, 6, -1, 9},
	{"decimal", NULL, -1, 10, 0, -1, 5},
	{"decimal", NULL, -1, 21, 9, -1, 10},
	{"decimal", NULL, -1, 65, 30, -1, 30},
	{"decimal", NULL, -1, 5, 5, -1, 3},
	{"date", NULL, -1, -1, -1, -1, 3},
	{"datetime", NULL, -1, -1, -1, 0, 5},
	{"datetime", NULL, -1, -1, -1, 3, 7},
	{"datetime", NULL, -1, -1, -1, 6, 8},
	{"timestamp", NULL, -1, -1, -1, 0, 4},
	{"timestamp", NULL, -1, -1, -1, 6, 7},
	{"time", NULL, -1, -1, -1, 0, 3},
	{"time", NULL, -1, -1, -1, 6, 6},
	{"year", NULL, -1, -1, -1, -1, 1},
	{"enum", "enum('a','b')", 1, -1, -1, -1, 1},
	{"set", "set('a','b')", 3, -1, -1, -1, 1},
	{"set", "set('a','b','c','d','e','f','g','h','i')", 17, -1, -1, -1, 2},
	{"set", "set('it''s','b\\\\','c')", 12, -1, -1, -1, 1},
	{"bit", NULL, -1, 1, -1, -1, 1},
	{"bit", NULL, -1, 17, -1, -1, 3},
	{"bit", NULL, -1, 64, -1, -1, 8},
	{"char", "char(10)", 10, -1, -1, -1, 10},
	{"char", "char(10)", 40, -1, -1, -1, 40},
	{"varchar", "varchar(140)", 560, -1, -1, -1, 560},
	{"varchar", "varchar(5)", 15, -1, -1, -1, 15},
	{"binary", NULL, 10, -1, -1, -1, 10},
	{"varbinary", NULL, 20, -1, -1, -1, 20},
	{"varchar", NULL, -1, -1, -1, -1, 0},
	{"uuid", NULL, -1, -1, -1, -1, 16},
	{"inet6", NULL, -1, -1, -1, -1, 16},
	{"inet4", NULL, -1, -1, -1, -1, 4},
	{"text", NULL, 65535, -1, -1, -1, 0},
	{"longtext", NULL, 4294967295.0, -1, -1, -1, 0},
	{"blob", NULL, 65535, -1, -1, -1, 0},
	{"geometry", NULL, -1, -1, -1, -1, 0},
	{"no_such_type", NULL, 8, -1, -1, -1, 0},
};

static void
test_columns(void)
{
	size_t		i;
	char		many[4000] = "set(";
	char		enum300[4000] = "enum(";
	UkMariaColumnType c = {"set", many, 0, -1, -1, -1};

	for (i = 0; i < sizeof(col_cases) / sizeof(col_cases[0]); i++)
	{
		const ColCase *k = &col_cases[i];
		UkMariaColumnType t = {k->data_type, k->column_type, k->octet_length,
		k->precision, k->scale, k->dt_precision};
		int			b = uk_keylen_mariadb_column(&t);

		CHECK(b == k->bytes, "%s %s: %d bytes, want %d", k->data_type,
			  k->column_type ? k->column_type : "", b, k->bytes);
	}
	CHECK(uk_keylen_mariadb_column(NULL) == 0, "NULL: 0");

	/* 20, 28 and 40 members: 3, 4 and 8 bytes (measured) */
	for (i = 0; i < 40; i++)
	{
		snprintf(many + strlen(many), sizeof(many) - strlen(many), "%s'm%zu'",
				 i ? "," : "", i);
		if (i == 19 || i == 27 || i == 39)
		{
			int			b = uk_keylen_mariadb_column(&c);

			CHECK(b == (i == 19 ? 3 : i == 27 ? 4 : 8), "set of %zu: %d", i + 1, b);
		}
	}
	for (i = 0; i < 300; i++)
		snprintf(enum300 + strlen(enum300), sizeof(enum300) - strlen(enum300),
				 "%s'm%zu'", i ? "," : "", i);
	c.data_type = "enum";
	c.column_type = enum300;
	CHECK(uk_keylen_mariadb_column(&c) == 2, "enum of 300: 2");
}

static void
test_tables(void)
{
	int			k;
	int			p;

	uk_keylen_mariadb_table("InnoDB", "Dynamic", 16384, &k, &p);
	CHECK(k == 3072 && p == 3072, "InnoDB Dynamic: %d %d", k, p);
	uk_keylen_mariadb_table("InnoDB", "Compressed", 16384, &k, &p);
	CHECK(k == 3072 && p == 3072, "InnoDB Compressed: %d %d", k, p);
	uk_keylen_mariadb_table("InnoDB", "Compact", 16384, &k, &p);
	CHECK(k == 3072 && p == 767, "InnoDB Compact: %d %d", k, p);
	uk_keylen_mariadb_table("InnoDB", "Redundant", 65536, &k, &p);
	CHECK(k == 3072 && p == 767, "InnoDB Redundant 64k: %d %d", k, p);
	uk_keylen_mariadb_table("InnoDB", NULL, 16384, &k, &p);
	CHECK(k == 3072 && p == 767, "InnoDB, no row format: %d %d", k, p);
	uk_keylen_mariadb_table("InnoDB", "Dynamic", 8192, &k, &p);
	CHECK(k == 1536 && p == 1536, "InnoDB 8k: %d %d", k, p);
	uk_keylen_mariadb_table("InnoDB", "Compact", 4096, &k, &p);
	CHECK(k == 768 && p == 767, "InnoDB 4k Compact: %d %d", k, p);
	uk_keylen_mariadb_table("MyISAM", "Dynamic", 16384, &k, &p);
	CHECK(k == 1000 && p == 1000, "MyISAM: %d %d", k, p);
	uk_keylen_mariadb_table("Aria", "Page", 16384, &k, &p);
	CHECK(k == 2300 && p == 2300, "Aria: %d %d", k, p);
	uk_keylen_mariadb_table("MEMORY", "Fixed", 16384, &k, &p);
	CHECK(k == 0 && p == 0, "MEMORY: no limit known: %d %d", k, p);
	uk_keylen_mariadb_table(NULL, NULL, 0, &k, &p);
	CHECK(k == 0 && p == 0, "no engine: %d %d", k, p);
}

int
main(void)
{
	test_columns();
	test_tables();
	return uk_test_done("test_keylen");
}
