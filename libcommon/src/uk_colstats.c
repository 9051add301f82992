/*
 * uk_colstats.c
 *		Column statistics for the index advisor from samples and from
 *		MariaDB's engine-independent statistics (see uk_colstats.h):
 *		n_distinct estimates, and the frequency of one value from the most
 *		common values of a sample or from a JSON_HB histogram.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "uk_colstats.h"
#include "uk_json.h"

/* A count of distinct values in PostgreSQL's convention (see the header). */
static double
as_stadistinct(double d, double nonnull_rows, double total_rows)
{
	if (d < 1.0)
		d = 1.0;
	if (d > nonnull_rows)
		d = nonnull_rows;
	/* as ANALYZE: a count above a tenth of the rows scales with the table */
	if (total_rows > 0 && d > 0.1 * total_rows)
		return -(d / total_rows);
	return d;
}

double
uk_colstats_ndistinct_sample(const UkColSample *s)
{
	double		n,
				N,
				d,
				f1,
				null_frac,
				total,
				D;

	if (!s || !isfinite(s->sample_rows) || !isfinite(s->nulls) ||
		!isfinite(s->distinct) || !isfinite(s->singletons) ||
		!isfinite(s->total_rows) || s->sample_rows <= 0 ||
		s->nulls < 0 || s->nulls >= s->sample_rows || s->distinct < 1)
		return 0;
	n = s->sample_rows - s->nulls;
	d = s->distinct > n ? n : s->distinct;
	f1 = s->singletons < 0 ? 0 : (s->singletons > d ? d : s->singletons);
	null_frac = s->nulls / s->sample_rows;
	/* the table is at least as large as the sample */
	total = s->complete || s->total_rows < s->sample_rows ?
		s->sample_rows : s->total_rows;
	N = total * (1.0 - null_frac);

	if (s->complete || n >= N)
		return as_stadistinct(d, n, total);
	if (f1 >= n)
		return -(1.0 - null_frac);	/* every value seen once: unique */
	D = (n * d) / ((n - f1) + f1 * n / N);
	if (D < d)
		D = d;
	if (D > N)
		D = N;
	return as_stadistinct(floor(D + 0.5), N, total);
}

double
uk_colstats_ndistinct_avg_frequency(double rows, double nulls_ratio,
									double avg_frequency)
{
	double		nonnull;

	if (!isfinite(rows) || !isfinite(avg_frequency) || !isfinite(nulls_ratio) ||
		rows <= 0 || avg_frequency <= 0)
		return 0;
	if (nulls_ratio < 0)
		nulls_ratio = 0;
	if (nulls_ratio >= 1)
		return 0;
	nonnull = rows * (1.0 - nulls_ratio);
	if (avg_frequency <= 1.0)
		return -(1.0 - nulls_ratio);	/* one row per value: unique */
	return as_stadistinct(floor(nonnull / avg_frequency + 0.5), nonnull, rows);
}

/* ---------------------------------------------------------------------
 * Value frequencies
 * --------------------------------------------------------------------- */

/* s as a number (true, false as 1, 0); false when it is not one. */
static bool
as_number(const char *s, double *v)
{
	char	   *end;

	if (s == NULL)
		return false;
	while (isspace((unsigned char) *s))
		s++;
	if (strcasecmp(s, "true") == 0 || strcasecmp(s, "false") == 0)
	{
		*v = (*s == 't' || *s == 'T') ? 1 : 0;
		return true;
	}
	if (*s == '\0')
		return false;
	*v = strtod(s, &end);
	while (isspace((unsigned char) *end))
		end++;
	return *end == '\0' && isfinite(*v);
}

