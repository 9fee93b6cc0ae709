#include <argon2.h>
#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "core/crypto.h"

#define ARGON2_MEMORY_KIB 19456
#define ARGON2_PASSES 2
#define ARGON2_LANES 1
#define ARGON2_SALT_BYTES 16
#define ARGON2_HASH_BYTES 32

static char dummy_hash[160];

char *
password_hash(struct arena *a, const char *password)
{
    uint8_t salt[ARGON2_SALT_BYTES];
    size_t encoded_len = argon2_encodedlen(ARGON2_PASSES, ARGON2_MEMORY_KIB, ARGON2_LANES,
                                           ARGON2_SALT_BYTES, ARGON2_HASH_BYTES, Argon2_id);
    char *encoded = arena_alloc(a, encoded_len);

    if (!crypto_random(salt, sizeof(salt)))
        return NULL;
    if (argon2id_hash_encoded(ARGON2_PASSES, ARGON2_MEMORY_KIB, ARGON2_LANES, password,
                              strlen(password), salt, sizeof(salt), ARGON2_HASH_BYTES, encoded,
                              encoded_len) != ARGON2_OK)
        return NULL;
    return encoded;
}

bool
password_verify(const char *encoded, const char *password)
{
    if (encoded == NULL || strncmp(encoded, "$argon2id$", 10) != 0)
        return false;
    return argon2id_verify(encoded, password, strlen(password)) == ARGON2_OK;
}

bool
password_needs_rehash(const char *encoded)
{
    int version, memory, passes, lanes;

    if (encoded == NULL ||
        sscanf(encoded, "$argon2id$v=%d$m=%d,t=%d,p=%d$", &version, &memory, &passes, &lanes) != 4)
        return true;
    return version != ARGON2_VERSION_NUMBER || memory != ARGON2_MEMORY_KIB ||
           passes != ARGON2_PASSES || lanes != ARGON2_LANES;
}

void
password_verify_dummy(const char *password)
{
    if (dummy_hash[0] == '\0') {
        struct arena a;
        char *made;

        arena_init(&a, 1024);
        made = password_hash(&a, "lendastack-timing-equaliser");
        if (made != NULL)
            snprintf(dummy_hash, sizeof(dummy_hash), "%s", made);
        arena_destroy(&a);
    }
    (void)password_verify(dummy_hash, password);
}
