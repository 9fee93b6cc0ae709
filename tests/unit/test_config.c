/* Configuration: defaults load, bad values are refused, the README lists every setting. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"

static char *
read_file(const char *path)
{
    FILE *f = fopen(path, "r");
    char *text;
    long size;

    cr_assert(f != NULL, "%s not found (run from the repository root)", path);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = calloc(1, (size_t)size + 1);
    cr_assert(fread(text, 1, (size_t)size, f) == (size_t)size);
    fclose(f);
    return text;
}

Test(config, defaults_load)
{
    FILE *err = fopen("/dev/null", "w");

    unsetenv("LENDASTACK_CONFIG");
    unsetenv("LENDASTACK_WORKERS");
    cr_assert(config_load(err));
    cr_assert_eq(config.workers, 0);
    cr_assert_eq(config.socket_mode, 0660);
    cr_assert_str_eq(config.base_domain, "localhost");
    fclose(err);
}

Test(config, invalid_value_names_the_variable)
{
    char *message = NULL;
    size_t size = 0;
    FILE *err = open_memstream(&message, &size);

    setenv("LENDASTACK_WORKERS", "many", 1);
    cr_assert_not(config_load(err));
    fclose(err);
    cr_assert(strstr(message, "LENDASTACK_WORKERS") != NULL, "%s", message);
    unsetenv("LENDASTACK_WORKERS");
    free(message);
}

Test(config, readme_lists_every_setting)
{
    char *readme = read_file("README.md");
    char *table = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&table, &size);
    char *line, *save = NULL;

    config_print_table(out);
    fclose(out);
    for (line = strtok_r(table, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        if (strncmp(line, "| `LENDASTACK_", 14) == 0)
            cr_expect(strstr(readme, line) != NULL, "README.md lacks or differs in the row:\n%s", line);
    }
    free(table);
    free(readme);
}
