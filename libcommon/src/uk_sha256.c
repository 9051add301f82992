/*
 * uk_sha256.c
 *		SHA-256 as specified in FIPS 180-4, sections 4.1.2, 4.2.2, 5 and 6.2.
 *
 * Used to store join tokens as hashes and to checksum the state file.  The
 * implementation is written for clarity, not speed: the inputs are tiny.
 * No allocation.
 */
#include <string.h>

#include "uk_sha256.h"

/*
 * First 32 bits of the fractional parts of the cube roots of the first 64
 * prime numbers (FIPS 180-4, 4.2.2).
 */
static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5,
	0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
	0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

/*
 * Initial hash value: first 32 bits of the fractional parts of the square
 * roots of the first 8 primes (FIPS 180-4, 5.3.3).
 */
static const uint32_t sha256_h0[8] = {
	0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
};

static inline uint32_t
rotr(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

/* The six logical functions of FIPS 180-4, 4.1.2. */
#define CH(x, y, z)		(((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z)	(((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x)		(rotr((x), 2) ^ rotr((x), 13) ^ rotr((x), 22))
#define BSIG1(x)		(rotr((x), 6) ^ rotr((x), 11) ^ rotr((x), 25))
#define SSIG0(x)		(rotr((x), 7) ^ rotr((x), 18) ^ ((x) >> 3))
#define SSIG1(x)		(rotr((x), 17) ^ rotr((x), 19) ^ ((x) >> 10))

/* Process one 512-bit block (FIPS 180-4, 6.2.2). */
static void
sha256_block(uint32_t h[8], const uint8_t block[64])
{
	uint32_t	w[64];
	uint32_t	a,
				b,
				c,
				d,
				e,
				f,
				g,
				hh;
	int			t;

	/* 1. prepare the message schedule; words are big-endian */
	for (t = 0; t < 16; t++)
		w[t] = (uint32_t) block[4 * t] << 24 |
			(uint32_t) block[4 * t + 1] << 16 |
			(uint32_t) block[4 * t + 2] << 8 |
			(uint32_t) block[4 * t + 3];
	for (t = 16; t < 64; t++)
		w[t] = SSIG1(w[t - 2]) + w[t - 7] + SSIG0(w[t - 15]) + w[t - 16];

	/* 2. initialize the working variables */
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	f = h[5];
	g = h[6];
	hh = h[7];

	/* 3. the 64 rounds */
	for (t = 0; t < 64; t++)
	{
		uint32_t	t1 = hh + BSIG1(e) + CH(e, f, g) + sha256_k[t] + w[t];
		uint32_t	t2 = BSIG0(a) + MAJ(a, b, c);

		hh = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = b;
		b = a;
		a = t1 + t2;
	}

	/* 4. the intermediate hash value */
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
	h[5] += f;
	h[6] += g;
	h[7] += hh;
}

void
uk_sha256_init(UkSha256 *ctx)
{
	memcpy(ctx->h, sha256_h0, sizeof(ctx->h));
	ctx->total_len = 0;
	ctx->buf_len = 0;
	memset(ctx->buf, 0, sizeof(ctx->buf));
}

/* Feed len bytes of data; data may be NULL when len is 0. */
void
uk_sha256_update(UkSha256 *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (len == 0)
		return;
	ctx->total_len += len;

	/* complete a partly filled block first */
	if (ctx->buf_len > 0)
	{
		size_t		take = 64 - ctx->buf_len;

		if (take > len)
			take = len;
		memcpy(ctx->buf + ctx->buf_len, p, take);
		ctx->buf_len += take;
		p += take;
		len -= take;
		if (ctx->buf_len < 64)
			return;
		sha256_block(ctx->h, ctx->buf);
		ctx->buf_len = 0;
	}

	/* whole blocks straight from the input */
	while (len >= 64)
	{
		sha256_block(ctx->h, p);
		p += 64;
		len -= 64;
	}

	/* keep the rest for later */
	if (len > 0)
	{
		memcpy(ctx->buf, p, len);
		ctx->buf_len = len;
	}
}

/*
 * Pad the message (FIPS 180-4, 5.1.1: a 1 bit, zeros, the length in bits as
 * a 64-bit big-endian number) and write the digest, big-endian, into out.
 * The context must be initialized again before reuse.
 */
void
uk_sha256_final(UkSha256 *ctx, uint8_t out[UK_SHA256_LEN])
{
	uint64_t	bits = ctx->total_len * 8;
	int			i;

	ctx->buf[ctx->buf_len++] = 0x80;
	if (ctx->buf_len > 56)
	{
		memset(ctx->buf + ctx->buf_len, 0, 64 - ctx->buf_len);
		sha256_block(ctx->h, ctx->buf);
		ctx->buf_len = 0;
	}
	memset(ctx->buf + ctx->buf_len, 0, 56 - ctx->buf_len);
	for (i = 0; i < 8; i++)
		ctx->buf[56 + i] = (uint8_t) (bits >> (56 - 8 * i));
	sha256_block(ctx->h, ctx->buf);

	for (i = 0; i < 8; i++)
	{
		out[4 * i] = (uint8_t) (ctx->h[i] >> 24);
		out[4 * i + 1] = (uint8_t) (ctx->h[i] >> 16);
		out[4 * i + 2] = (uint8_t) (ctx->h[i] >> 8);
		out[4 * i + 3] = (uint8_t) ctx->h[i];
	}
	memset(ctx->buf, 0, sizeof(ctx->buf));
	ctx->buf_len = 0;
}

void
uk_sha256(const void *data, size_t len, uint8_t out[UK_SHA256_LEN])
{
	UkSha256	ctx;

	uk_sha256_init(&ctx);
	uk_sha256_update(&ctx, data, len);
	uk_sha256_final(&ctx, out);
}
