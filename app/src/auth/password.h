/*
 * Password hashing with Argon2id (libargon2) at the OWASP Password Storage Cheat
 * Sheet's first setting: 19 MiB of memory, 2 passes, 1 lane. Hashes are stored in
 * the standard encoded form ($argon2id$v=19$m=19456,t=2,p=1$salt$hash), so a hash
 * made with weaker parameters is recognised and replaced at the next sign-in.
 */
#ifndef LENDASTACK_AUTH_PASSWORD_H
#define LENDASTACK_AUTH_PASSWORD_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"

#define PASSWORD_MIN_CHARS 10
#define PASSWORD_MAX_CHARS 256

/* Returns a new encoded hash, or NULL if hashing failed. CPU cost: tens of ms. */
char *password_hash(struct arena *a, const char *password);

/* Checks a password against an encoded hash; false for a malformed hash. */
bool password_verify(const char *encoded, const char *password);

/* True when the hash was made with other parameters than the current ones. */
bool password_needs_rehash(const char *encoded);

/*
 * Spends the time of one verification without a real hash, so that a sign-in
 * with an unknown email takes as long as one with a wrong password.
 */
void password_verify_dummy(const char *password);

#endif
