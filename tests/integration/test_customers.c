/*
 * Customers and prospects through the API: duplicates, codes, concurrency,
 * optimistic locking, conversion, tenant isolation, search, pagination,
 * Unicode, archiving, idempotency, visibility and the sample CSV files.
 */
#include <criterion/criterion.h>
#include <csv.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/iso.h"
#include "tests/support/harness.h"

/* A tenant with its administrator signed in. */
struct fixture {
    struct th_tenant tenant;
    struct th_client admin;
};

static void
fixture_init(struct fixture *f, const char *prefix)
{
    th_tenant_create(&f->tenant, prefix, NULL);
    th_client_init(&f->admin, &f->tenant);
    th_login_admin(&f->admin, &f->tenant);
}

/* Sends body (a JSON value built by the caller) and frees it. */
static struct th_response
send_json(struct th_client *c, const char *method, const char *path, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    struct th_response r = th_request(c, method, path, text);

    free(text);
    json_decref(body);
    return r;
}

/* Creates a person customer and returns its code (malloc'd); fails the test otherwise. */
static char *
create_person(struct th_client *c, const char *first, const char *last, const char *email)
{
    struct th_response r = send_json(c, "POST", "/api/v1/customers",
                                     json_pack("{s:s, s:s, s:s, s:s}", "kind", "person",
                                               "first_name", first, "last_name", last, "email",
                                               email));
    char *code;

    cr_assert_eq(r.status, 201, "create %s %s: %s", first, last, r.body);
    code = strdup(th_json_str(&r, "code"));
    th_response_free(&r);
    return code;
}

/*
 * Adds a user with a new role granting permissions (JSON text) and signs them in
 * on c. The user is inserted as invited, and the tenant command sets the password.
 */
static long long
add_user(struct fixture *f, const char *name, const char *permissions, struct th_client *c)
{
    char email[160], password[160], path[] = "/tmp/lendastack-password-XXXXXX";
    long long role, user;
    int fd;

    snprintf(email, sizeof(email), "%s@%s.test", name, f->tenant.slug);
    snprintf(password, sizeof(password), "pass-%s-%s", name, f->tenant.slug);
    role = th_sql_int(th_fmt("INSERT INTO \"%s\".roles (name, permissions)"
                             " VALUES ($1 || ' test role', $2::jsonb) RETURNING id", f->tenant.schema),
                      name, permissions, NULL);
    user = th_sql_int(th_fmt("INSERT INTO \"%s\".users (email, email_key, display_name, role_id)"
                             " VALUES ($1, $1, $2, $3) RETURNING id", f->tenant.schema),
                      email, name, th_fmt("%lld", role), NULL);
    fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, password, strlen(password)), (ssize_t)strlen(password));
    cr_assert_eq(write(fd, "\n", 1), 1);
    close(fd);
    cr_assert_eq(th_tenant_cmd(th_fmt("set-password %s %s < %s", f->tenant.slug, email, path), NULL), 0);
    unlink(path);
    th_client_init(c, &f->tenant);
    cr_assert(th_login(c, email, password), "%s cannot sign in", email);
    return user;
}

static long long
count_of(struct th_client *c, const char *path)
{
    struct th_response r = th_request(c, "GET", path, NULL);
    long long n;

    cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
    n = th_json_int(&r, "count");
    th_response_free(&r);
    return n;
}

/* True when the list at path has an item whose member key equals value. */
static bool
list_has(struct th_client *c, const char *path, const char *key, const char *value)
{
    struct th_response r = th_request(c, "GET", path, NULL);
    json_t *items, *item;
    size_t i;
    bool found = false;

    cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
    items = json_object_get(r.json, "items");
    json_array_foreach(items, i, item) {
        const char *v = json_string_value(json_object_get(item, key));

        found = found || (v != NULL && strcmp(v, value) == 0);
    }
    th_response_free(&r);
    return found;
}

/* Returns the value at a dotted path such as "items.0.changes", or NULL when absent. */
static json_t *
json_path(json_t *v, const char *path)
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

static const char *
first_error(const struct th_response *r, const char *member)
{
    return th_json_str(r, th_fmt("errors.0.%s", member));
}

Test(customers, duplicate_email_and_phone_rejected)
{
    struct fixture f;
    struct th_response r;
    char *first, *second;

    fixture_init(&f, "dup");
    first = create_person(&f.admin, "Lena", "Voss", "Lena.Voss@Example.com");
    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:s}", "kind", "person", "first_name", "Lena",
                            "last_name", "Voss", "email", " lena.voss@example.COM "));
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "code"), "possible_duplicate");
    cr_assert_str_eq(th_json_str(&r, "matches.0.code"), first);
    cr_assert_str_eq(th_json_str(&r, "matches.0.matched_on.0"), "email");
    th_response_free(&r);

    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:[{s:s}]}", "kind", "person", "first_name", "Max",
                            "last_name", "Roth", "phones", "number", "+44 20 7946 0123"));
    cr_assert_eq(r.status, 201, "%s", r.body);
    second = strdup(th_json_str(&r, "code"));
    cr_assert_str_eq(th_json_str(&r, "phones.0.e164"), "+442079460123");
    th_response_free(&r);

    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:[{s:s}]}", "kind", "person", "first_name", "Max",
                            "last_name", "Roth", "phones", "number", "+44-20-7946-0123"));
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "matches.0.code"), second);
    cr_assert_str_eq(th_json_str(&r, "matches.0.matched_on.0"), "phone");
    th_response_free(&r);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 2, "a rejected duplicate is not stored");

    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:[{s:s}], s:b}", "kind", "person", "first_name",
                            "Max", "last_name", "Roth", "phones", "number", "+44-20-7946-0123",
                            "allow_duplicate", 1));
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "phones.0.number"), "+44-20-7946-0123", "the typed form is kept");
    th_response_free(&r);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 3);
    free(first);
    free(second);
}

Test(customers, duplicate_registration_number_rejected)
{
    struct fixture f;
    struct th_response r;

    fixture_init(&f, "dupreg");
    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:s}", "kind", "business", "legal_name", "Acme GmbH",
                            "registration_number", "HRB 12345", "website", "https://acme.example/"));
    cr_assert_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);
    r = send_json(&f.admin, "POST", "/api/v1/prospects",
                  json_pack("{s:s, s:s, s:s, s:s}", "kind", "business", "legal_name", "ACME",
                            "registration_number", "hrb-12345", "website", "acme2.example"));
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "matches.0.code"), "CUS-000001");
    cr_assert_str_eq(th_json_str(&r, "matches.0.matched_on.0"), "registration_number");
    th_response_free(&r);
}

#define CONCURRENT_CREATES 50

struct create_job {
    struct th_client client;
    int index;
    long status;
    char code[32];
};

