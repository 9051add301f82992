/*
  advisor_run.c
    The index advisor's advise run, on the worker thread.  SET GLOBAL
    upkeep_advise = ON flags a request (advisor_capture.c) and wakes the
    worker, which, in upkeep_advisor_work():
    1. copies the captured shapes;
    2. reads a catalogue of the schemas they use from information_schema
       (TABLES, COLUMNS, STATISTICS);
    3. translates each example into PostgreSQL's dialect
       (uk_translate_mariadb()), parses it with libpg_query (linked
       statically, its symbols hidden) and reads its predicates, sort and
       grouping against the catalogue (uk_pgtree_shape());
    4. fetches statistics for the columns those use: mysql.column_stats
       when it has the column, else a sample of the table's first
       ADV_SAMPLE_ROWS rows (uk_colstats.h estimates n_distinct); for
       the constants of equalities, how common each value is (JSON_HB
       histograms, else the sample's most common values:
       advisor_frequency.c);
       row writes from information_schema.TABLE_STATISTICS (userstat),
       counted from when capture started;
    5. runs libcommon's advisor (uk_advisor.h) with each shape weighted by
       its count, and replaces the contents of upkeep.index_advice and
       upkeep.advise_statements, and adds a row to upkeep.advise_runs
       (with cost_best, the best subset of the candidates, when few
       enough to search: uk_advisor_best_subset());
    6. sets upkeep_advise back to OFF.

  Step 1 is adv_capture_snapshot() (advisor_capture.c), steps 2 and 4
  advisor_catalogue.c, the writing of step 5 advisor_tables.c.

  Locking: adv_req_lock (advisor_capture.c) guards the request flags; it
  is not held while SQL runs.  The TABLE_STATISTICS snapshot taken when
  capture starts is the worker's alone.
*/

#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pg_query.h>

#include "uk_advisor.h"
#include "uk_pgtree.h"
#include "uk_stmt.h"
#include "uk_translate.h"
#include "upkeep.h"
#include "advisor_int.h"
#include "features.h"

#define ADV_SAMPLED_COLUMNS_MAX 500
#define ADV_RUNS_KEPT 100
/* subsets the search for the best one may look at (advise_runs.cost_best) */
#define ADV_BEST_MAX_NODES 500000

/* TABLE_STATISTICS when capture started (adv_changed_read()) */
static changed_row *changed_at_start;
static int nchanged_at_start= -1;   /* -1: no snapshot (userstat was OFF) */

static void items_free(stmt_item *items, int n)
{
  for (int i= 0; i < n; i++)
  {
    free(items[i].db);
    free(items[i].norm);
    free(items[i].example);
    free(items[i].error);
    if (items[i].has_shape)
      uk_pgtree_shape_free(&items[i].shape);
  }
  free(items);
}

/* Heavier first (count, then time), then by text: a stable order. */
static int item_cmp(const void *a, const void *b)
{
  const stmt_item *x= a, *y= b;
  int c;
  if (x->count != y->count)
    return x->count > y->count ? -1 : 1;
  if (x->total_us != y->total_us)
    return x->total_us > y->total_us ? -1 : 1;
  c= strcmp(x->db, y->db);
  return c ? c : strcmp(x->norm, y->norm);
}

static void set_error(stmt_item *it, const char *stage, const char *msg)
{
  char buf[700];
  snprintf(buf, sizeof(buf), "%s: %s", stage, msg ? msg : "failed");
  free(it->error);
  it->error= strdup(buf);
  it->status= "skipped";
}

/* Translate, parse and read the shape of one statement. */
/* May a column of this DATA_TYPE be a key column without a prefix? */
static bool carriable_type(const char *type)
{
  static const char *const no[]= {"text", "blob", "json", "geometry",
                                  "point", "linestring", "polygon"};
  for (size_t i= 0; i < sizeof(no) / sizeof(no[0]); i++)
    if (strstr(type, no[i]))
      return false;
  return true;
}

