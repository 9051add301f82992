/*
  util.c
    What every file of the plugin uses, below all of them: wall-clock and
    monotonic time, UTC timestamps, the server's error log, and the
    plugin-wide counters upkeep_stats (written by maintenance mode and the
    worker, read by the audit hook, SHOW STATUS and upkeep_status(); see
    upkeep.h for which fields are atomics).  No locks.
*/

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <mysql/plugin.h>
#include <mysql/service_my_print_error.h>
#include <mysqld_error.h>

#include "upkeep.h"

upkeep_counters upkeep_stats;

int64_t upkeep_now_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t upkeep_monotonic_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t upkeep_monotonic_us(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void upkeep_format_utc(int64_t unix_us, char *buf, size_t cap)
{
  time_t secs= (time_t) (unix_us / 1000000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void upkeep_log(int level, const char *fmt, ...)
{
  char msg[1200];
  va_list ap;
  unsigned long flags= ME_ERROR_LOG_ONLY;

  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  if (level == UPKEEP_LOG_WARNING)
    flags|= ME_WARNING;
  else if (level == UPKEEP_LOG_INFO)
    flags|= ME_NOTE;
  my_printf_error(ER_UNKNOWN_ERROR, "upkeep: %s", flags, msg);
}
