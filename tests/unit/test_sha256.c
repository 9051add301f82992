/*
 * test_sha256.c
 *		Unit tests for uk_sha256.h: the FIPS 180-2/NIST example vectors,
 *		padding boundaries, and the same digests fed in many pieces.
 */
#include <stdint.h>

#include "uk_sha256.h"
#include "uk_test.h"

static void
to_hex(const uint8_t *d, char *out)
{
	static const char digits[] = "0123456789abcdef";
	int			i;

	for (i = 0; i < UK_SHA256_LEN; i++)
	{
		out[2 * i] = digits[d[i] >> 4];
		out[2 * i + 1] = digits[d[i] & 15];
	}
	out[2 * UK_SHA256_LEN] = '\0';
}

/* The digest of msg (len bytes) fed in pieces of the given sizes. */
static void
hash_split(const char *msg, size_t len, const size_t *pieces, size_t npieces,
		   char *hex)
{
	UkSha256	ctx;
	uint8_t		d[UK_SHA256_LEN];
	size_t		off = 0;
	size_t		i;

	uk_sha256_init(&ctx);
	for (i = 0; i < npieces && off < len; i++)
	{
		size_t		n = pieces[i] < len - off ? pieces[i] : len - off;

		uk_sha256_update(&ctx, msg + off, n);
		off += n;
	}
	uk_sha256_update(&ctx, msg + off, len - off);
	uk_sha256_final(&ctx, d);
	to_hex(d, hex);
}

static const struct
{
	const char *name;
	const char *msg;
	size_t		repeat_a;		/* if > 0: msg is that many 'a' */
	const char *hex;
}			vectors[] = {
	{"empty string", "", 0,
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"abc", "abc", 0,
	"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	{"448 bits", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 0,
	"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
	{"896 bits",
		"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
		"ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu", 0,
	"cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
	{"55 x a", NULL, 55,
	"9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"},
	{"56 x a", NULL, 56,
	"b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"},
	{"63 x a", NULL, 63,
	"7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"},
	{"64 x a", NULL, 64,
	"ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"},
	{"65 x a", NULL, 65,
	"635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"},
	{"119 x a", NULL, 119,
	"31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb"},
	{"120 x a", NULL, 120,
	"2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c"},
	{"128 x a", NULL, 128,
	"6836cf13bac400e9105071cd6af47084dfacad4e5e302c94bfed24e013afb73e"},
	{"1000000 x a", NULL, 1000000,
	"cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
};

int
main(void)
{
	size_t		v;

	for (v = 0; v < sizeof(vectors) / sizeof(vectors[0]); v++)
	{
		const char *msg = vectors[v].msg;
		char	   *owned = NULL;
		size_t		len;
		uint8_t		d[UK_SHA256_LEN];
		char		hex[2 * UK_SHA256_LEN + 1];
		char		hex2[2 * UK_SHA256_LEN + 1];
		size_t		i;

		if (msg == NULL)
		{
			owned = malloc(vectors[v].repeat_a + 1);
			if (owned == NULL)
				return 2;
			memset(owned, 'a', vectors[v].repeat_a);
			owned[vectors[v].repeat_a] = '\0';
			msg = owned;
		}
		len = strlen(msg);

		/* one shot */
		uk_sha256(msg, len, d);
		to_hex(d, hex);
		CHECK(strcmp(hex, vectors[v].hex) == 0, "%s: one shot gave %s",
			  vectors[v].name, hex);

		/* one byte at a time */
		{
			UkSha256	ctx;

			uk_sha256_init(&ctx);
			for (i = 0; i < len; i++)
				uk_sha256_update(&ctx, msg + i, 1);
			uk_sha256_final(&ctx, d);
			to_hex(d, hex2);
			CHECK(strcmp(hex2, vectors[v].hex) == 0,
				  "%s: byte at a time gave %s", vectors[v].name, hex2);
			CHECK(ctx.buf_len == 0, "%s: final leaves buf_len %zu",
				  vectors[v].name, ctx.buf_len);
		}

		/* two pieces, split at every position (short messages) */
		if (len <= 200)
		{
			int			bad = 0;

			for (i = 0; i <= len; i++)
			{
				size_t		pieces[1];

				pieces[0] = i;
				hash_split(msg, len, pieces, 1, hex2);
				if (strcmp(hex2, vectors[v].hex) != 0)
					bad++;
			}
			CHECK(bad == 0, "%s: %d two-piece splits differ", vectors[v].name,
				  bad);
		}

		/* uneven pieces, including empty updates */
		{
			static const size_t pieces[] = {0, 3, 0, 61, 64, 1, 127, 128, 0,
			1000, 4096, 63, 65, 100000, 7};

			hash_split(msg, len, pieces, sizeof(pieces) / sizeof(pieces[0]),
					   hex2);
			CHECK(strcmp(hex2, vectors[v].hex) == 0,
				  "%s: uneven pieces gave %s", vectors[v].name, hex2);
		}

		free(owned);
	}

	/* a NULL pointer with length 0 is an empty update */
	{
		UkSha256	ctx;
		uint8_t		d[UK_SHA256_LEN];
		char		hex[2 * UK_SHA256_LEN + 1];

		uk_sha256_init(&ctx);
		uk_sha256_update(&ctx, "ab", 2);
		uk_sha256_update(&ctx, NULL, 0);
		uk_sha256_update(&ctx, "c", 1);
		uk_sha256_final(&ctx, d);
		to_hex(d, hex);
		CHECK(strcmp(hex, vectors[1].hex) == 0, "NULL/0 update gave %s", hex);
		CHECK(ctx.total_len == 3, "total_len is %llu",
			  (unsigned long long) ctx.total_len);

		/* a context can be reused after init */
		uk_sha256_init(&ctx);
		uk_sha256_final(&ctx, d);
		to_hex(d, hex);
		CHECK(strcmp(hex, vectors[0].hex) == 0, "reused context gave %s", hex);
	}

	return uk_test_done("test_sha256");
}