static void *
create_run(void *arg)
{
    struct create_job *job = arg;
    char body[256];
    struct th_response r;

    snprintf(body, sizeof(body),
             "{\"kind\":\"person\",\"first_name\":\"Parallel\",\"last_name\":\"Number %d\","
             "\"email\":\"parallel%d@example.com\"}", job->index, job->index);
    r = th_request(&job->client, "POST", "/api/v1/customers", body);
    job->status = r.status;
    if (r.status == 201 && th_json_str(&r, "code") != NULL)
        snprintf(job->code, sizeof(job->code), "%s", th_json_str(&r, "code"));
    th_response_free(&r);
    return NULL;
}

Test(customers, concurrent_creates_get_distinct_codes, .timeout = 120)
{
    static struct create_job jobs[CONCURRENT_CREATES];
    pthread_t threads[CONCURRENT_CREATES];
    bool seen[CONCURRENT_CREATES + 1] = {false};
    struct fixture f;

    fixture_init(&f, "par");
    for (int i = 0; i < CONCURRENT_CREATES; i++) {
        jobs[i].client = f.admin;
        jobs[i].index = i;
        cr_assert_eq(pthread_create(&threads[i], NULL, create_run, &jobs[i]), 0);
    }
    for (int i = 0; i < CONCURRENT_CREATES; i++)
        pthread_join(threads[i], NULL);
    for (int i = 0; i < CONCURRENT_CREATES; i++) {
        int number = 0;

        cr_assert_eq(jobs[i].status, 201, "create %d answered %ld", i, jobs[i].status);
        cr_assert_eq(sscanf(jobs[i].code, "CUS-%6d", &number), 1, "code %s", jobs[i].code);
        cr_assert(number >= 1 && number <= CONCURRENT_CREATES, "code %s out of range", jobs[i].code);
        cr_assert_not(seen[number], "code %s given twice", jobs[i].code);
        seen[number] = true;
    }
}

struct same_email_job {
    struct th_client client;
    int index;
    long status;
};

static void *
same_email_run(void *arg)
{
    struct same_email_job *job = arg;
    char body[256];
    struct th_response r;

    snprintf(body, sizeof(body),
             "{\"kind\":\"person\",\"first_name\":\"Twin\",\"last_name\":\"%d\","
             "\"email\":\"%s@example.com\"}", job->index, job->index % 2 == 0 ? "twin" : "TWIN");
    r = th_request(&job->client, "POST", "/api/v1/customers", body);
    job->status = r.status;
    th_response_free(&r);
    return NULL;
}

Test(customers, concurrent_duplicates_create_one, .timeout = 120)
{
    struct same_email_job jobs[8];
    pthread_t threads[8];
    struct fixture f;
    int created = 0, rejected = 0;

    fixture_init(&f, "twin");
    for (int i = 0; i < 8; i++) {
        jobs[i].client = f.admin;
        jobs[i].index = i;
        cr_assert_eq(pthread_create(&threads[i], NULL, same_email_run, &jobs[i]), 0);
    }
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        created += jobs[i].status == 201;
        rejected += jobs[i].status == 409;
    }
    cr_assert_eq(created, 1, "%d creates with one email passed the duplicate check", created);
    cr_assert_eq(rejected, 7);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 1);
}

struct patch_job {
    struct th_client client;
    const char *path;
    const char *body;
    long status;
};

static void *
patch_run(void *arg)
{
    struct patch_job *job = arg;
    struct th_response r = th_request(&job->client, "PATCH", job->path, job->body);

    job->status = r.status;
    th_response_free(&r);
    return NULL;
}

Test(customers, stale_if_match_loses)
{
    struct fixture f;
    struct patch_job jobs[2];
    pthread_t threads[2];
    struct th_response r;
    char *code, *etag;
    const char *path;
    const char *winner;

    fixture_init(&f, "etag");
    code = create_person(&f.admin, "Original", "Name", "original@example.com");
    path = strdup(th_fmt("/api/v1/customers/%s", code));
    r = th_request(&f.admin, "GET", path, NULL);
    etag = th_header(&r, "ETag");
    cr_assert_str_eq(etag, "\"1\"");
    th_response_free(&r);

    r = th_request(&f.admin, "PATCH", path, "{\"first_name\":\"NoHeader\"}");
    cr_assert_eq(r.status, 428, "%s", r.body);
    th_response_free(&r);

    for (int i = 0; i < 2; i++) {
        jobs[i].client = f.admin;
        snprintf(jobs[i].client.if_match, sizeof(jobs[i].client.if_match), "%s", etag);
        jobs[i].path = path;
        jobs[i].body = i == 0 ? "{\"first_name\":\"Alpha\"}" : "{\"first_name\":\"Beta\"}";
        cr_assert_eq(pthread_create(&threads[i], NULL, patch_run, &jobs[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    cr_assert((jobs[0].status == 200 && jobs[1].status == 412) ||
              (jobs[0].status == 412 && jobs[1].status == 200),
              "answers %ld and %ld", jobs[0].status, jobs[1].status);
    winner = jobs[0].status == 200 ? "Alpha" : "Beta";

    r = th_request(&f.admin, "GET", path, NULL);
    cr_assert_str_eq(th_json_str(&r, "first_name"), winner, "the first change is intact");
    cr_assert_eq(th_json_int(&r, "version"), 2);
    th_response_free(&r);

    snprintf(f.admin.if_match, sizeof(f.admin.if_match), "%s", etag);
    r = th_request(&f.admin, "PATCH", path, "{\"first_name\":\"Late\"}");
    cr_assert_eq(r.status, 412, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "current_version"), 2);
    th_response_free(&r);
    f.admin.if_match[0] = '\0';
    r = th_request(&f.admin, "GET", path, NULL);
    cr_assert_str_eq(th_json_str(&r, "first_name"), winner, "a stale change writes nothing");
    th_response_free(&r);
    free(etag);
    free(code);
}

Test(customers, patch_absent_keeps_null_clears)
{
    struct fixture f;
    struct th_response r;

    fixture_init(&f, "patch");
    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:[s]}", "kind", "person",
                            "first_name", "Pat", "last_name", "Ch", "email", "pat@example.com",
                            "occupation", "Baker", "address", "city", "Bern", "country", "ch",
                            "tags", "gold"));
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "address.country"), "CH");
    th_response_free(&r);

    snprintf(f.admin.if_match, sizeof(f.admin.if_match), "\"1\"");
    r = th_request(&f.admin, "PATCH", "/api/v1/customers/CUS-000001",
                   "{\"occupation\":null,\"address\":{\"postal_code\":\"3011\"}}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(json_is_null(json_object_get(r.json, "occupation")), "null clears");
    cr_assert_str_eq(th_json_str(&r, "address.city"), "Bern", "absent members stay");
    cr_assert_str_eq(th_json_str(&r, "address.postal_code"), "3011");
    cr_assert_str_eq(th_json_str(&r, "tags.0"), "gold");
    cr_assert_str_eq(th_json_str(&r, "email"), "pat@example.com");
    th_response_free(&r);

    snprintf(f.admin.if_match, sizeof(f.admin.if_match), "\"2\"");
    r = th_request(&f.admin, "PATCH", "/api/v1/customers/CUS-000001", "{\"last_name\":null}");
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "last_name");
    cr_assert_str_eq(first_error(&r, "rule"), "required");
    th_response_free(&r);
    r = th_request(&f.admin, "PATCH", "/api/v1/customers/CUS-000001", "{\"email\":null}");
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "rule"), "contact_channel");
    th_response_free(&r);
    r = th_request(&f.admin, "PATCH", "/api/v1/customers/CUS-000001", "{\"kind\":\"business\"}");
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "kind");
    th_response_free(&r);
    r = th_request(&f.admin, "PATCH", "/api/v1/customers/CUS-000001", "{\"legal_name\":\"X\"}");
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "legal_name");
    cr_assert_str_eq(first_error(&r, "rule"), "unknown");
    th_response_free(&r);
    f.admin.if_match[0] = '\0';
    r = th_request(&f.admin, "GET", "/api/v1/customers/CUS-000001", NULL);
    cr_assert_eq(th_json_int(&r, "version"), 2, "rejected changes write nothing");
    th_response_free(&r);
}

