/*
 * standalone_main.c
 *		A main() that drives a libFuzzer target without libFuzzer, so the
 *		fuzz targets can be built and run with gcc (plus ASan/UBSan).
 *
 * Usage: fuzz_x [-runs=N] [-seed=S] file-or-directory...
 *
 * Every given file (and every file in a given directory) is run once as it
 * is, then N pseudo-random mutations of those seeds.  N comes from -runs=,
 * else the FUZZ_RUNS environment variable, else 10000; the generator is
 * seeded from -seed=, else FUZZ_SEED, else 1, so a run is reproducible.
 * Each input is handed over in a buffer of exactly its size, so that ASan
 * catches a read past the end.  A crash is reported by the sanitizers or by
 * abort(); on a failing mutation, set FUZZ_SAVE=path to keep the input that
 * is being tried in that file.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_INPUT (64 * 1024)
#define MAX_SEEDS 4096

typedef struct Seed
{
	uint8_t    *data;
	size_t		len;
} Seed;

static Seed seeds[MAX_SEEDS];
static size_t nseeds;
static uint64_t rng_state;

/* xorshift64*: small, fast and good enough to pick mutations */
static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

static size_t
rng_below(size_t n)
{
	return n == 0 ? 0 : (size_t) (rng() % n);
}

static void
add_seed_file(const char *path)
{
	FILE	   *f;
	uint8_t    *buf;
	size_t		len;

	if (nseeds >= MAX_SEEDS)
		return;
	f = fopen(path, "rb");
	if (f == NULL)
	{
		fprintf(stderr, "cannot open %s\n", path);
		exit(2);
	}
	buf = malloc(FUZZ_MAX_INPUT);
	if (buf == NULL)
		exit(2);
	len = fread(buf, 1, FUZZ_MAX_INPUT, f);
	fclose(f);
	seeds[nseeds].data = buf;
	seeds[nseeds].len = len;
	nseeds++;
}

static void
add_seed_path(const char *path)
{
	struct stat st;
	DIR		   *d;
	struct dirent *de;

	if (stat(path, &st) != 0)
	{
		fprintf(stderr, "cannot stat %s\n", path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode))
	{
		add_seed_file(path);
		return;
	}
	d = opendir(path);
	if (d == NULL)
		exit(2);
	while ((de = readdir(d)) != NULL)
	{
		char		sub[4096];

		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		add_seed_path(sub);
	}
	closedir(d);
}

/* Run one input from an exact-size heap copy. */
static void
run_one(const uint8_t *data, size_t len)
{
	uint8_t    *copy = malloc(len > 0 ? len : 1);
	const char *save = getenv("FUZZ_SAVE");

	if (copy == NULL)
		exit(2);
	if (len > 0)
		memcpy(copy, data, len);
	if (save != NULL && save[0] != '\0')
	{
		FILE	   *f = fopen(save, "wb");

		if (f != NULL)
		{
			fwrite(data, 1, len, f);
			fclose(f);
		}
	}
	LLVMFuzzerTestOneInput(copy, len);
	free(copy);
}

static const char interesting_bytes[] = " \t\n\r\\x-0123456789abcdef\x7f\x80\xff";

static const char *const interesting_words[] = {
	"0", "1", "-1", "-0", "00", "18446744073709551615",
	"18446744073709551616", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "-9223372036854775809", "2147483647",
	"2147483648", "\\x00", "\\x7f", "\\x41", "\\n", "\\t", "\\\\", "\\",
	"checksum ", "upkeep-state 1\n", "upkeep-maintenance-log 1\n", "\t", "\n",
	"running", "clean", "waited", "terminated", "failed", "interrupted",
	"\xc3\xbc", "\xed\xa0\x80", "\xf4\x90\x80\x80",
};