static void read_statement(stmt_item *it, catalogue *cat, UkAdvTable *tables)
{
  UkTranslation tr;
  UkError *err= NULL;
  PgQueryParseResult r;

  memset(&tr, 0, sizeof(tr));
  if (uk_translate_mariadb(it->example, strlen(it->example), &tr, &err) !=
      UK_OK)
  {
    set_error(it, "translation", err ? err->message : NULL);
    uk_error_free(err);
    return;
  }
  r= pg_query_parse(tr.sql);
  if (r.error)
  {
    char msg[600];
    snprintf(msg, sizeof(msg), "%s at character %d of the translated text",
             r.error->message ? r.error->message : "syntax error",
             r.error->cursorpos);
    set_error(it, "parse", msg);
    pg_query_free_parse_result(r);
    uk_translate_free(&tr);
    return;
  }
  memset(&it->shape, 0, sizeof(it->shape));
  if (uk_pgtree_shape(r.parse_tree, strlen(r.parse_tree), tables, cat->n,
                      it->db, true, &it->shape, &err) != UK_OK)
  {
    set_error(it, "shape", err ? err->message : NULL);
    uk_error_free(err);
  }
  else
  {
    /* a TEXT, BLOB, JSON or spatial column cannot be a key column without
       a prefix: an index cannot carry it, so the statement it is read by
       cannot read only an index */
    UkAdvColRef *rd= (UkAdvColRef *) it->shape.query.reads;
    for (int i= 0; i < it->shape.query.nreads; i++)
      if (rd[i].table >= 0 && rd[i].column >= 0 &&
          !carriable_type(cat->t[rd[i].table].col_types[rd[i].column]))
        rd[i].column= -1;
    it->has_shape= 1;
    it->status= (it->shape.query.npreds || it->shape.query.norder_by ||
                 it->shape.query.ngroup_by) ? "used" : "no_predicates";
  }
  pg_query_free_parse_result(r);
  uk_translate_free(&tr);
}

static void mark_used(catalogue *cat, const UkAdvQuery *q)
{
  for (int i= 0; i < q->npreds; i++)
    if (q->preds[i].table >= 0 && q->preds[i].table < cat->n &&
        q->preds[i].column >= 0 &&
        q->preds[i].column < cat->t[q->preds[i].table].ncols)
      cat->t[q->preds[i].table].col_used[q->preds[i].column]= 1;
  for (int i= 0; i < q->norder_by; i++)
    if (q->order_by[i].table >= 0 && q->order_by[i].table < cat->n &&
        q->order_by[i].column >= 0 &&
        q->order_by[i].column < cat->t[q->order_by[i].table].ncols)
      cat->t[q->order_by[i].table].col_used[q->order_by[i].column]= 1;
  for (int i= 0; i < q->ngroup_by; i++)
    if (q->group_by[i].table >= 0 && q->group_by[i].table < cat->n &&
        q->group_by[i].column >= 0 &&
        q->group_by[i].column < cat->t[q->group_by[i].table].ncols)
      cat->t[q->group_by[i].table].col_used[q->group_by[i].column]= 1;
  /* the columns an index could carry for it (covering): the widths
     matter; a query reading more of a table than an index can carry
     needs none of them */
  for (int t= 0; t < cat->n; t++)
  {
    int n= 0;
    bool whole= false;
    for (int i= 0; i < q->nreads; i++)
      if (q->reads[i].table == t || q->reads[i].table < 0)
      {
        n++;
        whole= whole || q->reads[i].column < 0;
      }
    if (whole || n > UK_ADV_MAX_COLUMNS + UK_ADV_MAX_INCLUDE)
      continue;
    for (int i= 0; i < q->nreads; i++)
      if (q->reads[i].table == t && q->reads[i].column < cat->t[t].ncols)
        cat->t[t].col_used[q->reads[i].column]= 1;
  }
}

