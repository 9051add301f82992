/*
  advisor_catalogue.c
    What an advise run reads about the tables its statements use (worker
    thread, through the worker's SQL connection):
      - the catalogue: information_schema TABLES, COLUMNS and STATISTICS
        of the schemas named, into cat_table entries that libcommon's
        advisor reads as UkAdvTable, with each column's bytes in a key
        and each table's key length limits (uk_keylen.h) from the same
        rows;
      - row writes per table: information_schema.TABLE_STATISTICS
        (userstat), read at capture start and at the run;
      - statistics of the columns used: mysql.column_stats when it has the
        column, else a sample of the table's first ADV_SAMPLE_ROWS rows
        (uk_colstats.h estimates n_distinct).
    advisor_run.c drives these; everything here returns its results to the
    caller, who frees them (adv_cat_free(), adv_changed_free()).  No locks.
*/

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "uk_advisor.h"
#include "uk_colstats.h"
#include "uk_keylen.h"
#include "upkeep.h"
#include "advisor_int.h"


/* ------------------------------------------------- small helpers */

/*
  The array p (n elements of size bytes in use, *cap allocated) with room
  for one more, doubling from first: p itself or its new place.  NULL when
  out of memory; p is then still allocated and unchanged.
*/
static void *grow(void *p, int n, int *cap, int first, size_t size)
{
  int c;
  void *q;

  if (n < *cap)
    return p;
  c= *cap ? *cap * 2 : first;
  if (!(q= realloc(p, (size_t) c * size)))
    return NULL;
  *cap= c;
  return q;
}

static char *xstrdup(const char *s)
{
  return strdup(s ? s : "");
}

/* ------------------------------------------------ the catalogue */

static int cat_cmp(const void *a, const void *b)
{
  const cat_table *x= a, *y= b;
  int c= strcmp(x->schema, y->schema);
  return c ? c : strcmp(x->name, y->name);
}

static cat_table *cat_find(catalogue *c, const char *schema, const char *name)
{
  cat_table key;
  cat_table *t;

  if (c->n == 0 || !schema || !name)
    return NULL;
  if (c->last >= 0 && c->last < c->n && strcmp(c->t[c->last].schema, schema) == 0 &&
      strcmp(c->t[c->last].name, name) == 0)
    return &c->t[c->last];
  key.schema= (char *) schema;
  key.name= (char *) name;
  t= bsearch(&key, c->t, (size_t) c->n, sizeof(cat_table), cat_cmp);
  if (t)
    c->last= (int) (t - c->t);
  return t;
}

static int col_find(const cat_table *t, const char *name)
{
  for (int i= 0; i < t->ncols; i++)
    if (strcasecmp(t->cols[i].name, name) == 0)
      return i;
  return -1;
}

void adv_cat_free(catalogue *c)
{
  for (int i= 0; i < c->n; i++)
  {
    cat_table *t= &c->t[i];
    free(t->schema);
    free(t->name);
    for (int k= 0; k < t->ncols; k++)
    {
      free((char *) t->cols[k].name);
      free(t->col_types[k]);
    }
    free(t->cols);
    free(t->col_types);
    free(t->col_used);
    free(t->col_has_stats);
    for (int k= 0; k < t->nidx; k++)
    {
      free((char *) t->idx[k].name);
      free((int *) t->idx[k].columns);
    }
    free(t->idx);
  }
  free(c->t);
  memset(c, 0, sizeof(*c));
}

typedef struct
{
  catalogue *cat;
  int failed;
} load_arg;

static void table_row(void *arg, unsigned int ncols, char **cols)
{
  load_arg *a= arg;
  catalogue *c= a->cat;
  cat_table *t;

  if (ncols < 7 || !cols[0] || !cols[1])
    return;
  if (!(t= grow(c->t, c->n, &c->cap, 64, sizeof(*t))))
  {
    a->failed= 1;
    return;
  }
  c->t= t;
  t= &c->t[c->n];
  memset(t, 0, sizeof(*t));
  t->schema= xstrdup(cols[0]);
  t->name= xstrdup(cols[1]);
  t->rows= cols[2] ? strtod(cols[2], NULL) : -1;
  t->data_length= cols[3] ? strtod(cols[3], NULL) : 0;
  t->changed_at_start= -1;
  uk_keylen_mariadb_table(cols[4], cols[5], cols[6] ? atol(cols[6]) : 0,
                          &t->max_key, &t->max_part);
  if (!t->schema || !t->name)
  {
    free(t->schema);
    free(t->name);
    a->failed= 1;
    return;
  }
  c->n++;
}