struct convert_job {
    struct th_client client;
    const char *path;
    long status;
};

static void *
convert_run(void *arg)
{
    struct convert_job *job = arg;
    struct th_response r = th_request(&job->client, "POST", job->path, NULL);

    job->status = r.status;
    th_response_free(&r);
    return NULL;
}

Test(customers, concurrent_conversion_converts_once)
{
    struct fixture f;
    struct convert_job jobs[2];
    pthread_t threads[2];
    struct th_client viewer;
    struct th_response r;

    fixture_init(&f, "conv");
    r = send_json(&f.admin, "POST", "/api/v1/prospects",
                  json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", "person", "first_name", "Pia",
                            "last_name", "Lund", "email", "pia@example.com", "lead_stage",
                            "Proposal Sent"));
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "reference"), "PRO-000001");
    th_response_free(&r);

    for (int i = 0; i < 2; i++) {
        jobs[i].client = f.admin;
        jobs[i].path = "/api/v1/prospects/PRO-000001/convert";
        cr_assert_eq(pthread_create(&threads[i], NULL, convert_run, &jobs[i]), 0);
    }
    for (int i = 0; i < 2; i++)
        pthread_join(threads[i], NULL);
    cr_assert((jobs[0].status == 200 && jobs[1].status == 409) ||
              (jobs[0].status == 409 && jobs[1].status == 200),
              "answers %ld and %ld", jobs[0].status, jobs[1].status);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".customers WHERE lifecycle = 'customer'",
                                   f.tenant.schema), NULL), 1);
    cr_assert_eq(th_sql_int(th_fmt("SELECT last_value FROM \"%s\".customer_code_seq", f.tenant.schema),
                            NULL), 1, "one code was drawn");

    r = th_request(&f.admin, "GET", "/api/v1/customers/CUS-000001", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "reference"), "PRO-000001", "the reference stays");
    cr_assert_str_eq(th_json_str(&r, "lifecycle"), "customer");
    cr_assert_str_eq(th_json_str(&r, "lead_stage"), "Proposal Sent");
    cr_assert_eq(th_json_int(&r, "id"), 1, "the id stays");
    th_response_free(&r);
    cr_assert(list_has(&f.admin, "/api/v1/customers/CUS-000001/history", "action", "prospect.created"),
              "the history carries over");

    r = send_json(&f.admin, "POST", "/api/v1/prospects",
                  json_pack("{s:s, s:s, s:s, s:s}", "kind", "person", "first_name", "Ola",
                            "last_name", "Berg", "email", "ola@example.com"));
    th_response_free(&r);
    add_user(&f, "viewer", "{\"customers.view\":\"all\",\"prospects.view\":\"all\"}", &viewer);
    r = th_request(&viewer, "POST", "/api/v1/prospects/PRO-000002/convert", NULL);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "prospects.convert");
    th_response_free(&r);
}

Test(customers, code_sequences_count_per_tenant)
{
    struct fixture a, b;
    char *code_a, *code_b;

    fixture_init(&a, "seq-a");
    fixture_init(&b, "seq-b");
    code_a = create_person(&a.admin, "Ann", "A", "ann@example.com");
    code_b = create_person(&b.admin, "Bo", "B", "bo@example.com");
    cr_assert_str_eq(code_a, "CUS-000001");
    cr_assert_str_eq(code_b, "CUS-000001");
    cr_assert_eq(th_sql_int(th_fmt("SELECT last_value FROM \"%s\".customer_code_seq", a.tenant.schema),
                            NULL), 1);
    cr_assert_eq(th_sql_int(th_fmt("SELECT last_value FROM \"%s\".customer_code_seq", b.tenant.schema),
                            NULL), 1);
    free(code_a);
    free(code_b);
}

Test(customers, tenants_never_see_each_other)
{
    struct fixture a, b;
    struct th_client stolen;
    struct th_response r;
    char *code;

    fixture_init(&a, "iso-a");
    fixture_init(&b, "iso-b");
    free(create_person(&a.admin, "Alice", "Anders", "alice@example.com"));
    free(create_person(&b.admin, "Bob", "Berg", "bob@example.com"));
    code = create_person(&b.admin, "Bea", "Brandt", "bea@example.com");
    cr_assert_str_eq(code, "CUS-000002");

    /* A's session cookie means nothing on B's host. */
    th_client_init(&stolen, &b.tenant);
    memcpy(stolen.cookie, a.admin.cookie, sizeof(stolen.cookie));
    memcpy(stolen.csrf, a.admin.csrf, sizeof(stolen.csrf));
    r = th_request(&stolen, "GET", "/api/v1/customers/CUS-000001", NULL);
    cr_assert_eq(r.status, 401, "%s", r.body);
    th_response_free(&r);

    /* The same code in A is A's record, and a code only B has is not found. */
    r = th_request(&a.admin, "GET", "/api/v1/customers/CUS-000001", NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "last_name"), "Anders");
    cr_assert_eq(th_json_int(&r, "id"), 1);
    th_response_free(&r);
    r = th_request(&a.admin, "GET", "/api/v1/customers/CUS-000002", NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    cr_assert(strstr(r.body, "Brandt") == NULL);
    th_response_free(&r);

    snprintf(a.admin.if_match, sizeof(a.admin.if_match), "\"1\"");
    r = th_request(&a.admin, "PATCH", "/api/v1/customers/CUS-000001", "{\"last_name\":\"Changed\"}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = th_request(&a.admin, "PATCH", "/api/v1/customers/CUS-000002", "{\"last_name\":\"Changed\"}");
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    r = th_request(&b.admin, "GET", "/api/v1/customers/CUS-000001", NULL);
    cr_assert_str_eq(th_json_str(&r, "last_name"), "Berg", "B's record is untouched");
    cr_assert_eq(th_json_int(&r, "version"), 1);
    th_response_free(&r);

    cr_assert_not(list_has(&a.admin, "/api/v1/customers?q=berg", "last_name", "Berg"));
    cr_assert_eq(count_of(&a.admin, "/api/v1/customers/count"), 1);

    /* A record id of B names nothing in A. */
    a.admin.if_match[0] = '\0';
    r = send_json(&a.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:[{s:i, s:s}]}", "kind", "business", "legal_name",
                            "Anders AG", "website", "anders.example", "contacts", "customer_id", 2,
                            "role", "Director"));
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "contacts[0].customer_id");
    cr_assert_str_eq(first_error(&r, "rule"), "exists");
    th_response_free(&r);
    free(code);
}

