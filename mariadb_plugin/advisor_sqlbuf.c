/*
  advisor_sqlbuf.c
    A growing string (dstr) for the SQL text the advisor's worker side
    builds: appending, string literals (made valid UTF-8) and quoted
    identifiers.  Worker thread only; no locks.  The caller frees d->s.
*/

#include <stdlib.h>
#include <string.h>

#include "uk_ident.h"
#include "uk_stmt.h"
#include "upkeep.h"
#include "advisor_int.h"

void adv_ds_add(dstr *d, const char *s, size_t n)
{
  if (d->failed)
    return;
  if (d->len + n + 1 > d->cap)
  {
    size_t cap= d->cap ? d->cap : 256;
    char *p;
    while (cap < d->len + n + 1)
      cap*= 2;
    if (!(p= realloc(d->s, cap)))
    {
      d->failed= 1;
      return;
    }
    d->s= p;
    d->cap= cap;
  }
  memcpy(d->s + d->len, s, n);
  d->len+= n;
  d->s[d->len]= '\0';
}

void adv_ds_str(dstr *d, const char *s)
{
  adv_ds_add(d, s, strlen(s));
}

/*
  A string literal for SQL (upkeep_sql_quote() copied out).  Text that is
  not valid UTF-8 (a client in latin1, raw bytes in a literal) has those
  bytes as '?': the utf8mb4 columns would refuse it, and with it the run.
*/
void adv_ds_lit(dstr *d, upkeep_sql *sql, const char *s)
{
  size_t len= s ? strlen(s) : 0;
  char *clean;

  if (uk_utf8_valid(s, len))
  {
    adv_ds_str(d, upkeep_sql_quote(sql, 3, s));
    return;
  }
  clean= malloc(len + 1);
  if (!clean)
  {
    d->failed= 1;
    return;
  }
  memcpy(clean, s, len + 1);
  uk_utf8_scrub(clean, len);
  adv_ds_str(d, upkeep_sql_quote(sql, 3, clean));
  free(clean);
}

/* `a`.`b` style quoting of an identifier into d. */
void adv_ds_ident(dstr *d, const char *id)
{
  char buf[2 * UK_IDENT_MAX + 4];
  size_t n= uk_ident_quote(UK_ENGINE_MARIADB, id, buf, sizeof(buf));
  if (n < sizeof(buf))
    adv_ds_add(d, buf, n);
  else
    d->failed= 1;
}