static void column_row(void *arg, unsigned int ncols, char **cols)
{
  load_arg *a= arg;
  cat_table *t;

  if (ncols < 9 || !cols[0] || !cols[1] || !cols[2])
    return;
  if (!(t= cat_find(a->cat, cols[0], cols[1])))
    return;
  if (t->ncols == t->capcols)
  {
    int cap= t->capcols ? t->capcols * 2 : 16;
    UkAdvColumn *pc= realloc(t->cols, (size_t) cap * sizeof(*pc));
    char **pt;
    unsigned char *pu, *ps;
    if (pc)
      t->cols= pc;
    pt= realloc(t->col_types, (size_t) cap * sizeof(*pt));
    if (pt)
      t->col_types= pt;
    pu= realloc(t->col_used, (size_t) cap);
    if (pu)
      t->col_used= pu;
    ps= realloc(t->col_has_stats, (size_t) cap);
    if (ps)
      t->col_has_stats= ps;
    if (!pc || !pt || !pu || !ps)
    {
      a->failed= 1;
      return;
    }
    t->capcols= cap;
  }
  memset(&t->cols[t->ncols], 0, sizeof(UkAdvColumn));
  {
    /* what the column takes in a key, against the table's key limits */
    UkMariaColumnType ty= {cols[3], cols[8],
                           cols[4] ? strtod(cols[4], NULL) : -1,
                           cols[5] ? atoi(cols[5]) : -1,
                           cols[6] ? atoi(cols[6]) : -1,
                           cols[7] ? atoi(cols[7]) : -1};
    t->cols[t->ncols].key_bytes= uk_keylen_mariadb_column(&ty);
  }
  t->cols[t->ncols].name= xstrdup(cols[2]);
  t->col_types[t->ncols]= xstrdup(cols[3] ? cols[3] : "");
  t->col_used[t->ncols]= 0;
  t->col_has_stats[t->ncols]= 0;
  if (!t->cols[t->ncols].name || !t->col_types[t->ncols])
  {
    a->failed= 1;
    return;
  }
  for (char *p= t->col_types[t->ncols]; *p; p++)
    *p= (char) tolower((unsigned char) *p);
  t->ncols++;
}

/* STATISTICS rows, ordered by schema, table, index, SEQ_IN_INDEX. */
static void index_row(void *arg, unsigned int ncols, char **cols)
{
  load_arg *a= arg;
  cat_table *t;
  UkAdvIndex *ix;
  int pos;
  int *pc;

  if (ncols < 6 || !cols[0] || !cols[1] || !cols[2] || !cols[4])
    return;
  if (!(t= cat_find(a->cat, cols[0], cols[1])))
    return;
  pos= cols[3] ? col_find(t, cols[3]) : -1;
  ix= t->nidx ? &t->idx[t->nidx - 1] : NULL;
  if (!ix || strcmp(ix->name, cols[2]) != 0 || atoi(cols[4]) <= 1)
  {
    if (!(ix= grow(t->idx, t->nidx, &t->capidx, 8, sizeof(*ix))))
    {
      a->failed= 1;
      return;
    }
    t->idx= ix;
    ix= &t->idx[t->nidx];
    memset(ix, 0, sizeof(*ix));
    ix->name= xstrdup(cols[2]);
    if (!ix->name)
    {
      a->failed= 1;
      return;
    }
    ix->unique= cols[5] && strcmp(cols[5], "0") == 0;
    /* in MariaDB a unique index is the constraint */
    ix->constraint= ix->unique;
    ix->kind= ncols > 6 && cols[6] && strcmp(cols[6], "BTREE") == 0 ?
              UK_ADV_BTREE : UK_ADV_OTHER;
    t->nidx++;
  }
  pc= realloc((int *) ix->columns, (size_t) (ix->ncolumns + 1) * sizeof(int));
  if (!pc)
  {
    a->failed= 1;
    return;
  }
  pc[ix->ncolumns++]= pos;
  ix->columns= pc;
}