Test(customers, search_folds_case_and_accents)
{
    struct fixture f;
    struct th_response r;

    fixture_init(&f, "srch");
    free(create_person(&f.admin, "Lena", "M\xc3\xbcller", "lena@example.com"));
    free(create_person(&f.admin, "Otto", "Mahler", "otto@example.com"));
    cr_assert(list_has(&f.admin, "/api/v1/customers?q=muller", "email", "lena@example.com"));
    cr_assert(list_has(&f.admin, "/api/v1/customers?q=M%C3%9CLLER", "email", "lena@example.com"));
    cr_assert(list_has(&f.admin, "/api/v1/customers?q=cus-000001", "email", "lena@example.com"));
    cr_assert_not(list_has(&f.admin, "/api/v1/customers?q=muller", "email", "otto@example.com"));
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?q=LENA"), 1);

    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:[{s:s}]}", "kind", "person", "first_name", "Phil",
                            "last_name", "Phone", "phones", "number", "+44 20 7946 0123"));
    cr_assert_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);
    cr_assert(list_has(&f.admin, "/api/v1/customers?q=79460123", "last_name", "Phone"));
    cr_assert(list_has(&f.admin, "/api/v1/customers?q=020%207946%200123", "last_name", "Phone"),
              "the national format finds the number");
    cr_assert(list_has(&f.admin, "/api/v1/customers?q=%2B44-20-7946", "last_name", "Phone"));
}

Test(customers, search_is_literal)
{
    struct fixture f;
    const char *names[] = {"100% Organic Ltd", "1000 Organic Ltd", "A_B Trading", "AxB Trading",
                           "Back\\slash Ltd", "Backslash Ltd"};

    fixture_init(&f, "lit");
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        struct th_response r = send_json(&f.admin, "POST", "/api/v1/customers",
                                         json_pack("{s:s, s:s, s:s}", "kind", "business",
                                                   "legal_name", names[i], "website",
                                                   th_fmt("site%zu.example", i)));

        cr_assert_eq(r.status, 201, "%s", r.body);
        th_response_free(&r);
    }
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?q=100%25"), 1);
    cr_assert(list_has(&f.admin, "/api/v1/customers?q=100%25", "legal_name", "100% Organic Ltd"));
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?q=%25"), 1);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?q=a_b"), 1);
    cr_assert(list_has(&f.admin, "/api/v1/customers?q=a_b", "legal_name", "A_B Trading"));
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?q=_"), 1);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?q=k%5Cs"), 1);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?q=organic"), 2);
}

/* Walks every page of path (which has no cursor yet) and counts how often each id appears. */
static int
walk_pages(struct th_client *c, const char *list_path, int *seen, int seen_size, struct fixture *f,
           int insert_between)
{
    char cursor[2048] = "", path[512];
    int pages = 0;

    snprintf(path, sizeof(path), "%s", list_path);
    for (;;) {
        struct th_response r = th_request(c, "GET",
                                          cursor[0] != '\0' ? th_fmt("%s&cursor=%s", path, cursor)
                                                            : path, NULL);
        json_t *item, *next;
        size_t i;

        cr_assert_eq(r.status, 200, "%s: %s", path, r.body);
        json_array_foreach(json_object_get(r.json, "items"), i, item) {
            long long id = json_integer_value(json_object_get(item, "id"));

            cr_assert(id > 0 && id < seen_size);
            seen[id]++;
        }
        next = json_object_get(r.json, "next_cursor");
        pages++;
        if (json_is_null(next)) {
            th_response_free(&r);
            return pages;
        }
        snprintf(cursor, sizeof(cursor), "%s", json_string_value(next));
        th_response_free(&r);
        /* Records inserted between pages must not shift the remaining pages. */
        for (int k = 0; k < insert_between; k++)
            free(create_person(&f->admin, "Same", "Name",
                               th_fmt("inserted%d-%d@example.com", pages, k)));
    }
}

Test(customers, pagination_returns_each_record_once, .timeout = 180)
{
    static const char *const orders[] = {"name", "-name", "-created_at", "created_at", "code",
                                         "-updated_at"};
    struct fixture f;
    int seen[400];

    fixture_init(&f, "page");
    for (int i = 0; i < 120; i++)
        free(create_person(&f.admin, "Same", "Name", th_fmt("same%d@example.com", i)));
    for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
        int pages;

        memset(seen, 0, sizeof(seen));
        pages = walk_pages(&f.admin, th_fmt("/api/v1/customers?limit=50&sort=%s", orders[o]), seen,
                           400, &f, o == 0 ? 3 : 0);
        cr_assert_geq(pages, 3, "sort %s: %d pages", orders[o], pages);
        for (int id = 1; id <= 120; id++)
            cr_assert_eq(seen[id], 1, "sort %s: record %d seen %d times", orders[o], id, seen[id]);
        for (int id = 121; id < 400; id++)
            cr_assert_leq(seen[id], 1, "sort %s: record %d seen %d times", orders[o], id, seen[id]);
    }
}

Test(customers, list_parameters_checked)
{
    struct fixture f;
    const char *const cases[][2] = {
        {"/api/v1/customers?sort=email", "sort"},       {"/api/v1/customers?limit=500", "limit"},
        {"/api/v1/customers?cursor=xyz", "cursor"},     {"/api/v1/customers?kind=robot", "kind"},
        {"/api/v1/customers?status=open", "status"},    {"/api/v1/customers?owner=abc", "owner"},
        {"/api/v1/customers?created_from=yesterday", "created_from"},
        {"/api/v1/customers?colour=red", "colour"},
    };

    fixture_init(&f, "params");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct th_response r = th_request(&f.admin, "GET", cases[i][0], NULL);

        cr_expect_eq(r.status, 400, "%s: %s", cases[i][0], r.body);
        cr_expect_str_eq(first_error(&r, "field"), cases[i][1], "%s", cases[i][0]);
        th_response_free(&r);
    }
}

