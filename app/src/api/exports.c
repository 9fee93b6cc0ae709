/*
 * CSV exports of customers and prospects. /api/v1/customers/export.csv and
 * /api/v1/prospects/export.csv take the filters of the lists and stream every
 * record the list would show, in code (or reference) order. They read a page
 * at a time, so memory stays bounded whatever the number of records.
 */
#include <string.h>

#include "api/customer_list.h"
#include "api/routes.h"
#include "core/csvfile.h"
#include "core/log.h"
#include "http/response.h"
#include "http/transport.h"

#define EXPORT_PAGE_ROWS 500 /* records read and written per round */

static const char *const export_parameters[] = {
    "kind", "status", "owner", "tag", "created_from", "created_to", "q",
    "archived", "include_archived", "bom", NULL,
};

static const char *const export_header[] = {
    "Code", "Reference", "Kind", "Status", "Name", "Title", "First Name", "Middle Name",
    "Last Name", "Legal Name", "Trading Name", "Registration Number", "Email", "Phone 1",
    "Phone 2", "Other Phones", "Address", "City", "Region", "Postal Code", "Country",
    "Website", "Industry", "Employer", "Owner", "Source", "Tags", "External Id", "Lead Stage",
    "Lead Owner", "Created At", "Updated At", "Archived At", NULL,
};

/* Joins the strings of an array, or the member key of its objects, with separator. */
static const char *
joined(struct arena *a, const json_t *list, const char *key, size_t from, const char *separator)
{
    struct buf b;

    buf_init(&b, a, 64);
    for (size_t i = from; i < json_array_size(list); i++) {
        const json_t *item = json_array_get(list, i);
        const char *text = key != NULL ? json_str(item, key) : json_string_value(item);

        if (text != NULL)
            buf_printf(&b, "%s%s", b.len > 0 ? separator : "", text);
    }
    return b.data;
}

/* Appends the cells of one record in the order of export_header. */
static void
put_record(struct buf *b, const json_t *r)
{
    struct arena *a = b->arena;
    const json_t *phones = json_object_get(r, "phones");
    const json_t *address = json_object_get(r, "address");
    const char *cells[] = {
        json_str(r, "code"),
        json_str(r, "reference"),
        json_str(r, "kind"),
        json_str(r, "status"),
        json_str(r, "display_name"),
        json_str(r, "title"),
        json_str(r, "first_name"),
        json_str(r, "middle_name"),
        json_str(r, "last_name"),
        json_str(r, "legal_name"),
        json_str(r, "trading_name"),
        json_str(r, "registration_number"),
        json_str(r, "email"),
        json_str(json_array_get(phones, 0), "number"),
        json_str(json_array_get(phones, 1), "number"),
        joined(a, phones, "number", 2, "; "),
        joined(a, json_object_get(address, "lines"), NULL, 0, ", "),
        json_str(address, "city"),
        json_str(address, "region"),
        json_str(address, "postal_code"),
        json_str(address, "country"),
        json_str(r, "website"),
        json_str(r, "industry"),
        json_str(r, "employer"),
        json_str(json_object_get(r, "owner"), "display_name"),
        json_str(r, "source"),
        joined(a, json_object_get(r, "tags"), NULL, 0, "; "),
        json_str(r, "external_ref"),
        json_str(r, "lead_stage"),
        json_str(r, "lead_owner_name"),
        json_str(r, "created_at"),
        json_str(r, "updated_at"),
        json_str(r, "archived_at"),
    };

    for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
        csvfile_put_cell(b, cells[i], i == 0);
    buf_puts(b, "\r\n");
}

static enum result
record_export(struct request *req, enum customer_lifecycle lifecycle)
{
    const char *bom = request_query(req, "bom");
    bool prospect = lifecycle == CUSTOMER_LIFECYCLE_PROSPECT;
    struct customer_list_query q;
    struct customer_visibility v;
    struct arena page, *previous;
    struct scope ps = req->scope;
    struct buf out;
    json_t *items, *item;
    const char *last_key;
    int64_t last_id = 0, rows = 0;
    bool client_gone = false;
    size_t i;
    enum result r;

    if ((r = customers_check_query(req, export_parameters)) != RESULT_OK ||
        (r = customers_list_filters(req, lifecycle, &q, &v)) != RESULT_OK)
        return r;
    if (bom != NULL && strcmp(bom, "true") != 0 && strcmp(bom, "false") != 0) {
        problem_field(&req->problem, "bom", "type", "Must be true or false.");
        return response_fail(req, RESULT_MALFORMED, "invalid_parameter",
                             "The query parameter bom is not valid. Must be true or false.");
    }
    q.sort = CUSTOMER_SORT_CODE;
    q.limit = EXPORT_PAGE_ROWS;

    arena_init(&page, 256 * 1024);
    ps.arena = &page;
    previous = json_use_arena(&page);
    /* The first page is read before the status line, so a failure still gets a problem document. */
    r = customer_list(&ps, &q, &items, &last_key, &last_id);
    if (r == RESULT_OK) {
        response_header(req, "Content-Disposition",
                        prospect ? "attachment; filename=\"prospects.csv\""
                                 : "attachment; filename=\"customers.csv\"");
        buf_init(&out, &page, 64 * 1024);
        if (bom != NULL && strcmp(bom, "true") == 0)
            buf_puts(&out, "\xEF\xBB\xBF");
        for (i = 0; export_header[i] != NULL; i++)
            csvfile_put_cell(&out, export_header[i], i == 0);
        buf_puts(&out, "\r\n");
        client_gone = !transport_stream_begin(req, 200, "text/csv") ||
                      !transport_stream_write(req, out.data, out.len);
    }
    while (r == RESULT_OK && !client_gone) {
        buf_init(&out, &page, 64 * 1024);
        json_array_foreach(items, i, item)
            put_record(&out, item);
        rows += (int64_t)json_array_size(items);
        client_gone = out.len > 0 && !transport_stream_write(req, out.data, out.len);
        if (last_key == NULL || client_gone)
            break;
        q.has_after = true;
        q.after_key = arena_strdup(req->arena, last_key);
        q.after_id = last_id;
        arena_reset(&page);
        if ((r = customer_list(&ps, &q, &items, &last_key, &last_id)) != RESULT_OK)
            log_error("export_failed", "rows_written=%lld result=%s", (long long)rows,
                      result_name(r));
    }
    json_use_arena(previous);
    arena_destroy(&page);
    if (client_gone)
        log_warn("export_stopped", "rows_written=%lld detail=\"the client went away\"",
                 (long long)rows);
    return r;
}

static enum result
customers_export(struct request *req)
{
    return record_export(req, CUSTOMER_LIFECYCLE_CUSTOMER);
}

static enum result
prospects_export(struct request *req)
{
    return record_export(req, CUSTOMER_LIFECYCLE_PROSPECT);
}

const struct route export_routes[] = {
    {HTTP_GET, "/api/v1/customers/export.csv", customers_export, PERM_CUSTOMERS_EXPORT, 0},
    {HTTP_GET, "/api/v1/prospects/export.csv", prospects_export, PERM_CUSTOMERS_EXPORT, 0},
    {0, NULL, NULL, PERM_NONE, 0},
};
