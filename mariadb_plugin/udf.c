/*
  udf.c
    The read-only UDF upkeep_status(): the state of maintenance mode (and
    of its window patches) as a JSON object, for everyone.

      SELECT upkeep_status();
      {"active": true, "phase": "active", "reason": "ERPNext upgrade",
       "started_at": "2026-11-21T20:58:50Z", "expected_end": null, ...}

  It reads the plugin's memory under its lock and never runs SQL.  The
  plugin's background thread creates the function when it is missing
  (CREATE FUNCTION IF NOT EXISTS upkeep_status RETURNS STRING SONAME
  'upkeep.so').  While the function exists the server keeps upkeep.so
  loaded: drop it before replacing the file with a rebuilt one.  When the
  plugin itself is not loaded (UNINSTALL SONAME), the function says so
  instead of showing stale state.
*/

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mysql.h>
#include <mysql/plugin.h>

#include "upkeep.h"

#define STATUS_BUF 8192

int upkeep_plugin_running;      /* set by init, cleared by deinit */

/* Append s as a JSON string (with quotes), escaping what JSON requires. */
static size_t json_str(char *out, size_t cap, size_t len, const char *s)
{
  static const char hex[]= "0123456789abcdef";
  const unsigned char *p= (const unsigned char *) s;

#define PUT(c) do { if (len + 1 < cap) out[len]= (char) (c); len++; } while (0)
  PUT('"');
  for (; *p; p++)
  {
    switch (*p)
    {
    case '"':  PUT('\\'); PUT('"'); break;
    case '\\': PUT('\\'); PUT('\\'); break;
    case '\n': PUT('\\'); PUT('n'); break;
    case '\r': PUT('\\'); PUT('r'); break;
    case '\t': PUT('\\'); PUT('t'); break;
    default:
      if (*p < 0x20 || *p == 0x7f)
      {
        PUT('\\'); PUT('u'); PUT('0'); PUT('0');
        PUT(hex[*p >> 4]); PUT(hex[*p & 15]);
      }
      else
        PUT(*p);
    }
  }
  PUT('"');
#undef PUT
  if (cap > 0)
    out[len < cap ? len : cap - 1]= '\0';
  return len;
}

static size_t json_raw(char *out, size_t cap, size_t len, const char *fmt, ...)
  __attribute__((format(printf, 4, 5)));

static size_t json_raw(char *out, size_t cap, size_t len, const char *fmt, ...)
{
  va_list ap;
  int n;

  va_start(ap, fmt);
  n= vsnprintf(len < cap ? out + len : NULL, len < cap ? cap - len : 0, fmt,
               ap);
  va_end(ap);
  return n > 0 ? len + (size_t) n : len;
}

static size_t json_time(char *out, size_t cap, size_t len, int64_t us)
{
  char t[40];
  if (us == 0)
    return json_raw(out, cap, len, "null");
  upkeep_format_utc(us, t, sizeof(t));
  return json_str(out, cap, len, t);
}

static size_t json_text_or_null(char *out, size_t cap, size_t len,
                                const char *s)
{
  if (!s || !s[0])
    return json_raw(out, cap, len, "null");
  return json_str(out, cap, len, s);
}