int adv_load_catalogue(upkeep_sql *sql, const char *schemas, catalogue *cat)
{
  load_arg a= { cat, 0 };

  cat->last= -1;
  if (upkeep_sql_rows(sql, table_row, &a,
        "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_ROWS, DATA_LENGTH,"
        " ENGINE, ROW_FORMAT, @@innodb_page_size"
        " FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE'"
        " AND TABLE_SCHEMA IN (%s)", schemas) || a.failed)
    return 1;
  if (cat->n)
    qsort(cat->t, (size_t) cat->n, sizeof(cat_table), cat_cmp);
  if (upkeep_sql_rows(sql, column_row, &a,
        "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, DATA_TYPE,"
        " CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE,"
        " DATETIME_PRECISION, COLUMN_TYPE"
        " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA IN (%s)"
        " ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION", schemas) ||
      a.failed)
    return 1;
  if (upkeep_sql_rows(sql, index_row, &a,
        "SELECT TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, COLUMN_NAME,"
        " SEQ_IN_INDEX, NON_UNIQUE, INDEX_TYPE"
        " FROM information_schema.STATISTICS WHERE TABLE_SCHEMA IN (%s)"
        " ORDER BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX",
        schemas) || a.failed)
    return 1;
  return 0;
}

/* ------------------------------------------------- TABLE_STATISTICS */

static int changed_cmp(const void *a, const void *b)
{
  return strcmp(((const changed_row *) a)->key, ((const changed_row *) b)->key);
}

typedef struct
{
  changed_row *rows;
  int n, cap;
  int failed;
} changed_set;

static void changed_row_fn(void *arg, unsigned int ncols, char **cols)
{
  changed_set *s= arg;
  char *key;

  if (ncols < 3 || !cols[0] || !cols[1])
    return;
  {
    changed_row *rows= grow(s->rows, s->n, &s->cap, 64, sizeof(*rows));
    if (!rows)
    {
      s->failed= 1;
      return;
    }
    s->rows= rows;
  }
  key= malloc(strlen(cols[0]) + strlen(cols[1]) + 2);
  if (!key)
  {
    s->failed= 1;
    return;
  }
  sprintf(key, "%s\001%s", cols[0], cols[1]);
  s->rows[s->n].key= key;
  s->rows[s->n].changed= cols[2] ? strtod(cols[2], NULL) : 0;
  s->n++;
}

void adv_changed_free(changed_row *rows, int n)
{
  for (int i= 0; i < n; i++)
    free(rows[i].key);
  free(rows);
}

/*
  The ROWS_CHANGED of every table now, or -1 in *n when userstat is OFF
  (nothing counted).
*/
int adv_changed_read(upkeep_sql *sql, changed_row **out, int *n)
{
  char v[16];
  changed_set s;

  *out= NULL;
  *n= -1;
  if (upkeep_sql_value(sql, v, sizeof(v), "SELECT @@global.userstat"))
    return 1;
  if (strcmp(v, "1") != 0)
    return 0;
  memset(&s, 0, sizeof(s));
  if (upkeep_sql_rows(sql, changed_row_fn, &s,
        "SELECT TABLE_SCHEMA, TABLE_NAME, ROWS_CHANGED"
        " FROM information_schema.TABLE_STATISTICS") || s.failed)
  {
    adv_changed_free(s.rows, s.n);
    return 1;
  }
  qsort(s.rows, (size_t) s.n, sizeof(changed_row), changed_cmp);
  *out= s.rows;
  *n= s.n;
  return 0;
}

double adv_changed_lookup(const changed_row *rows, int n,
                          const char *schema, const char *name)
{
  changed_row key, *r;
  char buf[1024];

  if (n <= 0)
    return 0;
  snprintf(buf, sizeof(buf), "%s\001%s", schema, name);
  key.key= buf;
  r= bsearch(&key, rows, (size_t) n, sizeof(changed_row), changed_cmp);
  return r ? r->changed : 0;
}

/* --------------------------------------------------- statistics */

/* Width in bytes of a fixed-width MariaDB type; 0 for variable ones. */
static double type_width(const char *t)
{
  static const struct { const char *name; double width; } w[]=
  {
    {"tinyint", 1}, {"smallint", 2}, {"mediumint", 3}, {"int", 4},
    {"bigint", 8}, {"float", 4}, {"double", 8}, {"decimal", 8},
    {"date", 3}, {"datetime", 8}, {"timestamp", 4}, {"time", 3},
    {"year", 1}, {"bit", 1}, {"enum", 2}, {"set", 8}, {"uuid", 16},
    {"inet4", 4}, {"inet6", 16}
  };
  for (size_t i= 0; i < sizeof(w) / sizeof(w[0]); i++)
    if (strcmp(t, w[i].name) == 0)
      return w[i].width;
  return 0;
}

