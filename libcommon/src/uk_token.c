/*
 * uk_token.c
 *		Join tokens for a maintenance window: generation from getrandom(2),
 *		hashing, constant-time verification, and redaction from text that
 *		the servers log or show.
 *
 * Only the SHA-256 of a token is stored anywhere.  The token string itself
 * is handed to the user once and then forgotten; the random bytes are wiped
 * from the stack after use.
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "uk_token.h"
#include "uk_internal.h"

#define TOKEN_RANDOM_BYTES 32
#define TOKEN_PREFIX_LEN (sizeof(UK_TOKEN_PREFIX) - 1)

/*
 * Generate a new token into out and its hash into hash.  Fails with
 * UK_ERR_IO only if getrandom() fails; out is then the empty string.
 */
UkStatus
uk_token_generate(char out[UK_TOKEN_LEN + 1], uint8_t hash[UK_SHA256_LEN],
				  UkError **err)
{
	uint8_t		rnd[TOKEN_RANDOM_BYTES];
	size_t		got = 0;

	out[0] = '\0';
	while (got < sizeof(rnd))
	{
		ssize_t		n = getrandom(rnd + got, sizeof(rnd) - got, 0);

		if (n < 0)
		{
			int			save_errno = errno;
			char		ebuf[128];

			if (save_errno == EINTR)
				continue;
			explicit_bzero(rnd, sizeof(rnd));
			return uk_error_set(err, UK_ERR_IO, save_errno,
								"could not generate random token: %s",
								uk_errno_str(save_errno, ebuf, sizeof(ebuf)));
		}
		got += (size_t) n;
	}

	memcpy(out, UK_TOKEN_PREFIX, TOKEN_PREFIX_LEN);
	uk_hex_encode(rnd, sizeof(rnd), out + TOKEN_PREFIX_LEN);
	explicit_bzero(rnd, sizeof(rnd));
	uk_token_hash(out, hash);
	return UK_OK;
}

void
uk_token_hash(const char *token, uint8_t hash[UK_SHA256_LEN])
{
	if (token == NULL)
		token = "";
	uk_sha256(token, strlen(token), hash);
}

/* "uk1-" followed by exactly 64 lower-case hex digits. */
static bool
token_well_formed(const char *token)
{
	size_t		i;

	if (strncmp(token, UK_TOKEN_PREFIX, TOKEN_PREFIX_LEN) != 0)
		return false;
	for (i = TOKEN_PREFIX_LEN; i < UK_TOKEN_LEN; i++)
	{
		char		c = token[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return token[UK_TOKEN_LEN] == '\0';
}

/*
 * The format check is not secret (the format is public); only the
 * comparison with the stored hash must not leak timing.
 */
bool
uk_token_verify(const char *token, const uint8_t expected[UK_SHA256_LEN])
{
	uint8_t		hash[UK_SHA256_LEN];
	bool		ok;

	if (token == NULL || expected == NULL || !token_well_formed(token))
		return false;
	uk_token_hash(token, hash);
	ok = uk_ct_equal(hash, expected, UK_SHA256_LEN);
	explicit_bzero(hash, sizeof(hash));
	return ok;
}

/*
 * Every byte is looked at whatever the differences; the volatile
 * accumulator keeps the compiler from turning this into an early exit.
 */
bool
uk_ct_equal(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *pa = a;
	const volatile uint8_t *pb = b;
	volatile uint8_t diff = 0;
	size_t		i;

	for (i = 0; i < len; i++)
		diff |= pa[i] ^ pb[i];
	return diff == 0;
}

static bool
is_token_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

/* Number of hex digits of a token match at p ("uk1-..."), 0 if none. */
static size_t
token_match_len(const char *p)
{
	size_t		n = 0;

	if (strncmp(p, UK_TOKEN_PREFIX, TOKEN_PREFIX_LEN) != 0)
		return 0;
	while (is_token_hex(p[TOKEN_PREFIX_LEN + n]))
		n++;
	return n >= UK_TOKEN_REDACT_MIN ? n : 0;
}

const char *
uk_token_find(const char *s)
{
	const char *p = s;

	if (s == NULL)
		return NULL;
	while ((p = strstr(p, UK_TOKEN_PREFIX)) != NULL)
	{
		if (token_match_len(p) > 0)
			return p;
		p += TOKEN_PREFIX_LEN;
	}
	return NULL;
}

int
uk_token_redact(char *s)
{
	char	   *p = s;
	int			count = 0;

	if (s == NULL)
		return 0;
	while ((p = strstr(p, UK_TOKEN_PREFIX)) != NULL)
	{
		size_t		n = token_match_len(p);

		p += TOKEN_PREFIX_LEN;
		if (n == 0)
			continue;
		memset(p, '*', n);
		p += n;
		count++;
	}
	return count;
}
