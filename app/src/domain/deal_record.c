#include "domain/case_record.h"
#include "domain/deal_record.h"

json_t *
deal_record_from_row(const json_t *row)
{
    static const char *const body[] = {"status",   "amount", "currency", "expected_close_date",
                                       NULL};
    static const char *const tail[] = {"priority",   "source",     "lost_reason", "notes",
                                       "stage_entered_at", "won_at", "lost_at", "closed_at",
                                       NULL};
    static const char *const times[] = {"created_at", "updated_at", "version", NULL};
    json_t *d = json_object(), *record = json_object(), *pipeline = json_object();
    json_t *stage = json_object();

    case_record_copy(d, "id", row, "id");
    case_record_copy(d, "title", row, "title");
    case_record_copy(record, "id", row, "customer_id");
    case_record_copy(record, "code", row, "customer_code");
    case_record_copy(record, "reference", row, "customer_reference");
    case_record_copy(record, "display_name", row, "customer_name");
    case_record_copy(record, "lifecycle", row, "customer_lifecycle");
    json_object_set_new(d, "customer", record);
    case_record_copy(pipeline, "id", row, "pipeline_id");
    case_record_copy(pipeline, "name", row, "pipeline_name");
    json_object_set_new(d, "pipeline", pipeline);
    case_record_copy(stage, "id", row, "stage_id");
    case_record_copy(stage, "name", row, "stage_name");
    case_record_copy(stage, "kind", row, "stage_kind");
    case_record_copy(stage, "probability", row, "stage_probability");
    json_object_set_new(d, "stage", stage);
    for (const char *const *f = body; *f != NULL; f++)
        case_record_copy(d, *f, row, *f);
    json_object_set_new(d, "owner", case_record_user(row, "owner_id", "owner_display_name"));
    case_record_copy(d, "owner_name", row, "owner_name");
    for (const char *const *f = tail; *f != NULL; f++)
        case_record_copy(d, *f, row, *f);
    case_record_copy(d, "import_id", row, "import_id");
    json_object_set_new(d, "created_by", case_record_user(row, "created_by", "created_by_name"));
    for (const char *const *f = times; *f != NULL; f++)
        case_record_copy(d, *f, row, *f);
    return d;
}

/* Returns {id, name} of a stage, or null without one. */
static json_t *
deal_record_stage(const json_t *row, const char *id_column, const char *name_column)
{
    if (!json_is_integer(json_object_get(row, id_column)))
        return json_null();
    return json_pack("{s:O, s:O}", "id", json_object_get(row, id_column), "name",
                     json_object_get(row, name_column));
}

json_t *
deal_record_history_entry(const json_t *row)
{
    json_t *e = json_object(), *to = deal_record_stage(row, "to_stage_id", "to_stage_name");

    case_record_copy(e, "id", row, "id");
    json_object_set_new(e, "from_stage", deal_record_stage(row, "from_stage_id",
                                                           "from_stage_name"));
    if (json_is_object(to))
        case_record_copy(to, "kind", row, "to_stage_kind");
    json_object_set_new(e, "to_stage", to);
    case_record_copy(e, "changed_at", row, "changed_at");
    json_object_set_new(e, "changed_by", case_record_user(row, "changed_by", "changed_by_name"));
    case_record_copy(e, "left_at", row, "left_at");
    case_record_copy(e, "seconds_in_stage", row, "seconds_in_stage");
    json_object_set_new(e, "current", json_boolean(json_is_null(json_object_get(row, "left_at"))));
    return e;
}
