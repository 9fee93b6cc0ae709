/*
 * Redis cache entries, which can be corrupt or written by another version: the
 * tenant entry (tenant_decode), the user entry (principal_user_decode) and the
 * session entry (session_entry_decode). Each decoder reads the whole input, and
 * an entry that decodes is encoded again and must decode to the same values.
 */
#include "auth/principal.h"
#include "auth/session.h"
#include "fuzz.h"
#include "tenant/tenant.h"

static int
same_string(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
check_tenant(struct arena *a, const uint8_t *data, size_t size)
{
    struct tenant t, again;
    char *text;
    size_t len;

    if (!tenant_decode(a, (const char *)data, size, &t))
        return;
    FUZZ_CHECK(t.id > 0);
    FUZZ_CHECK(t.status == TENANT_ACTIVE || t.status == TENANT_SUSPENDED ||
               t.status == TENANT_DELETED);
    FUZZ_CHECK(t.schema.ident == t.schema_ident && t.schema.tenant_id == t.id);

    text = tenant_encode(a, &t, &len);
    FUZZ_CHECK(text != NULL);
    FUZZ_CHECK(tenant_decode(a, text, len, &again));
    FUZZ_CHECK(again.id == t.id && again.status == t.status);
    FUZZ_CHECK(strcmp(again.slug, t.slug) == 0);
    FUZZ_CHECK(strcmp(again.display_name, t.display_name) == 0);
    FUZZ_CHECK(strcmp(again.schema_name, t.schema_name) == 0);
    FUZZ_CHECK(strcmp(again.schema_ident, t.schema_ident) == 0);
    FUZZ_CHECK(strcmp(again.code_prefix, t.code_prefix) == 0);
    FUZZ_CHECK(strcmp(again.prospect_prefix, t.prospect_prefix) == 0);
    FUZZ_CHECK(strcmp(again.case_prefix, t.case_prefix) == 0);
    FUZZ_CHECK(strcmp(again.time_zone, t.time_zone) == 0);
    FUZZ_CHECK(strcmp(again.currency, t.currency) == 0);
    FUZZ_CHECK(strcmp(again.country, t.country) == 0);
    FUZZ_CHECK(again.schema.version == t.schema.version);
}

static void
check_user(struct arena *a, const uint8_t *data, size_t size)
{
    struct principal_user u, again;
    char *text;
    size_t len;

    memset(&u, 0, sizeof(u));
    if (!principal_user_decode(a, (const char *)data, size, &u))
        return;
    FUZZ_CHECK(u.credential_version >= 0);
    FUZZ_CHECK(u.role_name != NULL && u.email != NULL && u.display_name != NULL);

    text = principal_user_encode(a, &u, &len);
    FUZZ_CHECK(text != NULL);
    memset(&again, 0, sizeof(again));
    FUZZ_CHECK(principal_user_decode(a, text, len, &again));
    FUZZ_CHECK(again.active == u.active);
    FUZZ_CHECK(again.credential_version == u.credential_version);
    FUZZ_CHECK(again.role_id == u.role_id);
    FUZZ_CHECK(again.granted == u.granted && again.own_only == u.own_only);
    FUZZ_CHECK(same_string(again.role_name, u.role_name));
    FUZZ_CHECK(same_string(again.email, u.email));
    FUZZ_CHECK(same_string(again.display_name, u.display_name));
}

static void
check_session(struct arena *a, const uint8_t *data, size_t size)
{
    struct session_entry e, again;
    char *text;
    size_t len;

    if (!session_entry_decode(a, (const char *)data, size, &e))
        return;
    text = session_entry_encode(a, &e, &len);
    FUZZ_CHECK(text != NULL && len == strlen(text));
    FUZZ_CHECK(session_entry_decode(a, text, len, &again));
    FUZZ_CHECK(again.session_id == e.session_id && again.user_id == e.user_id);
    FUZZ_CHECK(again.credential_version == e.credential_version);
    FUZZ_CHECK(again.expires_at == e.expires_at && again.idle_seconds == e.idle_seconds);
    FUZZ_CHECK(again.seen_at == e.seen_at);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct arena *a = fuzz_arena();

    check_tenant(a, data, size);
    check_user(a, data, size);
    check_session(a, data, size);
    return 0;
}
