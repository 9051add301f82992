/*
  advisor_frequency.c
    How common the constant of an equality is, for the index advisor:
    a column whose value is in most rows (state = 'done' in 85% of the
    stock moves) must not be used to narrow an index, as PostgreSQL's
    planner decides from its most common values.  Frappe writes the values
    into the statement text, so the captured example has them.

    For every column compared with a constant (uk_pgtree.h gives the
    constant's text), on the worker thread after mysql.column_stats was
    read and before the other columns are sampled:
      1. its JSON_HB histogram in mysql.column_stats when ANALYZE TABLE ...
         PERSISTENT made one (MariaDB 10.8+, histogram_type = JSON_HB);
      2. else the most common values of the same sample as
         adv_sample_column() reads (the table's first ADV_SAMPLE_ROWS
         rows); a column without statistics gets them from that same pass,
         so no column is read twice;
    and the predicate's selectivity is set from it (uk_colstats.h).  A
    $n, an expression or a column with neither keeps selectivity 0: the
    advisor then takes the column's average frequency (n_distinct).

    advisor_run.c calls adv_value_frequencies(); everything read here is
    freed before it returns.  No locks.
*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uk_colstats.h"
#include "upkeep.h"
#include "advisor_int.h"

/* columns weighed at most per run (each costs a sample at most) */
#define FREQ_COLUMNS_MAX 200

/* What is known of one column compared with constants. */
typedef struct
{
  int table, column;
  char *hist;                       /* JSON_HB text, or NULL */
  UkColMcv mcv[UK_COLSTATS_MCV_MAX];
  int nmcv;
  double null_frac;                 /* of the sample */
  int sampled;
} freq_col;

typedef struct
{
  catalogue *cat;
  freq_col *cols;
  int n;
} freq_set;

static freq_col *freq_find(freq_set *s, int table, int column)
{
  for (int i= 0; i < s->n; i++)
    if (s->cols[i].table == table && s->cols[i].column == column)
      return &s->cols[i];
  return NULL;
}

/* mysql.column_stats: db, table, column, histogram (JSON_HB only) */
static void hist_row(void *arg, unsigned int ncols, char **cols)
{
  freq_set *s= arg;

  if (ncols < 4 || !cols[0] || !cols[1] || !cols[2] || !cols[3])
    return;
  for (int i= 0; i < s->n; i++)
  {
    freq_col *f= &s->cols[i];
    cat_table *t= &s->cat->t[f->table];
    if (!f->hist && strcmp(t->schema, cols[0]) == 0 &&
        strcmp(t->name, cols[1]) == 0 &&
        strcasecmp(t->cols[f->column].name, cols[2]) == 0)
      f->hist= strdup(cols[3]);
  }
}

/*
  What the sample query counted: per value (the most common first) its
  count, and over the whole sample the rows read, the non-NULL ones, the
  distinct values, the values seen once and the total length.
*/
typedef struct
{
  freq_col *f;
  double rows, nonnull, distinct, singletons, length;
} sample_arg;

/* v, n, rows, non-null, distinct, singletons, length */
static void mcv_row(void *arg, unsigned int ncols, char **cols)
{
  sample_arg *a= arg;
  freq_col *f= a->f;
  double n;
  char *v;

  if (ncols < 7 || !cols[1] || !cols[2] || !cols[3] || !cols[4] || !cols[5] ||
      !cols[6])
    return;
  a->rows= strtod(cols[2], NULL);
  a->nonnull= strtod(cols[3], NULL);
  a->distinct= strtod(cols[4], NULL);
  a->singletons= strtod(cols[5], NULL);
  a->length= strtod(cols[6], NULL);
  if (!(a->rows > 0))
    return;
  f->null_frac= (a->rows - a->nonnull) / a->rows;
  f->sampled= 1;
  n= strtod(cols[1], NULL);
  if (!cols[0] || f->nmcv >= UK_COLSTATS_MCV_MAX ||
      !uk_colstats_mcv_keep(n, a->nonnull, a->distinct) || !(v= strdup(cols[0])))
    return;
  f->mcv[f->nmcv].value= v;
  f->mcv[f->nmcv].freq= n / a->rows;
  f->nmcv++;
}

/*
  The most common values of column f from the sample; a column without
  statistics also gets them from the same pass (adv_sample_apply()), and
  *sampled is then set.  0 on success.
*/
static int sample_mcv(upkeep_sql *sql, cat_table *t, freq_col *f, int *sampled)
{
  dstr q= {0};
  char tail[160];
  sample_arg a;
  int rc;

  memset(&a, 0, sizeof(a));
  a.f= f;
  *sampled= 0;
  adv_ds_str(&q, "SELECT v, n, SUM(n) OVER (), SUM(IF(v IS NULL, 0, n)) OVER (),"
             " SUM(v IS NOT NULL) OVER (), SUM(v IS NOT NULL AND n = 1) OVER (),"
             " SUM(IF(v IS NULL, 0, len * n)) OVER ()"
             " FROM (SELECT v, COUNT(*) AS n, MAX(LENGTH(v)) AS len FROM"
             " (SELECT ");
  adv_ds_ident(&q, t->cols[f->column].name);
  adv_ds_str(&q, " AS v FROM ");
  adv_ds_ident(&q, t->schema);
  adv_ds_str(&q, ".");
  adv_ds_ident(&q, t->name);
  /* the table's own order, as adv_sample_column() */
  snprintf(tail, sizeof(tail), " USE INDEX () LIMIT %d) s GROUP BY v) g"
           " ORDER BY v IS NULL, n DESC LIMIT %d", ADV_SAMPLE_ROWS,
           UK_COLSTATS_MCV_MAX + 1);
  adv_ds_str(&q, tail);
  if (q.failed)
  {
    free(q.s);
    return 1;
  }
  rc= upkeep_sql_rows(sql, mcv_row, &a, "%s", q.s);
  free(q.s);
  if (rc == 0 && f->sampled && !t->col_has_stats[f->column])
  {
    adv_sample_apply(t, f->column, a.rows, a.rows - a.nonnull, a.distinct,
                     a.singletons, a.length);
    *sampled= 1;
  }
  return rc;
}

