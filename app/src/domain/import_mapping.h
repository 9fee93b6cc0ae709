/*
 * From the columns of a CSV file to the fields of customer records. A header
 * is matched to a field by its name, compared without case, spaces or
 * punctuation ("First Name", "first_name" and "FIRSTNAME" are one name), or by
 * an explicit mapping the caller gives. A value the record has no field for
 * ("Website" of a person, "Subscription Date") is kept in the notes as a line
 * "Header: value". Columns that match nothing are reported, not kept. Pure
 * functions over jansson's current arena; no I/O.
 */
#ifndef LENDASTACK_DOMAIN_IMPORT_MAPPING_H
#define LENDASTACK_DOMAIN_IMPORT_MAPPING_H

#include <stdbool.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/csvfile.h"
#include "core/json.h"
#include "core/problem.h"
#include "core/result.h"

/* The records a file creates. */
enum import_target {
    IMPORT_PERSON_CUSTOMERS,
    IMPORT_BUSINESS_CUSTOMERS,
    IMPORT_PROSPECTS, /* people, or businesses when the file names no person */
};

/* The destination of a column's values. */
enum import_destination {
    IMPORT_TO_FIELD,         /* a text field of the record, named by field */
    IMPORT_TO_ADDRESS,       /* a member of the address, named by field: "city" */
    IMPORT_TO_ADDRESS_LINE,  /* one more line of the address */
    IMPORT_TO_COUNTRY,       /* the address country, from an English name or ISO code */
    IMPORT_TO_PHONE,         /* one more phone number, labelled with the header */
    IMPORT_TO_EMPLOYEES,     /* number_of_employees, an integer */
    IMPORT_TO_TAGS,          /* tags separated by ; or , */
    IMPORT_TO_NOTES_TEXT,    /* a paragraph of the notes (Notes, Description) */
    IMPORT_TO_NOTES_LINE,    /* a line "Header: value" in the notes */
    IMPORT_SKIPPED,          /* recognised, or mapped to null, and not kept */
    IMPORT_UNMAPPED,         /* matches nothing; reported in unmapped_columns */
};

struct import_column {
    const char *header;   /* the header cell, or "column N" when it is empty */
    enum import_destination to;
    const char *field;    /* for IMPORT_TO_FIELD and IMPORT_TO_ADDRESS */
    bool valid_header;    /* the header cell is valid UTF-8 */
};

struct import_mapping {
    enum import_target target;
    bool prospect;
    bool person;          /* the kind of every record of the file */
    size_t count;
    struct import_column *columns;
};

/* A row turned into a create body. */
struct import_row_body {
    json_t *body;         /* for customer_validate(); NULL when the row cannot be read */
    json_t *sources;      /* field path -> the header it came from, for reports */
    json_t *raw;          /* header -> cell, every readable non-empty cell as written */
    json_t *errors;       /* [{column, field, rule, message}] found while reading */
};

/* Returns "person_customers" and so on. */
const char *import_target_name(enum import_target target);

/* Finds a target by name; false when unknown. */
bool import_target_parse(const char *name, enum import_target *out);

/*
 * Builds the mapping of a header row. explicit, when not NULL, is a JSON object
 * of header -> field name (or null to leave the column out) that takes
 * precedence over the automatic match; its fields are those of a create body
 * plus "phone", "address.line", "address.city", "address.region",
 * "address.postal_code" and "address.country". RESULT_INVALID with field
 * errors under "mapping" for an unknown or unsuitable field, a field mapped
 * twice, or a required name field that no column provides, and under "header"
 * for a header cell that is not valid UTF-8.
 */
enum result import_mapping_build(struct problem *p, struct arena *a, enum import_target target,
                                 const struct csvfile_row *header, const json_t *explicit,
                                 struct import_mapping *out);

/*
 * Returns the mapping report, [{"column", "field"}] with "note" where a value
 * goes to the notes or is not kept, and the headers that map to nothing.
 */
json_t *import_mapping_report(const struct import_mapping *m);
json_t *import_mapping_unmapped(const struct import_mapping *m);

/*
 * Reads a row into a create body. A cell that is not valid UTF-8 and a row with
 * more non-empty cells than the header has become errors, and then no body.
 * Empty cells are left out.
 */
void import_mapping_row(struct arena *a, const struct import_mapping *m,
                        const struct csvfile_row *row, struct import_row_body *out);

#endif