Test(customers, list_filters_select_records)
{
    struct fixture f;
    struct th_response r;

    fixture_init(&f, "filt");
    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s, s]}", "kind", "person", "first_name",
                            "Tia", "last_name", "Tag", "email", "tia@example.com", "status",
                            "dormant", "tags", "vip", "north"));
    cr_assert_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);
    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s}", "kind", "business", "legal_name", "Biz Ltd",
                            "website", "biz.example"));
    cr_assert_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);

    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?kind=person"), 1);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?kind=business"), 1);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?status=dormant"), 1);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?tag=north"), 1);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?tag=south"), 0);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?owner=me"), 2);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?owner=999"), 0);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?created_from=2000-01-01"), 2);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?created_to=2000-01-01"), 0);
    cr_assert_eq(count_of(&f.admin,
                          "/api/v1/customers/count?created_from=2000-01-01T00:00:00Z&created_to=2999-01-01"),
                 2);
    cr_assert_eq(count_of(&f.admin, "/api/v1/prospects/count"), 0);
}

Test(customers, unicode_round_trips)
{
    struct fixture f;
    struct th_response r;
    const char *first = "\xe5\xbc\xa0\xe4\xbc\x9f";                         /* Chinese */
    const char *last = "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd\xd0\xbe\xd0\xb2\xd0\xb0"; /* Cyrillic */
    const char *employer = "\xd8\xb4\xd8\xb1\xd9\x83\xd8\xa9 \xf0\x9f\x98\x80"; /* Arabic, emoji */
    const char *middle = "O'Brien \xe2\x80\x99s";
    char emoji200[1024] = "", accents201[1024] = "", body[4096];

    fixture_init(&f, "utf");
    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "person", "first_name",
                            first, "last_name", last, "middle_name", middle, "employer", employer,
                            "email", "zhang@example.com", "notes", "Line one\nLine two\n"));
    cr_assert_eq(r.status, 201, "%s", r.body);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", "/api/v1/customers/CUS-000001", NULL);
    cr_assert_str_eq(th_json_str(&r, "first_name"), first);
    cr_assert_str_eq(th_json_str(&r, "last_name"), last);
    cr_assert_str_eq(th_json_str(&r, "middle_name"), middle);
    cr_assert_str_eq(th_json_str(&r, "employer"), employer);
    cr_assert_str_eq(th_json_str(&r, "notes"), "Line one\nLine two", "trimmed, inner breaks kept");
    th_response_free(&r);

    /* "Jose" with a combining acute accent is stored as the composed "José". */
    r = th_request(&f.admin, "POST", "/api/v1/customers",
                   "{\"kind\":\"person\",\"first_name\":\" Jose\\u0301 \",\"last_name\":\"N\","
                   "\"email\":\"jose@example.com\"}");
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "first_name"), "Jos\xc3\xa9");
    th_response_free(&r);

    {
        const char bad[] = "{\"kind\":\"person\",\"first_name\":\"A\xff\",\"last_name\":\"B\","
                           "\"email\":\"bad@example.com\"}";

        r = th_request_typed(&f.admin, "POST", "/api/v1/customers", bad, sizeof(bad) - 1, NULL, NULL);
        cr_assert_eq(r.status, 400, "%s", r.body);
        th_response_free(&r);
    }

    for (int i = 0; i < 200; i++)
        strcat(emoji200, "\xf0\x9f\x98\x80");
    snprintf(body, sizeof(body), "{\"kind\":\"person\",\"first_name\":\"E\",\"last_name\":\"M\","
                                 "\"email\":\"emoji@example.com\",\"employer\":\"%s\"}", emoji200);
    r = th_request(&f.admin, "POST", "/api/v1/customers", body);
    cr_assert_eq(r.status, 201, "200 emoji are 200 characters: %s", r.body);
    cr_assert_str_eq(th_json_str(&r, "employer"), emoji200);
    th_response_free(&r);
    for (int i = 0; i < 201; i++)
        strcat(accents201, "\xc3\xa9");
    snprintf(body, sizeof(body), "{\"kind\":\"person\",\"first_name\":\"E\",\"last_name\":\"M\","
                                 "\"email\":\"accent@example.com\",\"employer\":\"%s\"}", accents201);
    r = th_request(&f.admin, "POST", "/api/v1/customers", body);
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "employer");
    cr_assert_str_eq(first_error(&r, "rule"), "max_length");
    th_response_free(&r);

    r = th_request(&f.admin, "POST", "/api/v1/customers",
                   "{\"kind\":\"person\",\"first_name\":\"U\",\"last_name\":\"K\","
                   "\"email\":\"u@example.com\",\"nickname\":\"Uk\"}");
    cr_assert_eq(r.status, 422, "%s", r.body);
    cr_assert_str_eq(first_error(&r, "field"), "nickname");
    cr_assert_str_eq(first_error(&r, "rule"), "unknown");
    th_response_free(&r);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 3, "rejected bodies store nothing");
}

Test(customers, invalid_fields_named)
{
    struct fixture f;
    const char *const cases[][3] = {
        {"{\"kind\":\"person\",\"first_name\":\"A\",\"last_name\":\"B\",\"phones\":[{\"number\":\"hello\"}]}",
         "phones[0].number", "phone"},
        {"{\"kind\":\"person\",\"first_name\":\"A\",\"last_name\":\"B\",\"email\":\"a@b.cd\","
         "\"address\":{\"country\":\"XX\"}}", "address.country", "choice"},
        {"{\"kind\":\"person\",\"first_name\":\"A\",\"last_name\":\"B\",\"email\":\"not-an-email\"}",
         "email", "format"},
        {"{\"kind\":\"person\",\"first_name\":\"A\",\"last_name\":\"B\"}", "email", "contact_channel"},
        {"{\"kind\":\"person\",\"first_name\":\"A\",\"email\":\"a@b.cd\"}", "last_name", "required"},
        {"{\"kind\":\"person\",\"first_name\":\"A\",\"last_name\":\"B\",\"email\":\"a@b.cd\","
         "\"date_of_birth\":\"1990-02-30\"}", "date_of_birth", "format"},
        {"{\"kind\":\"person\",\"first_name\":\"A\",\"last_name\":\"B\",\"email\":\"a@b.cd\","
         "\"date_of_birth\":\"2999-01-01\"}", "date_of_birth", "range"},
        {"{\"kind\":\"person\",\"first_name\":\"A\",\"last_name\":\"B\",\"email\":\"a@b.cd\","
         "\"status\":\"open\"}", "status", "choice"},
        {"{\"kind\":\"person\",\"first_name\":7,\"last_name\":\"B\",\"email\":\"a@b.cd\"}",
         "first_name", "type"},
        {"{\"kind\":\"robot\"}", "kind", "choice"},
        {"{\"first_name\":\"A\"}", "kind", "required"},
        {"{\"kind\":\"business\",\"legal_name\":\"X\",\"website\":\"not a site\"}", "website", "format"},
        {"{\"kind\":\"business\",\"legal_name\":\"X\",\"website\":\"x.example\",\"owner_id\":9999}",
         "owner_id", "exists"},
        {"{\"kind\":\"business\",\"legal_name\":\"X\",\"email\":\"a@b.cd\",\"first_name\":\"A\"}",
         "first_name", "unknown"},
    };

    fixture_init(&f, "inval");
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct th_response r = th_request(&f.admin, "POST", "/api/v1/customers", cases[i][0]);

        cr_expect_eq(r.status, 422, "%s: %s", cases[i][0], r.body);
        cr_expect_str_eq(first_error(&r, "field"), cases[i][1], "%s: %s", cases[i][0], r.body);
        cr_expect_str_eq(first_error(&r, "rule"), cases[i][2], "%s: %s", cases[i][0], r.body);
        th_response_free(&r);
    }
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 0);
    cr_assert_eq(th_sql_int(th_fmt("SELECT count(*) FROM \"%s\".customer_code_seq WHERE is_called",
                                   f.tenant.schema), NULL), 0, "no number was drawn");
}