/* The selectivity of col = value from what f knows; 0 when unknown. */
static double value_sel(const cat_table *t, const freq_col *f,
                        const char *value)
{
  const UkAdvColumn *c= &t->cols[f->column];
  double nd= c->n_distinct < 0 ? -c->n_distinct * (t->rows > 1 ? t->rows : 1) :
             c->n_distinct;
  double sel= 0;

  if (f->hist)
  {
    UkError *err= NULL;
    if (uk_colstats_eq_sel_json_hb(f->hist, strlen(f->hist), value,
                                   c->null_frac, &sel, &err) == UK_OK)
      return sel;
    upkeep_log(UPKEEP_LOG_WARNING, "advise: the histogram of %s.%s.%s is"
               " not read: %s", t->schema, t->name, c->name,
               err ? err->message : "unknown error");
    uk_error_free(err);
  }
  if (f->sampled)
    sel= uk_colstats_eq_sel_mcv(f->mcv, f->nmcv, f->null_frac, nd, value);
  return sel;
}

int adv_value_frequencies(upkeep_sql *sql, catalogue *cat, stmt_item *items,
                          int n, const char *schemas, int *sampled)
{
  freq_set s;
  int rc= 0;
  int one;

  memset(&s, 0, sizeof(s));
  s.cat= cat;
  if (!(s.cols= calloc(FREQ_COLUMNS_MAX, sizeof(freq_col))))
    return 1;

  /* the columns compared with a constant */
  for (int i= 0; i < n; i++)
  {
    const UkAdvQuery *q= &items[i].shape.query;
    if (!items[i].has_shape || !items[i].shape.values)
      continue;
    for (int p= 0; p < q->npreds; p++)
    {
      const UkAdvPred *pr= &q->preds[p];
      if (!items[i].shape.values[p] || pr->kind != UK_ADV_EQ ||
          pr->table < 0 || pr->table >= cat->n || pr->column < 0 ||
          pr->column >= cat->t[pr->table].ncols ||
          freq_find(&s, pr->table, pr->column) || s.n >= FREQ_COLUMNS_MAX)
        continue;
      s.cols[s.n].table= pr->table;
      s.cols[s.n].column= pr->column;
      s.n++;
    }
  }
  if (s.n == 0)
    goto done;

  if (upkeep_sql_rows(sql, hist_row, &s,
        "SELECT db_name, table_name, column_name, histogram"
        " FROM mysql.column_stats WHERE db_name IN (%s)"
        " AND hist_type = 'JSON_HB'", schemas))
    upkeep_log(UPKEEP_LOG_WARNING, "advise: could not read the histograms of"
               " mysql.column_stats: %s", upkeep_sql_error(sql));
  for (int i= 0; i < s.n; i++)
  {
    if (s.cols[i].hist)
      continue;
    if (upkeep_worker_stopping())
    {
      rc= 1;
      goto done;
    }
    upkeep_worker_serve(sql);
    if (sample_mcv(sql, &cat->t[s.cols[i].table], &s.cols[i], &one) == 0)
      *sampled+= one;
    else
      upkeep_log(UPKEEP_LOG_WARNING, "advise: could not sample the values of"
                 " %s.%s.%s: %s", cat->t[s.cols[i].table].schema,
                 cat->t[s.cols[i].table].name,
                 cat->t[s.cols[i].table].cols[s.cols[i].column].name,
                 upkeep_sql_error(sql));
  }

  /* each equality with a constant gets its value's frequency */
  for (int i= 0; i < n; i++)
  {
    UkAdvPred *preds= (UkAdvPred *) items[i].shape.query.preds;
    if (!items[i].has_shape || !items[i].shape.values)
      continue;
    for (int p= 0; p < items[i].shape.query.npreds; p++)
    {
      freq_col *f;
      if (!items[i].shape.values[p] || preds[p].kind != UK_ADV_EQ ||
          !(f= freq_find(&s, preds[p].table, preds[p].column)))
        continue;
      preds[p].selectivity= value_sel(&cat->t[f->table], f,
                                      items[i].shape.values[p]);
    }
  }

done:
  for (int i= 0; i < s.n; i++)
  {
    free(s.cols[i].hist);
    for (int k= 0; k < s.cols[i].nmcv; k++)
      free((char *) s.cols[i].mcv[k].value);
  }
  free(s.cols);
  return rc;
}