typedef struct
{
  int statements, parsed, skipped, dropped_run;
  unsigned long long executions, dropped;
  int tables, from_stats, sampled, candidates, advised;
  double before, after;
  double best;                  /* < 0: not searched to the end */
  const char *first_error;
  char note[600];
  int sample_failed;            /* columns whose sample query failed */
  char sample_error[400];       /* the first of them */
} run_summary;

/* The schemas of the captured statements, as a SQL list: 'a', 'b'. */
static int schema_list(upkeep_sql *sql, stmt_item *items, int n, dstr *out)
{
  int any= 0;

  for (int i= 0; i < n; i++)
  {
    const char *names[2];
    UkTableRef ref;
    names[0]= items[i].db;
    names[1]= NULL;
    if (uk_stmt_main_table(items[i].example, strlen(items[i].example), &ref) &&
        ref.schema[0])
      names[1]= ref.schema;
    for (int k= 0; k < 2; k++)
    {
      int seen= 0;
      if (!names[k] || !names[k][0])
        continue;
      for (int j= 0; j < i && !seen; j++)
        seen= strcmp(items[j].db, names[k]) == 0;
      if (seen || (k == 1 && strcmp(names[1], names[0]) == 0))
        continue;
      /* a schema named twice in the list is harmless */
      if (any)
        adv_ds_str(out, ", ");
      adv_ds_lit(out, sql, names[k]);
      any= 1;
    }
  }
  return any;
}