Test(customers, archived_records_hidden_until_restored)
{
    struct fixture f;
    struct th_response r;
    char *kept, *gone;

    fixture_init(&f, "arch");
    kept = create_person(&f.admin, "Kept", "Record", "kept@example.com");
    gone = create_person(&f.admin, "Gone", "Record", "gone@example.com");
    r = th_request(&f.admin, "POST", th_fmt("/api/v1/customers/%s/archive", gone), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert(json_is_string(json_object_get(r.json, "archived_at")));
    th_response_free(&r);

    cr_assert_not(list_has(&f.admin, "/api/v1/customers", "code", gone));
    cr_assert(list_has(&f.admin, "/api/v1/customers", "code", kept));
    cr_assert_not(list_has(&f.admin, "/api/v1/customers?q=gone", "code", gone));
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 1);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?q=record"), 1);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/customers/%s", gone), NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/customers/%s?include_archived=true", gone), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    cr_assert(list_has(&f.admin, "/api/v1/customers?archived=true", "code", gone));
    cr_assert_not(list_has(&f.admin, "/api/v1/customers?archived=true", "code", kept));
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?include_archived=true"), 2);
    r = th_request(&f.admin, "POST", th_fmt("/api/v1/customers/%s/archive", gone), NULL);
    cr_assert_eq(r.status, 409, "%s", r.body);
    th_response_free(&r);

    r = th_request(&f.admin, "POST", th_fmt("/api/v1/customers/%s/restore", gone), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    cr_assert(list_has(&f.admin, "/api/v1/customers", "code", gone));
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 2);

    r = th_request(&f.admin, "GET", th_fmt("/api/v1/customers/%s/history", gone), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.action"), "customer.restored");
    cr_assert(json_is_null(json_path(r.json, "items.0.changes.archived_at.after")));
    cr_assert_str_eq(th_json_str(&r, "items.1.action"), "customer.archived");
    cr_assert(th_json_str(&r, "items.1.changes.archived_at.after") != NULL);
    cr_assert_str_eq(th_json_str(&r, "items.2.action"), "customer.created");
    cr_assert_str_eq(th_json_str(&r, "items.2.changes.first_name.after"), "Gone");
    cr_assert_str_eq(th_json_str(&r, "items.0.actor.display_name"), "Administrator");
    th_response_free(&r);
    free(kept);
    free(gone);
}

Test(customers, history_shows_before_and_after)
{
    struct fixture f;
    struct th_response r;
    char *code = NULL;

    fixture_init(&f, "hist");
    code = create_person(&f.admin, "Hanna", "Hist", "hanna@example.com");
    for (int v = 1; v <= 3; v++) {
        snprintf(f.admin.if_match, sizeof(f.admin.if_match), "\"%d\"", v);
        r = th_request(&f.admin, "PATCH", th_fmt("/api/v1/customers/%s", code),
                       th_fmt("{\"occupation\":\"Job %d\"}", v));
        cr_assert_eq(r.status, 200, "%s", r.body);
        th_response_free(&r);
    }
    f.admin.if_match[0] = '\0';
    r = th_request(&f.admin, "GET", th_fmt("/api/v1/customers/%s/history?limit=2", code), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.changes.occupation.before"), "Job 2");
    cr_assert_str_eq(th_json_str(&r, "items.0.changes.occupation.after"), "Job 3");
    cr_assert_str_eq(th_json_str(&r, "items.1.changes.occupation.after"), "Job 2");
    cr_assert(th_json_str(&r, "next_cursor") != NULL);
    {
        char *cursor = strdup(th_json_str(&r, "next_cursor"));

        th_response_free(&r);
        r = th_request(&f.admin, "GET",
                       th_fmt("/api/v1/customers/%s/history?limit=2&cursor=%s", code, cursor), NULL);
        free(cursor);
    }
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "items.0.changes.occupation.after"), "Job 1");
    cr_assert(json_is_null(json_path(r.json, "items.0.changes.occupation.before")));
    cr_assert_str_eq(th_json_str(&r, "items.1.action"), "customer.created");
    cr_assert(json_is_null(json_object_get(r.json, "next_cursor")));
    th_response_free(&r);
    free(code);
}

Test(customers, idempotency_key_replays_first_answer)
{
    struct fixture f;
    struct th_response first, again, other;
    char *replayed;

    fixture_init(&f, "idem");
    snprintf(f.admin.idempotency_key, sizeof(f.admin.idempotency_key), "create-ida-1");
    first = th_request(&f.admin, "POST", "/api/v1/customers",
                       "{\"kind\":\"person\",\"first_name\":\"Ida\",\"last_name\":\"Em\","
                       "\"email\":\"ida@example.com\"}");
    cr_assert_eq(first.status, 201, "%s", first.body);
    again = th_request(&f.admin, "POST", "/api/v1/customers",
                       "{\"email\":\"ida@example.com\",\"kind\":\"person\",\"first_name\":\"Ida\","
                       "\"last_name\":\"Em\"}");
    cr_assert_eq(again.status, 201, "%s", again.body);
    cr_assert(json_equal(again.json, first.json), "the repeat returns the first answer:\n%s\n%s",
              first.body, again.body);
    replayed = th_header(&again, "Idempotent-Replayed");
    cr_assert_str_eq(replayed, "true");
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 1, "the repeat creates nothing");

    other = th_request(&f.admin, "POST", "/api/v1/customers",
                       "{\"kind\":\"person\",\"first_name\":\"Other\",\"last_name\":\"Em\","
                       "\"email\":\"other@example.com\"}");
    cr_assert_eq(other.status, 422, "%s", other.body);
    cr_assert_str_eq(th_json_str(&other, "code"), "idempotency_key_reused");
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 1);
    th_response_free(&first);
    th_response_free(&again);
    th_response_free(&other);
    free(replayed);
}

