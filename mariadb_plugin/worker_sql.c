/*
  worker_sql.c
    The statements of the background thread's SQL connection: run one,
    read its rows or its first value, quote a string, keep the error of a
    failure.  The connection itself (a local connection made with
    MariaDB's SQL service, mysql_real_connect_local()) is made, bootstrapped
    and recycled by worker.c; these functions run only on the worker
    thread, which owns it alone.

  Layering: below the features (which call these) and worker.c; it calls
  only worker_queue.c (upkeep_worker_stopping(): no SQL once stopping).
*/

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql/plugin.h>
#include <mysql/service_sql.h>

#include "worker_int.h"

static void sql_set_error(upkeep_sql *sql)
{
  sql->err_no= mysql_errno(sql->mysql);
  snprintf(sql->error, sizeof(sql->error), "%u: %s", sql->err_no,
           mysql_error(sql->mysql));
}

static int sql_vquery(upkeep_sql *sql, const char *fmt, va_list ap)
{
  char stackbuf[4096];
  char *q= stackbuf;
  int n;
  va_list ap2;
  int rc;

  va_copy(ap2, ap);
  n= vsnprintf(stackbuf, sizeof(stackbuf), fmt, ap);
  if (n < 0)
  {
    va_end(ap2);
    return 1;
  }
  if ((size_t) n >= sizeof(stackbuf))
  {
    q= malloc((size_t) n + 1);
    if (!q)
    {
      va_end(ap2);
      snprintf(sql->error, sizeof(sql->error), "out of memory");
      return 1;
    }
    vsnprintf(q, (size_t) n + 1, fmt, ap2);
  }
  va_end(ap2);
  sql->error[0]= '\0';
  sql->err_no= 0;
  if (upkeep_worker_stopping())
  {
    snprintf(sql->error, sizeof(sql->error), "the server is shutting down");
    if (q != stackbuf)
      free(q);
    return 1;
  }
  sql->queries++;
  rc= mysql_real_query(sql->mysql, q, (unsigned long) n);
  if (rc)
    sql_set_error(sql);
  if (q != stackbuf)
    free(q);
  return rc ? 1 : 0;
}

/* Run stmt (no result), keeping the error of the caller's failure. */
void upkeep_sql_cleanup(upkeep_sql *sql, const char *stmt)
{
  char error[sizeof(sql->error)];
  unsigned int err_no= sql->err_no;

  snprintf(error, sizeof(error), "%s", sql->error);
  (void) upkeep_sql_exec(sql, "%s", stmt);
  snprintf(sql->error, sizeof(sql->error), "%s", error);
  sql->err_no= err_no;
}

/* ROLLBACK, keeping the error that made the caller roll back. */
void upkeep_sql_rollback(upkeep_sql *sql)
{
  upkeep_sql_cleanup(sql, "ROLLBACK");
}

int upkeep_sql_exec(upkeep_sql *sql, const char *fmt, ...)
{
  va_list ap;
  int rc;
  MYSQL_RES *res;

  va_start(ap, fmt);
  rc= sql_vquery(sql, fmt, ap);
  va_end(ap);
  if (rc)
    return 1;
  /* a statement that returns rows: read and discard them */
  if ((res= mysql_store_result(sql->mysql)))
    mysql_free_result(res);
  return 0;
}

/* Run a query and call row() for each row of its result.  0 on success. */
static int sql_vrows(upkeep_sql *sql, upkeep_row_fn row, void *arg,
                     const char *fmt, va_list ap)
{
  MYSQL_RES *res;
  MYSQL_ROW r;

  if (sql_vquery(sql, fmt, ap))
    return 1;
  res= mysql_store_result(sql->mysql);
  if (!res)
  {
    if (mysql_errno(sql->mysql))
    {
      sql_set_error(sql);
      return 1;
    }
    return 0;
  }
  while ((r= mysql_fetch_row(res)))
    row(arg, mysql_num_fields(res), r);
  mysql_free_result(res);
  return 0;
}

int upkeep_sql_rows(upkeep_sql *sql, upkeep_row_fn row, void *arg,
                    const char *fmt, ...)
{
  va_list ap;
  int rc;

  va_start(ap, fmt);
  rc= sql_vrows(sql, row, arg, fmt, ap);
  va_end(ap);
  return rc;
}

typedef struct
{
  char *out;
  size_t cap;
  int found;
} value_arg;

static void value_row(void *arg, unsigned int ncols, char **cols)
{
  value_arg *v= arg;
  if (v->found || ncols == 0)
    return;
  v->found= 1;
  snprintf(v->out, v->cap, "%s", cols[0] ? cols[0] : "");
}

int upkeep_sql_value(upkeep_sql *sql, char *out, size_t cap,
                     const char *fmt, ...)
{
  va_list ap;
  int rc;
  value_arg v= { out, cap, 0 };

  out[0]= '\0';
  va_start(ap, fmt);
  rc= sql_vrows(sql, value_row, &v, fmt, ap);
  va_end(ap);
  if (rc)
    return 1;
  if (!v.found)
  {
    snprintf(sql->error, sizeof(sql->error), "the query returned no rows");
    return 1;
  }
  return 0;
}

const char *upkeep_sql_error(upkeep_sql *sql)
{
  return sql->error;
}

unsigned int upkeep_sql_errno(upkeep_sql *sql)
{
  return sql->err_no;
}

const char *upkeep_sql_quote(upkeep_sql *sql, int slot, const char *s)
{
  size_t len, need;
  char *p;

  if (!s)
    return "NULL";
  len= strlen(s);
  need= 2 * len + 3;
  if (sql->quoted_cap[slot] < need)
  {
    p= realloc(sql->quoted[slot], need);
    if (!p)
      return "NULL";
    sql->quoted[slot]= p;
    sql->quoted_cap[slot]= need;
  }
  p= sql->quoted[slot];
  p[0]= '\'';
  len= mysql_real_escape_string(sql->mysql, p + 1, s, (unsigned long) len);
  p[len + 1]= '\'';
  p[len + 2]= '\0';
  return p;
}