/* Apply one random mutation to buf (length *len, capacity FUZZ_MAX_INPUT). */
static void
mutate(uint8_t *buf, size_t *len)
{
	size_t		n = *len;
	size_t		pos = rng_below(n + 1);

	switch (rng_below(10))
	{
		case 0:				/* flip a bit */
			if (n > 0)
				buf[rng_below(n)] ^= (uint8_t) (1u << rng_below(8));
			break;
		case 1:				/* random byte */
			if (n > 0)
				buf[rng_below(n)] = (uint8_t) rng();
			break;
		case 2:				/* interesting byte */
			if (n > 0)
				buf[rng_below(n)] = (uint8_t)
					interesting_bytes[rng_below(sizeof(interesting_bytes) - 1)];
			break;
		case 3:				/* insert a byte */
			if (n < FUZZ_MAX_INPUT)
			{
				memmove(buf + pos + 1, buf + pos, n - pos);
				buf[pos] = (uint8_t) (rng_below(2) ? rng() :
									  (uint64_t) interesting_bytes[rng_below(sizeof(interesting_bytes) - 1)]);
				n++;
			}
			break;
		case 4:				/* delete a range */
			if (pos < n)
			{
				size_t		k = 1 + rng_below(n - pos < 16 ? n - pos : 16);

				memmove(buf + pos, buf + pos + k, n - pos - k);
				n -= k;
			}
			break;
		case 5:				/* duplicate a range elsewhere */
			if (n > 0)
			{
				size_t		from = rng_below(n);
				size_t		k = 1 + rng_below(n - from < 64 ? n - from : 64);
				uint8_t		tmp[64];

				if (n + k <= FUZZ_MAX_INPUT)
				{
					memcpy(tmp, buf + from, k);
					memmove(buf + pos + k, buf + pos, n - pos);
					memcpy(buf + pos, tmp, k);
					n += k;
				}
			}
			break;
		case 6:				/* truncate */
			n = pos;
			break;
		case 7:				/* splice in the tail of another seed */
			{
				const Seed *o = &seeds[rng_below(nseeds)];
				size_t		from = rng_below(o->len + 1);
				size_t		k = o->len - from;

				if (pos + k > FUZZ_MAX_INPUT)
					k = FUZZ_MAX_INPUT - pos;
				memcpy(buf + pos, o->data + from, k);
				n = pos + k;
			}
			break;
		case 8:				/* insert an interesting word */
			{
				const char *w = interesting_words[rng_below(sizeof(interesting_words) / sizeof(interesting_words[0]))];
				size_t		k = strlen(w);

				if (n + k <= FUZZ_MAX_INPUT)
				{
					memmove(buf + pos + k, buf + pos, n - pos);
					memcpy(buf + pos, w, k);
					n += k;
				}
			}
			break;
		default:				/* swap two bytes */
			if (n > 1)
			{
				size_t		a = rng_below(n);
				size_t		b = rng_below(n);
				uint8_t		t = buf[a];

				buf[a] = buf[b];
				buf[b] = t;
			}
			break;
	}
	*len = n;
}

int
main(int argc, char **argv)
{
	long long	runs = 10000;
	unsigned long long seed = 1;
	const char *env;
	uint8_t    *buf;
	long long	r;
	size_t		i;
	int			a;

	if ((env = getenv("FUZZ_RUNS")) != NULL && env[0] != '\0')
		runs = atoll(env);
	if ((env = getenv("FUZZ_SEED")) != NULL && env[0] != '\0')
		seed = strtoull(env, NULL, 10);
	for (a = 1; a < argc; a++)
	{
		if (strncmp(argv[a], "-runs=", 6) == 0)
			runs = atoll(argv[a] + 6);
		else if (strncmp(argv[a], "-seed=", 6) == 0)
			seed = strtoull(argv[a] + 6, NULL, 10);
		else if (argv[a][0] == '-')
			fprintf(stderr, "ignoring option %s\n", argv[a]);
		else
			add_seed_path(argv[a]);
	}
	rng_state = seed * UINT64_C(0x9E3779B97F4A7C15) + 1;

	for (i = 0; i < nseeds; i++)
		run_one(seeds[i].data, seeds[i].len);
	if (nseeds == 0)
	{
		seeds[0].data = calloc(1, FUZZ_MAX_INPUT);
		seeds[0].len = 0;
		nseeds = 1;
	}

	buf = malloc(FUZZ_MAX_INPUT);
	if (buf == NULL)
		return 2;
	for (r = 0; r < runs; r++)
	{
		const Seed *s = &seeds[rng_below(nseeds)];
		size_t		len = s->len;
		int			k = 1 + (int) rng_below(8);

		memcpy(buf, s->data, len);
		while (k-- > 0)
			mutate(buf, &len);
		run_one(buf, len);
	}
	free(buf);
	for (i = 0; i < nseeds; i++)
		free(seeds[i].data);

	fprintf(stderr, "%s: %zu seeds, %lld mutations, seed %llu: ok\n",
			argv[0], nseeds, runs, seed);
	return 0;
}
