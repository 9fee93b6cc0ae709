/*
 * Server configuration: built-in defaults, then an optional INI file named by
 * LENDASTACK_CONFIG, then environment variables, each later source overriding the
 * earlier one. Every setting is declared once in config.c with its unit and help.
 */
#ifndef LENDASTACK_CORE_CONFIG_H
#define LENDASTACK_CORE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/log.h"

enum config_env { CONFIG_ENV_DEVELOPMENT, CONFIG_ENV_PRODUCTION };

struct config {
    char *listen;               /* "unix:/path" or "tcp:ADDR:PORT" */
    unsigned socket_mode;       /* permission bits of a unix socket */
    char *user;                 /* account the workers run as when started as root */
    char *pid_file;
    long workers;               /* 0 means twice the number of CPU cores */
    long groups;                /* listen sockets the workers are split over; 0 means half the workers */
    long drain_seconds;         /* how long SIGTERM waits for requests in flight */
    char *fcgi_allow;           /* comma-separated IPv4 peers allowed on TCP */
    long job_runners;           /* background job processes beside the workers */

    char *pg_conninfo;
    bool pg_pooler;             /* a transaction-pooling pgbouncer sits in between */
    long pg_statement_timeout_ms;
    long pg_recycle_tenants;    /* reconnect after this many distinct tenants */
    long pg_recycle_requests;   /* reconnect after this many requests */

    char *redis;                /* "unix:/path" or "HOST:PORT" */
    char *redis_sentinels;      /* comma-separated HOST:PORT; empty disables Sentinel */
    char *redis_master;         /* the primary's name known to Sentinel */
    char *redis_user;           /* ACL user; empty for the default user */
    char *redis_password;       /* empty sends no AUTH */
    char *redis_sentinel_password;
    long redis_timeout_ms;
    long redis_retry_ms;        /* how long a worker leaves Redis alone after a failure */

    char *base_domain;
    enum config_env env;
    enum log_level log_level;
    long tenant_cache_seconds;  /* longest a worker trusts its in-process tenant entry */
    long max_body_bytes;
    long max_import_bytes;
    char *public_scheme;        /* scheme of links the server prints, e.g. invitations */
    bool test_clock;            /* X-Lendastack-Test-Now sets the request's clock (development only) */
};

extern struct config config;

/*
 * Loads defaults, the INI file named by LENDASTACK_CONFIG (if set) and the
 * environment into the global config. On an invalid value writes one message
 * naming the setting and the rule to err and returns false.
 */
bool config_load(FILE *err);

/* Prints every setting as a Markdown table row: name, variable, default, unit, meaning. */
void config_print_table(FILE *out);

#endif
