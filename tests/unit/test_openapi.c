/* docs/openapi.yaml describes exactly the routes the server registers. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "api/routes.h"
#include "http/router.h"

#define ENTRIES_MAX 512

struct entries {
    char *items[ENTRIES_MAX];
    size_t count;
};

static void
entries_add(struct entries *e, const char *method, const char *path)
{
    char line[512];

    cr_assert(e->count < ENTRIES_MAX);
    snprintf(line, sizeof(line), "%s %s", method, path);
    for (char *p = line; *p != ' '; p++)
        *p = (char)toupper((unsigned char)*p);
    e->items[e->count++] = strdup(line);
}

static bool
entries_has(const struct entries *e, const char *line)
{
    for (size_t i = 0; i < e->count; i++) {
        if (strcmp(e->items[i], line) == 0)
            return true;
    }
    return false;
}

static yaml_node_t *
mapping_get(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    for (yaml_node_pair_t *pair = map->data.mapping.pairs.start; pair < map->data.mapping.pairs.top; pair++) {
        yaml_node_t *k = yaml_document_get_node(doc, pair->key);

        if (k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0)
            return yaml_document_get_node(doc, pair->value);
    }
    return NULL;
}

static void
collect_documented(struct entries *documented)
{
    static const char *const methods[] = {"get", "post", "put", "patch", "delete", NULL};
    FILE *f = fopen("docs/openapi.yaml", "r");
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_node_t *root, *paths;

    cr_assert(f != NULL, "docs/openapi.yaml not found (run from the repository root)");
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    cr_assert(yaml_parser_load(&parser, &doc), "docs/openapi.yaml is not valid YAML: %s line %zu",
              parser.problem, parser.problem_mark.line + 1);
    root = yaml_document_get_root_node(&doc);
    paths = mapping_get(&doc, root, "paths");
    cr_assert(paths != NULL && paths->type == YAML_MAPPING_NODE, "no paths mapping");
    for (yaml_node_pair_t *pair = paths->data.mapping.pairs.start; pair < paths->data.mapping.pairs.top; pair++) {
        yaml_node_t *path = yaml_document_get_node(&doc, pair->key);
        yaml_node_t *ops = yaml_document_get_node(&doc, pair->value);

        for (size_t m = 0; methods[m] != NULL; m++) {
            if (mapping_get(&doc, ops, methods[m]) != NULL)
                entries_add(documented, methods[m], (char *)path->data.scalar.value);
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
}

static void
collect_route(const struct route *route, void *data)
{
    entries_add(data, http_method_name(route->method), route->pattern);
}

Test(openapi, matches_routing_table)
{
    static struct entries documented, routed;

    collect_documented(&documented);
    routes_register();
    router_each(collect_route, &routed);
    for (size_t i = 0; i < routed.count; i++)
        cr_expect(entries_has(&documented, routed.items[i]), "route %s is missing from docs/openapi.yaml",
                  routed.items[i]);
    for (size_t i = 0; i < documented.count; i++)
        cr_expect(entries_has(&routed, documented.items[i]),
                  "docs/openapi.yaml documents %s, which the server does not route", documented.items[i]);
    router_reset();
}