Test(customers, own_visibility_hides_others)
{
    struct fixture f;
    struct th_client own;
    struct th_response r;
    char *mine, *theirs;
    long long user;

    fixture_init(&f, "own");
    user = add_user(&f, "officer",
                    "{\"customers.view\":\"own\",\"customers.create\":\"all\","
                    "\"customers.update\":\"own\"}", &own);
    mine = create_person(&own, "Mine", "Own", "mine@example.com");
    theirs = create_person(&f.admin, "Theirs", "Other", "theirs@example.com");

    r = th_request(&own, "GET", th_fmt("/api/v1/customers/%s", mine), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(th_json_int(&r, "owner.id"), user);
    th_response_free(&r);
    r = th_request(&own, "GET", th_fmt("/api/v1/customers/%s", theirs), NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    r = th_request(&own, "GET", th_fmt("/api/v1/customers/%s/history", theirs), NULL);
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    snprintf(own.if_match, sizeof(own.if_match), "\"1\"");
    r = th_request(&own, "PATCH", th_fmt("/api/v1/customers/%s", theirs), "{\"occupation\":\"X\"}");
    cr_assert_eq(r.status, 404, "%s", r.body);
    th_response_free(&r);
    r = th_request(&own, "PATCH", th_fmt("/api/v1/customers/%s", mine), "{\"occupation\":\"X\"}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    own.if_match[0] = '\0';

    cr_assert(list_has(&own, "/api/v1/customers", "code", mine));
    cr_assert_not(list_has(&own, "/api/v1/customers", "code", theirs));
    cr_assert_not(list_has(&own, "/api/v1/customers?q=theirs", "code", theirs));
    cr_assert_eq(count_of(&own, "/api/v1/customers/count"), 1);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 2);
    r = th_request(&own, "GET", "/api/v1/customers?include_archived=true", NULL);
    cr_assert_eq(r.status, 403, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "permission"), "customers.archive");
    th_response_free(&r);

    /* A duplicate of a record the user may not see names no code. */
    r = send_json(&own, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:s}", "kind", "person", "first_name", "T",
                            "last_name", "O", "email", "THEIRS@example.com"));
    cr_assert_eq(r.status, 409, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "matches")), 0);
    cr_assert_eq(th_json_int(&r, "hidden_matches"), 1);
    cr_assert(strstr(r.body, theirs) == NULL);
    th_response_free(&r);

    /* Given to the user, the record shows up. */
    snprintf(f.admin.if_match, sizeof(f.admin.if_match), "\"1\"");
    r = th_request(&f.admin, "PATCH", th_fmt("/api/v1/customers/%s", theirs),
                   th_fmt("{\"owner_id\":%lld}", user));
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    r = th_request(&own, "GET", th_fmt("/api/v1/customers/%s", theirs), NULL);
    cr_assert_eq(r.status, 200, "%s", r.body);
    th_response_free(&r);
    free(mine);
    free(theirs);
}

Test(customers, business_contacts_link_people)
{
    struct fixture f;
    struct th_response r;
    char *person;

    fixture_init(&f, "cont");
    person = create_person(&f.admin, "Dora", "Director", "dora@example.com");
    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}", "kind", "business",
                            "legal_name", "Dora Holdings", "trading_name", "Dora",
                            "website", "https://dora.example/", "contacts", "code", person,
                            "role", "Director"));
    cr_assert_eq(r.status, 201, "%s", r.body);
    cr_assert_str_eq(th_json_str(&r, "contacts.0.code"), person);
    cr_assert_str_eq(th_json_str(&r, "contacts.0.role"), "Director");
    cr_assert_str_eq(th_json_str(&r, "contacts.0.display_name"), "Dora Director");
    cr_assert(json_object_get(r.json, "first_name") == NULL, "no person fields on a business");
    th_response_free(&r);

    r = send_json(&f.admin, "POST", "/api/v1/customers",
                  json_pack("{s:s, s:s, s:s, s:[{s:s}]}", "kind", "business", "legal_name",
                            "Nested Ltd", "website", "nested.example", "contacts", "code",
                            "CUS-000002"));
    cr_assert_eq(r.status, 422, "a business cannot be a contact: %s", r.body);
    cr_assert_str_eq(first_error(&r, "rule"), "kind");
    th_response_free(&r);

    snprintf(f.admin.if_match, sizeof(f.admin.if_match), "\"1\"");
    r = th_request(&f.admin, "PATCH", "/api/v1/customers/CUS-000002", "{\"contacts\":null}");
    cr_assert_eq(r.status, 200, "%s", r.body);
    cr_assert_eq(json_array_size(json_object_get(r.json, "contacts")), 0);
    th_response_free(&r);
    free(person);
}

/* A CSV file read with libcsv: an array of rows, each an array of strings; row 0 is the header. */
struct csv_reader {
    json_t *rows;
    json_t *row;
};

static void
csv_cell(void *data, size_t len, void *user)
{
    struct csv_reader *reader = user;

    if (reader->row == NULL)
        reader->row = json_array();
    json_array_append_new(reader->row, json_stringn((const char *)data, len));
}

static void
csv_row_end(int c, void *user)
{
    struct csv_reader *reader = user;

    (void)c;
    if (reader->row != NULL)
        json_array_append_new(reader->rows, reader->row);
    reader->row = NULL;
}

static json_t *
csv_read(const char *name)
{
    const char *path = th_fmt("%s/tests/data/%s", th_env("LENDASTACK_REPO"), name);
    struct csv_reader reader = {json_array(), NULL};
    struct csv_parser parser;
    char chunk[4096];
    size_t n;
    FILE *f = fopen(path, "rb");

    cr_assert(f != NULL, "cannot open %s", path);
    cr_assert_eq(csv_init(&parser, CSV_STRICT | CSV_APPEND_NULL), 0);
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        cr_assert_eq(csv_parse(&parser, chunk, n, csv_cell, csv_row_end, &reader), n, "%s: %s",
                     path, csv_strerror(csv_error(&parser)));
    csv_fini(&parser, csv_cell, csv_row_end, &reader);
    csv_free(&parser);
    fclose(f);
    return reader.rows;
}

/* Returns the cell of a row in the column named by the header, failing the test when absent. */
static const char *
csv_get(json_t *table, size_t row, const char *column)
{
    json_t *header = json_array_get(table, 0);

    for (size_t i = 0; i < json_array_size(header); i++) {
        if (strcmp(json_string_value(json_array_get(header, i)), column) == 0)
            return json_string_value(json_array_get(json_array_get(table, row), i));
    }
    cr_assert_fail("no column %s", column);
    return NULL;
}

