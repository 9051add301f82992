/*
  advisor_int.h
    Internals shared by the index advisor's files; the rest of the plugin
    sees the advisor through upkeep.h only.

      advisor_capture.c    connection side: counting statement shapes (the
                           audit hook's hot path), the advise request,
                           init and deinit
      advisor_run.c        worker side: one advise run, start to end
      advisor_catalogue.c  reading tables, indexes, row writes and column
                           statistics or samples
      advisor_frequency.c  how common the constants of equalities are
                           (JSON_HB histograms, most common values)
      advisor_tables.c     the advisor's tables and views; writing results
      advisor_sqlbuf.c     a growing string for SQL text

    Calls go one way: advisor_run.c -> capture, catalogue, frequency,
    tables, sqlbuf; catalogue, frequency and tables -> sqlbuf.  Nothing calls advisor_run.c but the
    worker (upkeep_advisor_work()).
*/

#ifndef UPKEEP_ADVISOR_INT_H
#define UPKEEP_ADVISOR_INT_H

#include <pthread.h>
#include <stdint.h>

#include "uk_advisor.h"
#include "uk_pgtree.h"
#include "upkeep.h"

/* internal to upkeep.so: not exported, no interposition */
#pragma GCC visibility push(hidden)

/* ---- advisor_capture.c: the request flags, the copy of the shapes ---- */

extern pthread_mutex_t adv_req_lock;
extern int adv_stats_snapshot_wanted;  /* adv_req_lock: capture (re)started */
extern int adv_advise_requested;       /* adv_req_lock */
extern int adv_advise_running;         /* adv_req_lock */

/* One captured shape, copied out for a run, and what the run made of it. */
typedef struct
{
  char *db;
  char *norm;
  char *example;
  uint64_t count;
  uint64_t total_us;
  /* results */
  const char *status;
  char *error;
  int has_shape;
  UkTreeShape shape;
} stmt_item;

/*
  A copy of the captured shapes (takes cap_lock).  NULL and *n = 0 when
  none; *failed set when out of memory.  The caller frees the items.
*/
stmt_item *adv_capture_snapshot(int *n, int *failed);

/* ---- advisor_sqlbuf.c ---- */

/* A growing string; on allocation failure it keeps failed set. */
typedef struct
{
  char *s;
  size_t len, cap;
  int failed;
} dstr;

void adv_ds_add(dstr *d, const char *s, size_t n);
void adv_ds_str(dstr *d, const char *s);
/* a SQL string literal of s, bytes that are not UTF-8 as '?' */
void adv_ds_lit(dstr *d, upkeep_sql *sql, const char *s);
/* `a`.`b` style quoting of an identifier into d */
void adv_ds_ident(dstr *d, const char *id);

/* ---- advisor_catalogue.c ---- */

typedef struct
{
  char *schema;
  char *name;
  double rows;
  double data_length;
  double changed_at_start;          /* ROWS_CHANGED when capture started */
  int ncols, capcols;
  UkAdvColumn *cols;
  char **col_types;                 /* DATA_TYPE, lower case */
  unsigned char *col_used;
  unsigned char *col_has_stats;
  int nidx, capidx;
  UkAdvIndex *idx;
  int max_key, max_part;            /* key length limits (uk_keylen.h) */
} cat_table;

typedef struct
{
  cat_table *t;
  int n, cap;
  int last;                         /* lookup cache */
} catalogue;

/* The tables, columns and indexes of schemas (a SQL list).  0 on success. */
int adv_load_catalogue(upkeep_sql *sql, const char *schemas, catalogue *cat);
void adv_cat_free(catalogue *c);

typedef struct
{
  char *key;                        /* schema NUL name, as "schema\001name" */
  double changed;
} changed_row;

/*
  The ROWS_CHANGED of every table now, or -1 in *n when userstat is OFF
  (nothing counted).  Free with adv_changed_free().
*/
int adv_changed_read(upkeep_sql *sql, changed_row **out, int *n);
double adv_changed_lookup(const changed_row *rows, int n,
                          const char *schema, const char *name);
void adv_changed_free(changed_row *rows, int n);

/* upkeep_sql_rows() callback over mysql.column_stats, counting in found */
typedef struct
{
  catalogue *cat;
  int found;
} cstats_arg;

void adv_column_stats_row(void *arg, unsigned int ncols, char **cols);
/* Statistics of column c of t from a sample of its rows.  0 on success. */
int adv_sample_column(upkeep_sql *sql, cat_table *t, int c);
#define ADV_SAMPLE_ROWS 20000
/*
  Column c's statistics from what a sample of ADV_SAMPLE_ROWS rows counted
  (rows read, NULLs, distinct values, values seen once, total length of
  the non-NULL values); marks the column as having statistics.
*/
void adv_sample_apply(cat_table *t, int c, double rows, double nulls,
                      double distinct, double singletons, double length);

/* ---- advisor_frequency.c ---- */

/*
  Set the selectivity of every equality with a constant in the items'
  shapes from how common its value is: the column's JSON_HB histogram in
  mysql.column_stats (schemas: a SQL list), else the most common values
  of a sample.  Call after reading mysql.column_stats and before sampling
  the other columns: a column without statistics gets them from the same
  pass (adv_sample_apply()), counted in *sampled.  0 on success; the
  predicates it could not weigh keep selectivity 0.
*/
int adv_value_frequencies(upkeep_sql *sql, catalogue *cat, stmt_item *items,
                          int n, const char *schemas, int *sampled);

/* ---- advisor_tables.c ---- */

/* Replace upkeep.index_advice.  0 on success. */
int adv_write_advice(upkeep_sql *sql, const UkAdvice *adv, int nadv,
                     const UkAdvQuery *queries, const char *now);
/* Replace upkeep.advise_statements.  0 on success. */
int adv_write_statements(upkeep_sql *sql, const stmt_item *items, int n);

#pragma GCC visibility pop

#endif /* UPKEEP_ADVISOR_INT_H */
