#include <mbedtls/base64.h>
#include <mbedtls/constant_time.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/md.h>
#include <mbedtls/sha256.h>
#include <string.h>
#include <unistd.h>

#include "core/crypto.h"

static mbedtls_entropy_context crypto_entropy;
static mbedtls_ctr_drbg_context crypto_drbg;
static pid_t crypto_seeded_pid;

bool
crypto_random_init(void)
{
    static const char personalization[] = "lendastack";
    pid_t pid = getpid();

    if (crypto_seeded_pid != 0) {
        mbedtls_ctr_drbg_free(&crypto_drbg);
        mbedtls_entropy_free(&crypto_entropy);
    }
    mbedtls_entropy_init(&crypto_entropy);
    mbedtls_ctr_drbg_init(&crypto_drbg);
    /* The pid in the personalization string separates forks even if seeding repeats. */
    unsigned char custom[sizeof(personalization) + sizeof(pid)];
    memcpy(custom, personalization, sizeof(personalization));
    memcpy(custom + sizeof(personalization), &pid, sizeof(pid));
    if (mbedtls_ctr_drbg_seed(&crypto_drbg, mbedtls_entropy_func, &crypto_entropy, custom,
                              sizeof(custom)) != 0) {
        crypto_seeded_pid = 0;
        return false;
    }
    mbedtls_ctr_drbg_set_prediction_resistance(&crypto_drbg, MBEDTLS_CTR_DRBG_PR_OFF);
    crypto_seeded_pid = pid;
    return true;
}

bool
crypto_random(void *buf, size_t len)
{
    unsigned char *p = buf;

    /* A fork without a new seed would repeat the parent's stream: reseed instead. */
    if (crypto_seeded_pid != getpid() && !crypto_random_init())
        return false;
    while (len > 0) {
        size_t n = len > MBEDTLS_CTR_DRBG_MAX_REQUEST ? MBEDTLS_CTR_DRBG_MAX_REQUEST : len;

        if (mbedtls_ctr_drbg_random(&crypto_drbg, p, n) != 0)
            return false;
        p += n;
        len -= n;
    }
    return true;
}

char *
crypto_random_token(struct arena *a, size_t bytes)
{
    uint8_t raw[64];

    if (bytes > sizeof(raw) || !crypto_random(raw, bytes))
        return NULL;
    return crypto_base64url_encode(a, raw, bytes);
}

void
crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN])
{
    mbedtls_sha256_ret(data, len, out, 0);
}

char *
crypto_sha256_hex(struct arena *a, const char *s)
{
    uint8_t digest[CRYPTO_SHA256_LEN];

    crypto_sha256(s, strlen(s), digest);
    return crypto_hex(a, digest, sizeof(digest));
}

void
crypto_hmac_sha256(const void *key, size_t key_len, const void *data, size_t len,
                   uint8_t out[CRYPTO_SHA256_LEN])
{
    mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, key_len, data, len, out);
}

bool
crypto_equal(const void *a, const void *b, size_t len)
{
    return mbedtls_ct_memcmp(a, b, len) == 0;
}

char *
crypto_hex(struct arena *a, const uint8_t *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *out = arena_alloc(a, len * 2 + 1);

    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0x0f];
    }
    out[len * 2] = '\0';
    return out;
}

char *
crypto_base64url_encode(struct arena *a, const void *data, size_t len)
{
    size_t cap = 4 * ((len + 2) / 3) + 1;
    size_t written = 0;
    char *out = arena_alloc(a, cap);

    if (mbedtls_base64_encode((unsigned char *)out, cap, &written, data, len) != 0)
        return NULL;
    while (written > 0 && out[written - 1] == '=')
        written--;
    out[written] = '\0';
    for (char *p = out; *p != '\0'; p++) {
        if (*p == '+')
            *p = '-';
        else if (*p == '/')
            *p = '_';
    }
    return out;
}

uint8_t *
crypto_base64url_decode(struct arena *a, const char *s, size_t *len)
{
    size_t n = strlen(s);
    size_t padded = (n + 3) / 4 * 4;
    char *std;
    uint8_t *out;
    size_t written = 0;

    if (n % 4 == 1 || n > 1 << 20)
        return NULL;
    std = arena_alloc(a, padded + 1);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];

        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (c == '+' || c == '/')
            return NULL;
        std[i] = c;
    }
    for (size_t i = n; i < padded; i++)
        std[i] = '=';
    std[padded] = '\0';
    out = arena_alloc(a, padded / 4 * 3 + 1);
    if (mbedtls_base64_decode(out, padded / 4 * 3 + 1, &written, (const unsigned char *)std,
                              padded) != 0)
        return NULL;
    *len = written;
    return out;
}
