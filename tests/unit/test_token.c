/*
 * test_token.c
 *		Unit tests for uk_token.h: token format, hashing, verification of
 *		right, wrong and malformed tokens, constant-time equality, and
 *		redaction of tokens from text.
 */
#include <stdint.h>

#include "uk_token.h"
#include "uk_test.h"

static bool
is_lower_hex(const char *s, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

int
main(void)
{
	char		tok[UK_TOKEN_LEN + 1];
	char		tok2[UK_TOKEN_LEN + 1];
	uint8_t		hash[UK_SHA256_LEN];
	uint8_t		hash2[UK_SHA256_LEN];
	uint8_t		h[UK_SHA256_LEN];
	UkError    *err = NULL;
	int			i;

	/* generation */
	CHECK(uk_token_generate(tok, hash, &err) == UK_OK, "generate failed: %s",
		  err ? err->message : "?");
	CHECK(err == NULL, "err set on success");
	CHECK(strlen(tok) == UK_TOKEN_LEN, "token length %zu", strlen(tok));
	CHECK(strncmp(tok, "uk1-", 4) == 0, "token prefix in %s", tok);
	CHECK(is_lower_hex(tok + 4, 64), "token not lower hex: %s", tok);

	uk_token_hash(tok, h);
	CHECK(memcmp(h, hash, UK_SHA256_LEN) == 0, "hash is not sha256 of token");
	uk_sha256(tok, strlen(tok), h);
	CHECK(memcmp(h, hash, UK_SHA256_LEN) == 0, "hash is not uk_sha256(token)");

	CHECK(uk_token_generate(tok2, hash2, NULL) == UK_OK, "second generate");
	CHECK(strcmp(tok, tok2) != 0, "two tokens are equal");
	CHECK(memcmp(hash, hash2, UK_SHA256_LEN) != 0, "two hashes are equal");

	/* many tokens: all distinct and well formed */
	{
		char		seen[32][UK_TOKEN_LEN + 1];
		int			dup = 0,
					bad = 0,
					j;

		for (i = 0; i < 32; i++)
		{
			if (uk_token_generate(seen[i], h, NULL) != UK_OK ||
				!uk_token_verify(seen[i], h))
				bad++;
			for (j = 0; j < i; j++)
				if (strcmp(seen[i], seen[j]) == 0)
					dup++;
		}
		CHECK(bad == 0, "%d tokens did not verify", bad);
		CHECK(dup == 0, "%d duplicate tokens", dup);
	}

	/* verification */
	CHECK(uk_token_verify(tok, hash), "own token does not verify");
	CHECK(!uk_token_verify(tok2, hash), "other token verifies");
	CHECK(!uk_token_verify(NULL, hash), "NULL token verifies");
	CHECK(!uk_token_verify(tok, NULL), "NULL expected verifies");
	CHECK(!uk_token_verify("", hash), "empty token verifies");

	{
		static const char *const malformed_fmt[] = {
			"%.67s",			/* one digit short */
			"%sa",				/* one digit more */
			" %s",				/* leading blank */
			"%s ",				/* trailing blank */
			"%s\n",				/* trailing newline */
		};
		char		buf[UK_TOKEN_LEN + 8];

		for (i = 0; i < (int) (sizeof(malformed_fmt) / sizeof(malformed_fmt[0])); i++)
		{
			snprintf(buf, sizeof(buf), malformed_fmt[i], tok);
			CHECK(!uk_token_verify(buf, hash), "malformed token %d verifies", i);
		}

		/* upper-case hex is not the token, even if it looks the same */
		strcpy(buf, tok);
		for (i = 4; i < UK_TOKEN_LEN; i++)
			if (buf[i] >= 'a' && buf[i] <= 'f')
				buf[i] = (char) (buf[i] - 'a' + 'A');
		if (strcmp(buf, tok) != 0)
			CHECK(!uk_token_verify(buf, hash), "upper-case token verifies");

		/* wrong prefix */
		strcpy(buf, tok);
		buf[2] = '2';
		CHECK(!uk_token_verify(buf, hash), "uk2- token verifies");

		/* every single-digit change is refused */
		{
			int			accepted = 0;

			for (i = 4; i < UK_TOKEN_LEN; i++)
			{
				strcpy(buf, tok);
				buf[i] = buf[i] == '0' ? '1' : '0';
				if (uk_token_verify(buf, hash))
					accepted++;
			}
			CHECK(accepted == 0, "%d one-digit changes verify", accepted);
		}
	}

	/* a well-formed token of known hash */
	{
		const char *fixed =
			"uk1-0000000000000000000000000000000000000000000000000000000000000000";

		uk_token_hash(fixed, h);
		CHECK(uk_token_verify(fixed, h), "fixed token does not verify");
		h[31] ^= 1;
		CHECK(!uk_token_verify(fixed, h), "fixed token verifies a wrong hash");
	}

	/* uk_token_hash(NULL) is the hash of "" */
	uk_token_hash(NULL, h);
	uk_sha256("", 0, hash2);
	CHECK(memcmp(h, hash2, UK_SHA256_LEN) == 0, "hash(NULL) != hash(\"\")");

	/* uk_ct_equal */
	{
		uint8_t		a[40],
					b[40];

		for (i = 0; i < 40; i++)
			a[i] = b[i] = (uint8_t) (i * 7);
		CHECK(uk_ct_equal(a, b, 40), "equal arrays differ");
		CHECK(uk_ct_equal(a, b, 0), "zero length differs");
		for (i = 0; i < 40; i++)
		{
			b[i] ^= 0x80;
			CHECK(!uk_ct_equal(a, b, 40), "difference at %d not seen", i);
			CHECK(uk_ct_equal(a, b, (size_t) i), "prefix of %d differs", i);
			b[i] ^= 0x80;
		}
	}

	/* redaction: table of input -> expected output and match count */
	{
		static const struct
		{
			const char *in;
			const char *out;
			int			n;
		}			cases[] = {
			{"", "", 0},
			{"SELECT 1", "SELECT 1", 0},
			{"uk1-", "uk1-", 0},
			{"uk1-0123456", "uk1-0123456", 0},	/* too short to matter */
			{"uk1-01234567", "uk1-********", 1},
			{"x('uk1-deadbeef00')", "x('uk1-**********')", 1},
			{"uk1-DEADBEEF", "uk1-DEADBEEF", 0},	/* not a token's digits */
			{"uk1-uk1-abcdef0123", "uk1-uk1-**********", 1},
			{"a uk1-abcdef01 b uk1-12345678z", "a uk1-******** b uk1-********z", 2},
			{"uk1-xxxxxxxxxxxx", "uk1-xxxxxxxxxxxx", 0},
			{"uk2-abcdef0123", "uk2-abcdef0123", 0},
		};
		char		buf[200];

		for (i = 0; i < (int) (sizeof(cases) / sizeof(cases[0])); i++)
		{
			int			n;

			strcpy(buf, cases[i].in);
			CHECK((uk_token_find(cases[i].in) != NULL) == (cases[i].n > 0),
				  "find in \"%s\"", cases[i].in);
			n = uk_token_redact(buf);
			CHECK(n == cases[i].n && strcmp(buf, cases[i].out) == 0,
				  "redact \"%s\": got \"%s\" (%d)", cases[i].in, buf, n);
			CHECK(uk_token_find(buf) == NULL, "redacted text still matches: %s", buf);
		}
		CHECK(uk_token_find(NULL) == NULL && uk_token_redact(NULL) == 0, "NULL");

		/* a generated token, in a statement, is gone after redaction */
		snprintf(buf, sizeof(buf), "SELECT upkeep.join_maintenance('%s'); SELECT 1", tok);
		CHECK(uk_token_find(buf) == buf + 32, "find a generated token");
		CHECK(uk_token_redact(buf) == 1 && strstr(buf, tok + 4) == NULL &&
			  strlen(buf) == 32 + UK_TOKEN_LEN + 12, "redact a generated token: %s", buf);
	}

	uk_error_free(err);
	return uk_test_done("test_token");
}