int
uk_colstats_value_cmp(const char *a, const char *b)
{
	double		x,
				y;
	size_t		la,
				lb,
				i;

	if (a == NULL || b == NULL)
		return a == b ? 0 : (a == NULL ? -1 : 1);
	if (as_number(a, &x) && as_number(b, &y))
		return x < y ? -1 : (x > y ? 1 : 0);
	la = strlen(a);
	lb = strlen(b);
	while (la > 0 && a[la - 1] == ' ')
		la--;
	while (lb > 0 && b[lb - 1] == ' ')
		lb--;
	for (i = 0; i < la && i < lb; i++)
	{
		int			ca = tolower((unsigned char) a[i]);
		int			cb = tolower((unsigned char) b[i]);

		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return la == lb ? 0 : (la < lb ? -1 : 1);
}

bool
uk_colstats_value_eq(const char *a, const char *b)
{
	return a != NULL && b != NULL && uk_colstats_value_cmp(a, b) == 0;
}

bool
uk_colstats_mcv_keep(double count, double sample_nonnull, double sample_distinct)
{
	if (!isfinite(count) || !isfinite(sample_nonnull) ||
		!isfinite(sample_distinct) || count < 2 || sample_nonnull <= 0 ||
		sample_distinct < 1)
		return false;
	if (sample_distinct <= UK_COLSTATS_MCV_MAX)
		return true;
	return count > 1.25 * (sample_nonnull / sample_distinct);
}

double
uk_colstats_eq_sel_mcv(const UkColMcv *mcv, int nmcv, double null_frac,
					   double n_distinct, const char *value)
{
	double		common = 0;
	int			i;

	if (value == NULL || nmcv < 0 || (nmcv > 0 && mcv == NULL) ||
		!isfinite(n_distinct) || n_distinct <= 0 || !isfinite(null_frac))
		return 0;
	if (null_frac < 0)
		null_frac = 0;
	for (i = 0; i < nmcv; i++)
	{
		if (uk_colstats_value_eq(mcv[i].value, value))
			return mcv[i].freq > 1 ? 1 : (mcv[i].freq < 0 ? 0 : mcv[i].freq);
		if (isfinite(mcv[i].freq) && mcv[i].freq > 0)
			common += mcv[i].freq;
	}
	if (n_distinct <= nmcv)
		return nmcv > 0 ? 0 : (1.0 - null_frac) / n_distinct;
	common = 1.0 - common - null_frac;
	return (common > 0 ? common : 0) / (n_distinct - nmcv);
}

/* A JSON number or a numeric string of bucket b's member key. */
static bool
bucket_number(const JDoc *d, int b, const char *key, double *v)
{
	int			n = jget(d, b, key);
	char		buf[64];

	if (n < 0 || (d->nodes[n].type != J_NUM && d->nodes[n].type != J_STR) ||
		d->nodes[n].len == 0 || d->nodes[n].len >= sizeof(buf))
		return false;
	memcpy(buf, d->nodes[n].str, d->nodes[n].len);
	buf[d->nodes[n].len] = '\0';
	return as_number(buf, v) && *v >= 0;
}

/* The start (or end) text of bucket b, or NULL. */
static const char *
bucket_text(const JDoc *d, int b, const char *key)
{
	int			n = jget(d, b, key);

	return n >= 0 && d->nodes[n].type == J_STR &&
		strlen(d->nodes[n].str) == d->nodes[n].len ? d->nodes[n].str : NULL;
}

UkStatus
uk_colstats_eq_sel_json_hb(const char *json, size_t len, const char *value,
						   double null_frac, double *sel, UkError **err)
{
	JDoc		d;
	UkStatus	st;
	int			hb;
	int			b;
	int			i = 0;
	double		found = -1;
	double		smallest = -1;
	double		own = 0;
	bool		own_found = false;

	memset(&d, 0, sizeof(d));
	if (json == NULL || sel == NULL)
		return uk_error_set(err, UK_ERR_INVALID, 0, "no histogram text");
	st = uk_json_parse(&d, json, len, err);
	if (st != UK_OK)
	{
		uk_json_free(&d);
		return st;
	}
	hb = jget(&d, 0, "histogram_hb");
	if (hb < 0 || d.nodes[hb].type != J_ARR || d.nodes[hb].count == 0)
	{
		uk_json_free(&d);
		return uk_error_set(err, UK_ERR_INVALID, 0,
							"not a JSON_HB histogram: no histogram_hb array of buckets");
	}
	for (b = d.nodes[hb].first; b >= 0; b = d.nodes[b].next, i++)
	{
		const char *start = bucket_text(&d, b, "start");
		const char *end = bucket_text(&d, b, "end");
		int			next = d.nodes[b].next;
		const char *next_start = next >= 0 ? bucket_text(&d, next, "start") : NULL;
		double		size,
					ndv;

		if (start == NULL || !bucket_number(&d, b, "size", &size) ||
			!bucket_number(&d, b, "ndv", &ndv) || size > 1 || ndv < 1)
		{
			uk_json_free(&d);
			return uk_error_set(err, UK_ERR_INVALID, 0,
								"histogram bucket %d: no start, or size not in 0..1, or ndv below 1",
								i);
		}
		if (smallest < 0 || size / ndv < smallest)
			smallest = size / ndv;
		if (value == NULL)
			continue;
		/* a value popular enough may have buckets of its own */
		if (ndv == 1 && uk_colstats_value_eq(start, value))
		{
			own += size;
			own_found = true;
			continue;
		}
		if (found < 0 && uk_colstats_value_cmp(start, value) <= 0 &&
			(next_start != NULL ? uk_colstats_value_cmp(value, next_start) < 0 :
			 (end == NULL || uk_colstats_value_cmp(value, end) <= 0)))
			found = size / ndv;
	}
	uk_json_free(&d);
	if (!isfinite(null_frac) || null_frac < 0)
		null_frac = 0;
	if (null_frac > 1)
		null_frac = 1;
	if (value == NULL)
		*sel = 0;				/* checked the text only */
	else if (own_found)
		*sel = own;
	else if (found >= 0)
		*sel = found;
	else
		*sel = smallest;
	*sel = (*sel > 1 ? 1 : *sel) * (1.0 - null_frac);
	return UK_OK;
}
