/*
 * uk_sha256.h
 *		SHA-256 (FIPS 180-4), used to store join tokens as hashes.
 *
 * No allocation; the caller provides all buffers.
 */
#ifndef UK_SHA256_H
#define UK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define UK_SHA256_LEN 32

typedef struct UkSha256
{
	uint32_t	h[8];
	uint64_t	total_len;		/* bytes fed so far */
	uint8_t		buf[64];
	size_t		buf_len;
} UkSha256;

extern void uk_sha256_init(UkSha256 *ctx);
extern void uk_sha256_update(UkSha256 *ctx, const void *data, size_t len);
extern void uk_sha256_final(UkSha256 *ctx, uint8_t out[UK_SHA256_LEN]);

/* One-shot convenience. */
extern void uk_sha256(const void *data, size_t len, uint8_t out[UK_SHA256_LEN]);

#endif							/* UK_SHA256_H */