/*
  The run.  Returns 0 when the tables were written; the summary says what
  happened either way.
*/
static int advise_run(upkeep_sql *sql, run_summary *sum)
{
  stmt_item *items;
  int n, failed;
  catalogue cat;
  UkAdvTable *tables= NULL;
  UkAdvQuery *queries= NULL;
  int *query_item= NULL;
  int nq= 0;
  changed_row *now_changed= NULL;
  int nnow= -1;
  UkAdvisor *advisor= NULL;
  const UkAdvice *adv= NULL;
  int nadv= 0;
  UkError *err= NULL;
  int rc= 1;
  dstr schemas= {0};
  char now[64];

  memset(&cat, 0, sizeof(cat));
  {
    int64_t us= upkeep_now_us();
    snprintf(now, sizeof(now), "FROM_UNIXTIME(%" PRId64 ".%06" PRId64 ")",
             us / 1000000, us % 1000000);
  }

  items= adv_capture_snapshot(&n, &failed);
  sum->statements= n;
  sum->dropped= __atomic_load_n(&upkeep_advise_stats.dropped, __ATOMIC_RELAXED);
  if (failed)
  {
    snprintf(sum->note, sizeof(sum->note), "out of memory copying the "
             "captured statements");
    goto done;
  }
  for (int i= 0; i < n; i++)
    sum->executions+= items[i].count;
  if (n > 1)
    qsort(items, (size_t) n, sizeof(*items), item_cmp);

  if (n == 0)
  {
    snprintf(sum->note, sizeof(sum->note), "%s",
             upkeep_advise_capture_on() ?
             "no statement captured yet: run the workload while"
             " upkeep_advise_capture is ON, then advise again" :
             "no statement captured: SET GLOBAL upkeep_advise_capture = ON,"
             " run the workload, then SET GLOBAL upkeep_advise = ON");
  }
  else if (schema_list(sql, items, n, &schemas))
  {
    if (schemas.failed || adv_load_catalogue(sql, schemas.s, &cat))
    {
      snprintf(sum->note, sizeof(sum->note), "could not read the catalogue:"
               " %s", upkeep_sql_error(sql));
      goto done;
    }
  }
  sum->tables= cat.n;
  if (cat.n)
  {
    tables= calloc((size_t) cat.n, sizeof(*tables));
    if (!tables)
      goto oom;
    for (int i= 0; i < cat.n; i++)
    {
      cat_table *t= &cat.t[i];
      tables[i].schema= t->schema;
      tables[i].name= t->name;
      tables[i].columns= t->cols;
      tables[i].ncolumns= t->ncols;
      tables[i].indexes= t->idx;
      tables[i].nindexes= t->nidx;
      tables[i].max_key_bytes= t->max_key;
      tables[i].max_key_part_bytes= t->max_part;
    }
  }

  /* translate, parse, shape */
  for (int i= 0; i < n; i++)
  {
    if (upkeep_worker_stopping())
      goto interrupted;
    /* a SET GLOBAL upkeep_maintenance must not wait for the run */
    if (i % 64 == 63)
      upkeep_worker_serve(sql);
    read_statement(&items[i], &cat, tables);
    if (items[i].has_shape)
    {
      sum->parsed++;
      mark_used(&cat, &items[i].shape.query);
    }
    else
    {
      sum->skipped++;
      if (!sum->first_error)
        sum->first_error= items[i].error;
    }
  }

  /* statistics of the columns used */
  if (cat.n)
  {
    cstats_arg ca= { &cat, 0 };
    if (upkeep_sql_rows(sql, adv_column_stats_row, &ca,
          "SELECT db_name, table_name, column_name, nulls_ratio, avg_length,"
          " avg_frequency FROM mysql.column_stats WHERE db_name IN (%s)",
          schemas.s))
      upkeep_log(UPKEEP_LOG_WARNING, "advise: could not read "
                 "mysql.column_stats: %s", upkeep_sql_error(sql));
    sum->from_stats= ca.found;
    /*
      how common the constants are ('done' in most rows narrows nothing);
      the columns it samples for that are sampled once
    */
    if (adv_value_frequencies(sql, &cat, items, n, schemas.s, &sum->sampled) &&
        upkeep_worker_stopping())
      goto interrupted;
    for (int i= 0; i < cat.n; i++)
      for (int c= 0; c < cat.t[i].ncols; c++)
        if (cat.t[i].col_used[c] && !cat.t[i].col_has_stats[c] &&
            sum->sampled < ADV_SAMPLED_COLUMNS_MAX)
        {
          if (upkeep_worker_stopping())
            goto interrupted;
          upkeep_worker_serve(sql);
          if (adv_sample_column(sql, &cat.t[i], c) == 0)
            sum->sampled++;
          else if (sum->sample_failed++ == 0)
            snprintf(sum->sample_error, sizeof(sum->sample_error),
                     "%s.%s.%s: %s", cat.t[i].schema, cat.t[i].name,
                     cat.t[i].cols[c].name, upkeep_sql_error(sql));
        }
    if (adv_changed_read(sql, &now_changed, &nnow))
      nnow= -1;
    for (int i= 0; i < cat.n; i++)
    {
      cat_table *t= &cat.t[i];
      double writes= 0;
      if (nnow >= 0 && nchanged_at_start >= 0)
      {
        writes= adv_changed_lookup(now_changed, nnow, t->schema, t->name) -
                adv_changed_lookup(changed_at_start, nchanged_at_start,
                               t->schema, t->name);
        if (writes < 0)
          writes= 0;              /* FLUSH TABLE_STATISTICS meanwhile */
      }
      tables[i].rows= t->rows;
      tables[i].size_bytes= t->data_length;
      tables[i].row_writes= writes;
    }
  }

  /* the workload */
  if (sum->parsed)
  {
    queries= calloc((size_t) sum->parsed, sizeof(*queries));
    query_item= calloc((size_t) sum->parsed, sizeof(*query_item));
    if (!queries || !query_item)
      goto oom;
    for (int i= 0; i < n; i++)
      if (items[i].has_shape)
      {
        queries[nq]= items[i].shape.query;
        queries[nq].id= NULL;
        queries[nq].text= items[i].example;
        queries[nq].weight= (double) items[i].count;
        query_item[nq]= i;
        nq++;
      }
  }
  if (cat.n && nq)
  {
    UkAdvWorkload w;
    UkAdvOptions opts;

    memset(&w, 0, sizeof(w));
    w.engine= UK_ENGINE_MARIADB;
    w.tables= tables;
    w.ntables= cat.n;
    w.queries= queries;
    w.nqueries= nq;
    uk_adv_options_init(&opts);
    opts.max_indexes= (int) upkeep_advise_max_indexes;
    opts.min_improvement_pct= upkeep_advise_min_improvement_pct;
    if (uk_advisor_create(&w, &advisor, &err) != UK_OK ||
        uk_advisor_select(advisor, &opts, &adv, &nadv, &sum->before,
                          &sum->after, &err) != UK_OK)
    {
      snprintf(sum->note, sizeof(sum->note), "the advisor failed: %s",
               err ? err->message : "unknown error");
      uk_error_free(err);
      goto done;
    }
    sum->candidates= uk_advisor_ncandidates(advisor);
    sum->advised= nadv;
    /* the distance to the best subset, when few enough to search */
    {
      UkAdvBest best;
      if (uk_advisor_best_subset(advisor, &opts, ADV_BEST_MAX_NODES, &best,
                                 &err) == UK_OK && best.complete)
        sum->best= best.cost_best;
      uk_error_free(err);
      err= NULL;
    }
    if (nadv == 0 && !sum->note[0])
      snprintf(sum->note, sizeof(sum->note), "no index pays off: %d "
               "candidate(s) considered, none cut the cost of the queries it"
               " helps by %g%% or more", sum->candidates,
               upkeep_advise_min_improvement_pct);
  }
  else if (n > 0 && !sum->note[0])
    snprintf(sum->note, sizeof(sum->note), "%s", nq ?
             "none of the tables the statements use was found" :
             "no captured statement could be read (see"
             " upkeep.advise_statements)");

  if (adv_write_advice(sql, adv, nadv, queries, now) ||
      adv_write_statements(sql, items, n))
  {
    snprintf(sum->note, sizeof(sum->note), "could not write the results: %s",
             upkeep_sql_error(sql));
    goto done;
  }
  rc= 0;
  goto done;

oom:
  snprintf(sum->note, sizeof(sum->note), "out of memory");
  goto done;
interrupted:
  snprintf(sum->note, sizeof(sum->note), "interrupted: the server is shutting"
           " down");
done:
  /* columns without statistics weigh on every estimate: say so */
  if (sum->sample_failed)
  {
    size_t len= strlen(sum->note);
    snprintf(sum->note + len, sizeof(sum->note) - len,
             "%s%d column(s) could not be sampled and were estimated without"
             " statistics (first: %s)", len ? "; " : "", sum->sample_failed,
             sum->sample_error);
  }
  /* first_error points into items: copy it before they go */
  if (sum->first_error)
  {
    static char first_error[700];
    snprintf(first_error, sizeof(first_error), "%s", sum->first_error);
    sum->first_error= first_error;
  }
  uk_advisor_free(advisor);
  free(queries);
  free(query_item);
  free(tables);
  adv_cat_free(&cat);
  adv_changed_free(now_changed, nnow > 0 ? nnow : 0);
  free(schemas.s);
  items_free(items, n);
  /*
    libpg_query keeps a small memory context per thread between parses and
    frees it itself when the thread ends (pg_query_exit() here would make
    that a double free).
  */
  return rc;
}