/* mysql.column_stats: db, table, column, nulls_ratio, avg_length, avg_frequency */
void adv_column_stats_row(void *arg, unsigned int ncols, char **cols)
{
  cstats_arg *a= arg;
  cat_table *t;
  int c;
  double nd;

  if (ncols < 6 || !cols[0] || !cols[1] || !cols[2] || !cols[5])
    return;
  if (!(t= cat_find(a->cat, cols[0], cols[1])) ||
      (c= col_find(t, cols[2])) < 0 || !t->col_used[c])
    return;
  nd= uk_colstats_ndistinct_avg_frequency(t->rows,
                                          cols[3] ? strtod(cols[3], NULL) : 0,
                                          strtod(cols[5], NULL));
  if (nd == 0)
    return;
  t->cols[c].n_distinct= nd;
  t->cols[c].null_frac= cols[3] ? strtod(cols[3], NULL) : 0;
  if (t->cols[c].null_frac < 0 || t->cols[c].null_frac > 1)
    t->cols[c].null_frac= 0;
  t->cols[c].avg_width= type_width(t->col_types[c]);
  if (t->cols[c].avg_width == 0 && cols[4])
    t->cols[c].avg_width= strtod(cols[4], NULL);
  t->col_has_stats[c]= 1;
  a->found++;
}

typedef struct
{
  double rows, nulls, distinct, singletons, length;
  int got;
} sample_res;

static void sample_row_fn(void *arg, unsigned int ncols, char **cols)
{
  sample_res *r= arg;
  if (ncols < 5 || !cols[0])
    return;
  r->rows= strtod(cols[0], NULL);
  r->nulls= cols[1] ? strtod(cols[1], NULL) : 0;
  r->distinct= cols[2] ? strtod(cols[2], NULL) : 0;
  r->singletons= cols[3] ? strtod(cols[3], NULL) : 0;
  r->length= cols[4] ? strtod(cols[4], NULL) : 0;
  r->got= 1;
}

/*
  Statistics of one column from the table's first ADV_SAMPLE_ROWS rows:
  NULLs, distinct values, values seen once, average length.  0 on success.
*/
int adv_sample_column(upkeep_sql *sql, cat_table *t, int c)
{
  dstr q= {0};
  sample_res r;

  memset(&r, 0, sizeof(r));
  adv_ds_str(&q, "SELECT SUM(n), SUM(IF(v IS NULL, n, 0)), SUM(v IS NOT NULL),"
         " SUM(v IS NOT NULL AND n = 1), SUM(IF(v IS NULL, 0, len * n))"
         " FROM (SELECT v, COUNT(*) AS n, MAX(LENGTH(v)) AS len FROM (SELECT ");
  adv_ds_ident(&q, t->cols[c].name);
  adv_ds_str(&q, " AS v FROM ");
  adv_ds_ident(&q, t->schema);
  adv_ds_str(&q, ".");
  adv_ds_ident(&q, t->name);
  /* the table's own order: a secondary index would give its lowest values */
  adv_ds_str(&q, " USE INDEX ()");
  {
    char lim[48];
    snprintf(lim, sizeof(lim), " LIMIT %d) s GROUP BY v) g", ADV_SAMPLE_ROWS);
    adv_ds_str(&q, lim);
  }
  if (q.failed || upkeep_sql_rows(sql, sample_row_fn, &r, "%s", q.s) || !r.got)
  {
    free(q.s);
    return 1;
  }
  free(q.s);
  adv_sample_apply(t, c, r.rows, r.nulls, r.distinct, r.singletons, r.length);
  return 0;
}

void adv_sample_apply(cat_table *t, int c, double rows, double nulls,
                      double distinct, double singletons, double length)
{
  UkColSample s;

  s.sample_rows= rows;
  s.nulls= nulls;
  s.distinct= distinct;
  s.singletons= singletons;
  s.total_rows= t->rows;
  s.complete= rows < ADV_SAMPLE_ROWS;
  t->cols[c].n_distinct= uk_colstats_ndistinct_sample(&s);
  t->cols[c].null_frac= rows > 0 ? nulls / rows : 0;
  t->cols[c].avg_width= type_width(t->col_types[c]);
  if (t->cols[c].avg_width == 0 && rows > nulls)
    t->cols[c].avg_width= length / (rows - nulls);
  if (rows > t->rows)
    t->rows= rows;
  t->col_has_stats[c]= 1;
}
