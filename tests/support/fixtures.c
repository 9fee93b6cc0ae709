#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "tests/support/fixtures.h"

void
fx_init(struct fx_tenant *f, const char *prefix, const char *extra)
{
    th_tenant_create(&f->tenant, prefix, extra);
    th_client_init(&f->admin, &f->tenant);
    th_login_admin(&f->admin, &f->tenant);
}

struct th_response
fx_send(struct th_client *c, const char *method, const char *path, json_t *body,
        const char *now)
{
    char *text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
    char header[128];
    const char *headers[] = {header, NULL};
    struct th_response r;

    snprintf(header, sizeof(header), "%s: %s", CLOCK_TEST_HEADER, now != NULL ? now : "");
    r = th_request_typed(c, method, path, text, text != NULL ? strlen(text) : 0, NULL,
                         now != NULL ? headers : NULL);
    free(text);
    json_decref(body);
    return r;
}

struct th_response
fx_patch(struct th_client *c, const char *path, long long version, json_t *body,
         const char *now)
{
    struct th_response r;

    snprintf(c->if_match, sizeof(c->if_match), "\"%lld\"", version);
    r = fx_send(c, "PATCH", path, body, now);
    c->if_match[0] = '\0';
    return r;
}

/* Creates a person record at path and returns the member key of the response (malloc'd). */
static char *
fx_person(struct th_client *c, const char *path, const char *key, const char *first,
          const char *last)
{
    static int serial;
    struct th_response r;
    char *value;

    r = fx_send(c, "POST", path,
                json_pack("{s:s, s:s, s:s, s:s}", "kind", "person", "first_name", first,
                          "last_name", last, "email",
                          th_fmt("%s.%s.%d.%d@example.com", first, last, (int)getpid(), ++serial)),
                NULL);
    cr_assert_eq(r.status, 201, "create %s %s: %s", first, last, r.body);
    value = strdup(th_json_str(&r, key));
    th_response_free(&r);
    return value;
}

char *
fx_customer(struct th_client *c, const char *first, const char *last)
{
    return fx_person(c, "/api/v1/customers", "code", first, last);
}

char *
fx_prospect(struct th_client *c, const char *first, const char *last)
{
    return fx_person(c, "/api/v1/prospects", "reference", first, last);
}

char *
fx_case(struct th_client *c, const char *field, const char *key, const char *subject,
        const char *priority, const char *now)
{
    struct th_response r = fx_send(c, "POST", "/api/v1/cases",
                                   json_pack("{s:s, s:s, s:s}", field, key, "subject", subject,
                                             "priority", priority),
                                   now);
    char *number;

    cr_assert_eq(r.status, 201, "create case %s: %s", subject, r.body);
    number = strdup(th_json_str(&r, "number"));
    th_response_free(&r);
    return number;
}

/* Adds a user with the role of id role, sets the password with the tenant command and signs in. */
static long long
fx_user_with(struct fx_tenant *f, const char *name, long long role, struct th_client *c)
{
    char email[160], password[160], path[] = "/tmp/lendastack-password-XXXXXX";
    long long user;
    int fd;

    snprintf(email, sizeof(email), "%s@%s.test", name, f->tenant.slug);
    for (char *p = email; *p != '\0'; p++)
        *p = (char)tolower((unsigned char)*p);
    snprintf(password, sizeof(password), "pass-%s-%s", name, f->tenant.slug);
    user = th_sql_int(th_fmt("INSERT INTO \"%s\".users (email, email_key, display_name, role_id)"
                             " VALUES ($1, $1, $2, $3) RETURNING id",
                             f->tenant.schema),
                      email, name, th_fmt("%lld", role), NULL);
    fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, password, strlen(password)), (ssize_t)strlen(password));
    cr_assert_eq(write(fd, "\n", 1), 1);
    close(fd);
    cr_assert_eq(th_tenant_cmd(th_fmt("set-password %s %s < %s", f->tenant.slug, email, path),
                               NULL),
                 0);
    unlink(path);
    th_client_init(c, &f->tenant);
    cr_assert(th_login(c, email, password), "%s cannot sign in", email);
    return user;
}

long long
fx_user(struct fx_tenant *f, const char *name, const char *permissions, struct th_client *c)
{
    long long role = th_sql_int(th_fmt("INSERT INTO \"%s\".roles (name, permissions)"
                                       " VALUES ($1 || ' test role', $2::jsonb) RETURNING id",
                                       f->tenant.schema),
                                name, permissions, NULL);

    return fx_user_with(f, name, role, c);
}

long long
fx_user_in_role(struct fx_tenant *f, const char *name, const char *role, struct th_client *c)
{
    long long id = th_sql_int(th_fmt("SELECT id FROM \"%s\".roles WHERE name = $1",
                                     f->tenant.schema),
                              role, NULL);

    return fx_user_with(f, name, id, c);
}

json_t *
fx_path(json_t *v, const char *path)
{
    char key[128];

    while (v != NULL && *path != '\0') {
        size_t n = strcspn(path, ".");

        snprintf(key, sizeof(key), "%.*s", (int)n, path);
        v = json_is_array(v) ? json_array_get(v, (size_t)atoi(key)) : json_object_get(v, key);
        path += n;
        if (*path == '.')
            path++;
    }
    return v;
}

bool
fx_has(const struct th_response *r, const char *path, const char *key, const char *value)
{
    json_t *item;
    size_t i;

    json_array_foreach(fx_path(r->json, path), i, item)
    {
        const char *v = json_string_value(json_object_get(item, key));

        if (v != NULL && strcmp(v, value) == 0)
            return true;
    }
    return false;
}