/* Adds the address country as an ISO code; a name without a code goes into the notes. */
static bool
csv_country(json_t *body, const char *name, const char *city)
{
    json_t *address = json_object();
    char code[3];
    bool mapped = iso_country_from_name(name, code);

    if (city != NULL)
        json_object_set_new(address, "city", json_string(city));
    if (mapped)
        json_object_set_new(address, "country", json_string(code));
    else
        json_object_set_new(body, "notes", json_string(th_fmt("%s\nCountry: %s",
                                                              json_string_value(json_object_get(body, "notes")),
                                                              name)));
    json_object_set_new(body, "address", address);
    return mapped;
}

static json_t *
csv_phones(json_t *table, size_t row)
{
    return json_pack("[{s:s, s:s}, {s:s, s:s}]", "label", "Phone 1", "number",
                     csv_get(table, row, "Phone 1"), "label", "Phone 2", "number",
                     csv_get(table, row, "Phone 2"));
}

/* Posts a body and checks the response: 201, the expected code, E.164 phones. */
static void
csv_post(struct th_client *c, const char *path, json_t *body, const char *member,
         const char *expected)
{
    struct th_response r = send_json(c, "POST", path, body);
    json_t *phone;
    size_t i;

    cr_assert_eq(r.status, 201, "%s: %s", expected, r.body);
    cr_assert_str_eq(th_json_str(&r, member), expected);
    json_array_foreach(json_object_get(r.json, "phones"), i, phone) {
        const char *e164 = json_string_value(json_object_get(phone, "e164"));

        cr_assert(e164 != NULL && e164[0] == '+', "%s: phone %zu has no E.164 form", expected, i);
    }
    th_response_free(&r);
}

Test(customers, sample_customers_import, .timeout = 180)
{
    struct fixture f;
    json_t *table = csv_read("customers-100.csv");
    int unmapped = 0;
    struct th_response r;

    fixture_init(&f, "csv-cust");
    cr_assert_eq(json_array_size(table), 101);
    for (size_t row = 1; row < json_array_size(table); row++) {
        json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s}", "kind", "person",
                                 "first_name", csv_get(table, row, "First Name"), "last_name",
                                 csv_get(table, row, "Last Name"), "email",
                                 csv_get(table, row, "Email"), "phones", csv_phones(table, row),
                                 "employer", csv_get(table, row, "Company"), "external_ref",
                                 csv_get(table, row, "Customer Id"), "notes",
                                 th_fmt("Website: %s\nSubscribed: %s", csv_get(table, row, "Website"),
                                        csv_get(table, row, "Subscription Date")));

        if (!csv_country(body, csv_get(table, row, "Country"), csv_get(table, row, "City")))
            unmapped++;
        csv_post(&f.admin, "/api/v1/customers", body, "code", th_fmt("CUS-%06zu", row));
    }
    cr_assert_leq(unmapped, 1, "%d countries without a code", unmapped);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count"), 100);
    r = th_request(&f.admin, "GET", "/api/v1/customers/CUS-000004", NULL);
    cr_assert_str_eq(th_json_str(&r, "external_ref"), "5Cef8BFA16c5e3c");
    cr_assert_str_eq(th_json_str(&r, "phones.0.number"), "001-808-617-6467x12895");
    cr_assert_str_eq(th_json_str(&r, "phones.0.e164"), "+18086176467");
    cr_assert_str_eq(th_json_str(&r, "phones.0.extension"), "12895");
    cr_assert_str_eq(th_json_str(&r, "employer"), "Dominguez, Mcmillan and Donovan");
    cr_assert_str_eq(th_json_str(&r, "address.country"), "DO");
    th_response_free(&r);
    json_decref(table);
}

Test(customers, sample_organizations_import, .timeout = 180)
{
    struct fixture f;
    json_t *table = csv_read("organizations-100.csv");
    int unmapped = 0;

    fixture_init(&f, "csv-org");
    cr_assert_eq(json_array_size(table), 101);
    for (size_t row = 1; row < json_array_size(table); row++) {
        json_t *body = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s, s:s}", "kind", "business",
                                 "legal_name", csv_get(table, row, "Name"), "website",
                                 csv_get(table, row, "Website"), "industry",
                                 csv_get(table, row, "Industry"), "number_of_employees",
                                 (json_int_t)atoll(csv_get(table, row, "Number of employees")),
                                 "external_ref", csv_get(table, row, "Organization Id"), "notes",
                                 th_fmt("%s\nFounded: %s", csv_get(table, row, "Description"),
                                        csv_get(table, row, "Founded")));

        if (!csv_country(body, csv_get(table, row, "Country"), NULL))
            unmapped++;
        csv_post(&f.admin, "/api/v1/customers", body, "code", th_fmt("CUS-%06zu", row));
    }
    cr_assert_leq(unmapped, 1, "%d countries without a code", unmapped);
    cr_assert_eq(count_of(&f.admin, "/api/v1/customers/count?kind=business"), 100);
    json_decref(table);
}

Test(customers, sample_leads_import, .timeout = 180)
{
    struct fixture f;
    json_t *table = csv_read("leads-100.csv");
    struct th_response r;

    fixture_init(&f, "csv-lead");
    cr_assert_eq(json_array_size(table), 101);
    for (size_t row = 1; row < json_array_size(table); row++) {
        json_t *body = json_pack(
            "{s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "person",
            "first_name", csv_get(table, row, "First Name"), "last_name",
            csv_get(table, row, "Last Name"), "email", csv_get(table, row, "Email 1"), "phones",
            csv_phones(table, row), "employer", csv_get(table, row, "Company"), "source",
            csv_get(table, row, "Source"), "lead_stage", csv_get(table, row, "Deal Stage"),
            "lead_owner_name", csv_get(table, row, "Lead Owner"), "external_ref",
            csv_get(table, row, "Account Id"), "notes",
            th_fmt("%s\nOther email: %s\nWebsite: %s", csv_get(table, row, "Notes"),
                   csv_get(table, row, "Email 2"), csv_get(table, row, "Website")));

        csv_post(&f.admin, "/api/v1/prospects", body, "reference", th_fmt("PRO-%06zu", row));
    }
    cr_assert_eq(count_of(&f.admin, "/api/v1/prospects/count"), 100);
    r = th_request(&f.admin, "GET", "/api/v1/prospects/PRO-000002", NULL);
    cr_assert_str_eq(th_json_str(&r, "lead_owner_name"), "Andres Callahan",
                     "an owner name no user has is kept as text");
    cr_assert_str_eq(th_json_str(&r, "lead_stage"), "Closed Won");
    cr_assert_str_eq(th_json_str(&r, "owner.display_name"), "Administrator");
    th_response_free(&r);
    json_decref(table);
}