/* The JSON document into out; returns its length. */
static size_t status_json(char *out, size_t cap)
{
  upkeep_snapshot snap;
  upkeep_window_snap win;
  size_t n= 0;
  int on;
  char ro_before_buf[8];
  const char *ro_before= NULL;
  UkMaintState standby;
  unsigned long replicated_from= 0;

  if (!upkeep_plugin_running)
    return json_raw(out, cap, 0, "{\"active\": null, \"plugin_loaded\": false}");

  upkeep_maintenance_snapshot(&snap);
  /* a replica: the window its primary has (ha_standby.c) */
  if (strcmp(snap.phase, "off") == 0 &&
      upkeep_ha_standby(&standby, &replicated_from))
  {
    snap.phase= "standby";
    snap.st= standby;
  }
  /* draining: the window exists, but nothing is refused yet */
  on= strcmp(snap.phase, "off") != 0;
  if (strncmp(snap.st.engine_restore, "read_only=", 10) == 0)
  {
    /* "read_only=OFF event_scheduler=ON": the first word's value */
    const char *v= snap.st.engine_restore + 10;
    snprintf(ro_before_buf, sizeof(ro_before_buf), "%.*s",
             (int) strcspn(v, " "), v);
    ro_before= ro_before_buf;
  }

  n= json_raw(out, cap, n, "{\"active\": %s, \"phase\": ",
              on && strcmp(snap.phase, "draining") != 0 ? "true" : "false");
  n= json_str(out, cap, n, snap.phase);
  n= json_raw(out, cap, n, ", \"reason\": ");
  n= json_text_or_null(out, cap, n, on ? snap.st.reason : NULL);
  n= json_raw(out, cap, n, ", \"started_at\": ");
  n= json_time(out, cap, n, on ? snap.st.started_at_us : 0);
  n= json_raw(out, cap, n, ", \"expected_end\": ");
  n= json_time(out, cap, n, on ? snap.st.expected_end_us : 0);
  n= json_raw(out, cap, n, ", \"entered_by\": ");
  n= json_text_or_null(out, cap, n, on ? snap.st.entered_by : NULL);
  n= json_raw(out, cap, n, ", \"window_id\": %" PRIu64
              ", \"refused_writes\": %" PRIu64 ", \"read_only_before\": ",
              snap.st.window_id, snap.st.refused_writes);
  n= json_text_or_null(out, cap, n, on ? ro_before : NULL);
  n= json_raw(out, cap, n, ", \"windows_since_start\": %llu"
              ", \"drain_last_ms\": ", snap.windows);
  if (snap.drain_last_ms < 0)
    n= json_raw(out, cap, n, "null");
  else
    n= json_raw(out, cap, n, "%lld", snap.drain_last_ms);
  n= json_raw(out, cap, n, ", \"drain_last_outcome\": ");
  n= json_text_or_null(out, cap, n, snap.drain_last_outcome);
  n= json_raw(out, cap, n, ", \"state_file_error\": ");
  n= json_text_or_null(out, cap, n, snap.state_file_error);
  /* window patches: the innermost open window run */
  upkeep_window_snapshot(&win);
  n= json_raw(out, cap, n, ", \"window_patch\": ");
  n= json_text_or_null(out, cap, n, win.patch);
  n= json_raw(out, cap, n, ", \"window_patch_run_id\": ");
  if (win.run_id)
    n= json_raw(out, cap, n, "%" PRIu64, win.run_id);
  else
    n= json_raw(out, cap, n, "null");
  n= json_raw(out, cap, n, ", \"unattributed_statements\": %llu",
              win.unattributed);
  n= json_raw(out, cap, n, ", \"replicated\": %s",
              replicated_from ? "true" : "false");
  if (replicated_from)
    n= json_raw(out, cap, n, ", \"replicated_from\": %lu", replicated_from);
  else
    n= json_raw(out, cap, n, ", \"replicated_from\": null");
  n= json_raw(out, cap, n, "}");
  return n < cap ? n : cap - 1;
}

my_bool upkeep_status_init(UDF_INIT *initid, UDF_ARGS *args, char *message);
void upkeep_status_deinit(UDF_INIT *initid);
char *upkeep_status(UDF_INIT *initid, UDF_ARGS *args, char *result,
                    unsigned long *length, char *is_null, char *error);

my_bool upkeep_status_init(UDF_INIT *initid, UDF_ARGS *args, char *message)
{
  if (args->arg_count != 0)
  {
    snprintf(message, MYSQL_ERRMSG_SIZE, "upkeep_status() takes no arguments");
    return 1;
  }
  initid->ptr= malloc(STATUS_BUF);
  if (!initid->ptr)
  {
    snprintf(message, MYSQL_ERRMSG_SIZE, "upkeep_status(): out of memory");
    return 1;
  }
  initid->maybe_null= 0;
  initid->const_item= 0;
  initid->max_length= STATUS_BUF;
  return 0;
}

void upkeep_status_deinit(UDF_INIT *initid)
{
  free(initid->ptr);
  initid->ptr= NULL;
}

char *upkeep_status(UDF_INIT *initid, UDF_ARGS *args, char *result,
                    unsigned long *length, char *is_null, char *error)
{
  (void) args;
  (void) result;
  *is_null= 0;
  *error= 0;
  *length= (unsigned long) status_json(initid->ptr, STATUS_BUF);
  return initid->ptr;
}
