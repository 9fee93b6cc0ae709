/*
 * Random bytes, digests and encodings over mbedTLS. The random generator is a
 * CTR_DRBG that must be seeded in each process after fork(), because mbedTLS does
 * not detect a fork and two processes would otherwise draw the same bytes.
 */
#ifndef LENDASTACK_CORE_CRYPTO_H
#define LENDASTACK_CORE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

#define CRYPTO_SHA256_LEN 32

/* Seeds this process's generator from the kernel; returns false on failure. */
bool crypto_random_init(void);

/* Fills buf with len random bytes; returns false if the generator failed. */
bool crypto_random(void *buf, size_t len);

/* Returns a new random token: bytes random bytes encoded as base64url. */
char *crypto_random_token(struct arena *a, size_t bytes);

void crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN]);

/* Returns the lower-case hex SHA-256 of a string. */
char *crypto_sha256_hex(struct arena *a, const char *s);

void crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                        uint8_t out[CRYPTO_SHA256_LEN]);

/* Compares in time independent of where the inputs differ. */
bool crypto_equal(const void *a, const void *b, size_t len);

/* Returns lower-case hex of len bytes. */
char *crypto_hex(struct arena *a, const uint8_t *data, size_t len);

/* Returns base64url without padding. */
char *crypto_base64url_encode(struct arena *a, const void *data, size_t len);

/* Decodes base64url (padding optional); returns NULL on malformed input. */
uint8_t *crypto_base64url_decode(struct arena *a, const char *s, size_t *len);

#endif