static void advise(upkeep_sql *sql)
{
  run_summary sum;
  int64_t t0= upkeep_monotonic_ms();
  int64_t us= upkeep_now_us();
  char started[64], runid[32]= "";
  long long ms;
  int rc;
  dstr q= {0};
  char num[512];

  memset(&sum, 0, sizeof(sum));
  sum.best= -1;
  snprintf(started, sizeof(started), "FROM_UNIXTIME(%" PRId64 ".%06" PRId64 ")",
           us / 1000000, us % 1000000);
  if (upkeep_sql_exec(sql, "INSERT INTO upkeep.advise_runs (started_at,"
                      " status) VALUES (%s, 'running')", started) == 0)
    upkeep_sql_value(sql, runid, sizeof(runid), "SELECT LAST_INSERT_ID()");
  rc= advise_run(sql, &sum);
  ms= (long long) (upkeep_monotonic_ms() - t0);
  us= upkeep_now_us();

  if (runid[0])
  {
    snprintf(num, sizeof(num),
             "UPDATE upkeep.advise_runs SET ended_at = FROM_UNIXTIME(%" PRId64
             ".%06" PRId64 "), duration_ms = %lld, status = '%s',"
             " statements = %d, executions = %llu, parsed = %d, skipped = %d,"
             " dropped = %llu, `tables` = %d, columns_from_stats = %d,"
             " columns_sampled = %d, candidates = %d, advised = %d,"
             " cost_before = %.6g, cost_after = %.6g, ",
             us / 1000000, us % 1000000, ms, rc ? "failed" : "done",
             sum.statements, sum.executions, sum.parsed, sum.skipped,
             sum.dropped, sum.tables, sum.from_stats, sum.sampled,
             sum.candidates, sum.advised,
             isfinite(sum.before) ? sum.before : 0,
             isfinite(sum.after) ? sum.after : 0);
    adv_ds_str(&q, num);
    if (sum.best >= 0 && isfinite(sum.best))
      snprintf(num, sizeof(num), "cost_best = %.6g, ", sum.best);
    else
      snprintf(num, sizeof(num), "cost_best = NULL, ");
    adv_ds_str(&q, num);
    adv_ds_str(&q, "first_error = ");
    if (sum.first_error)
      adv_ds_lit(&q, sql, sum.first_error);
    else
      adv_ds_str(&q, "NULL");
    adv_ds_str(&q, ", note = ");
    if (sum.note[0])
      adv_ds_lit(&q, sql, sum.note);
    else
      adv_ds_str(&q, "NULL");
    adv_ds_str(&q, " WHERE run_id = ");
    adv_ds_str(&q, runid);
    if (!q.failed)
      upkeep_sql_exec(sql, "%s", q.s);
    free(q.s);
    upkeep_sql_exec(sql, "DELETE FROM upkeep.advise_runs WHERE run_id <= %s"
                    " - %d", runid, ADV_RUNS_KEPT);
  }
  if (rc)
    upkeep_log(UPKEEP_LOG_WARNING, "advise run failed: %s", sum.note);

  upkeep_advise_stats.last_run_ms= ms;
  upkeep_advise_stats.last_parsed= (unsigned long long) sum.parsed;
  upkeep_advise_stats.last_skipped= (unsigned long long) sum.skipped;
  upkeep_advise_stats.last_advised= (unsigned long long) sum.advised;
  __atomic_fetch_add(&upkeep_advise_stats.runs, 1, __ATOMIC_RELEASE);
}

long upkeep_advisor_work(upkeep_sql *sql)
{
  int snap, run;

  pthread_mutex_lock(&adv_req_lock);
  snap= adv_stats_snapshot_wanted;
  adv_stats_snapshot_wanted= 0;
  run= adv_advise_requested;
  if (run)
  {
    adv_advise_requested= 0;
    adv_advise_running= 1;
  }
  pthread_mutex_unlock(&adv_req_lock);

  if (snap)
  {
    adv_changed_free(changed_at_start, nchanged_at_start > 0 ? nchanged_at_start : 0);
    changed_at_start= NULL;
    nchanged_at_start= -1;
    if (adv_changed_read(sql, &changed_at_start, &nchanged_at_start))
      nchanged_at_start= -1;
  }
  if (run)
  {
    advise(sql);
    pthread_mutex_lock(&adv_req_lock);
    adv_advise_running= 0;
    pthread_mutex_unlock(&adv_req_lock);
    upkeep_advise_value= 0;
  }
  return 1000;
}

/* The feature (features.h). */
UPKEEP_FEATURE(advisor_feature)=
{ "advisor", 60, upkeep_advisor_bootstrap, upkeep_advisor_work,
  0, NULL, NULL, upkeep_advise_capture_on };
