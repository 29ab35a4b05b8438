/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "evg-schema.h"
#include "evg-store.h"

G_BEGIN_DECLS

/* Exit statuses every subcommand uses. */
enum
{
  EVG_CLI_OK       = 0,
  EVG_CLI_FAILED   = 1,   /* the work itself failed (network, database) */
  EVG_CLI_USAGE    = 2,   /* bad arguments, or a file that cannot be read */
  EVG_CLI_REJECTED = 3,   /* done, but some input rows were rejected */
};

typedef struct
{
  char     *database;     /* --database, or NULL for the default */
  gboolean  json;         /* --json */
  EvgStore *store;        /* opened on first use */
} EvgCli;

typedef int (*EvgCliCommandFunc) (EvgCli *cli,
                                  int     argc,
                                  char  **argv);

typedef struct
{
  const char        *name;
  const char        *summary;
  EvgCliCommandFunc  run;
} EvgCliCommand;

int             evg_cli_run              (int                   argc,
                                          char                **argv);
EvgStore       *evg_cli_get_store        (EvgCli               *cli);
EvgStore       *evg_cli_get_store_for_reading (EvgCli          *cli);
GOptionContext *evg_cli_option_context   (EvgCli               *cli,
                                          const char           *parameter_string,
                                          const char           *summary,
                                          const GOptionEntry   *entries);
gboolean        evg_cli_parse            (EvgCli               *cli,
                                          GOptionContext       *context,
                                          int                  *argc,
                                          char               ***argv);
gboolean        evg_cli_parse_command    (EvgCli               *cli,
                                          const char           *parameters,
                                          const char           *summary,
                                          const GOptionEntry   *entries,
                                          int                  *argc,
                                          char               ***argv,
                                          int                   min_args,
                                          int                   max_args,
                                          const char           *usage);
int             evg_cli_dispatch         (EvgCli               *cli,
                                          const char           *group,
                                          const EvgCliCommand  *commands,
                                          guint                 n_commands,
                                          int                   argc,
                                          char                **argv);
void            evg_cli_print_json       (JsonNode             *node);
void            evg_cli_json_add_int     (JsonBuilder          *builder,
                                          const char           *name,
                                          gint64                value);
void            evg_cli_json_add_count   (JsonBuilder          *builder,
                                          const char           *name,
                                          gint64                value);
void            evg_cli_json_add_string  (JsonBuilder          *builder,
                                          const char           *name,
                                          const char           *value);
void            evg_cli_json_add_bool    (JsonBuilder          *builder,
                                          const char           *name,
                                          gboolean              value);
char           *evg_cli_normalize_time   (const char           *text);
const char     *evg_cli_parse_choice     (const EvgColumnSpec  *column,
                                          const char           *text);
char           *evg_cli_choice_codes     (const EvgColumnSpec  *column);
void            evg_cli_error            (const char           *format,
                                          ...) G_GNUC_PRINTF (1, 2);

/* Subcommands, one file each. */
int evg_cli_checkins (EvgCli *cli, int argc, char **argv);
int evg_cli_feedback (EvgCli *cli, int argc, char **argv);
int evg_cli_info (EvgCli *cli, int argc, char **argv);
int evg_cli_meetings (EvgCli *cli, int argc, char **argv);
int evg_cli_members (EvgCli *cli, int argc, char **argv);
int evg_cli_sync (EvgCli *cli, int argc, char **argv);
int evg_cli_whistles (EvgCli *cli, int argc, char **argv);

G_END_DECLS
