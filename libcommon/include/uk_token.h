/*
 * uk_token.h
 *		Join tokens for a maintenance window.
 *
 * A token is "uk1-" followed by 64 lower-case hex digits (32 bytes from the
 * operating system's strong random source, getrandom(2)).  Only its SHA-256
 * is ever stored; verification compares hashes in constant time.
 */
#ifndef UK_TOKEN_H
#define UK_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "uk_error.h"
#include "uk_sha256.h"

#define UK_TOKEN_PREFIX "uk1-"
#define UK_TOKEN_LEN (4 + 64)	/* without the terminating NUL */

/*
 * Generate a new token into out (UK_TOKEN_LEN + 1 bytes, NUL-terminated) and
 * its hash into hash.  Fails only if the random source fails (UK_ERR_IO).
 */
extern UkStatus uk_token_generate(char out[UK_TOKEN_LEN + 1],
								  uint8_t hash[UK_SHA256_LEN],
								  UkError **err);

/* Hash of an arbitrary token string (NULL is treated as ""). */
extern void uk_token_hash(const char *token, uint8_t hash[UK_SHA256_LEN]);

/*
 * True when token hashes to expected.  The comparison of the hashes takes the
 * same time whatever the input; NULL or a malformed token is simply false.
 */
extern bool uk_token_verify(const char *token,
							const uint8_t expected[UK_SHA256_LEN]);

/*
 * Redaction of tokens in text the server would log or show (a statement
 * that called join_maintenance('uk1-...'), an error about it).  A token is
 * found as "uk1-" followed by at least UK_TOKEN_REDACT_MIN lower-case hex
 * digits, so that a token cut short (a truncated query text) is found too.
 * uk_token_find() returns a pointer to the first such match or NULL;
 * uk_token_redact() overwrites the hex digits of every match with '*' in
 * place (the length never changes) and returns the number of matches.
 * Neither allocates, so both are safe in error handling.  NULL is no match.
 */
#define UK_TOKEN_REDACT_MIN 8

extern const char *uk_token_find(const char *s);
extern int	uk_token_redact(char *s);

/* Constant-time equality of two byte strings of length len. */
extern bool uk_ct_equal(const void *a, const void *b, size_t len);

#endif							/* UK_TOKEN_H */
