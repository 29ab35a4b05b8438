/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "evg-cli.h"

static const EvgCliCommand commands[] = {
  { "checkins", N_("Check members in and out of whistles; service hours"), evg_cli_checkins },
  { "feedback", N_("Residents’ messages (留言板): record, answer, rates"), evg_cli_feedback },
  { "info", N_("Show the database, its schema version and record counts"), evg_cli_info },
  { "members", N_("Import, export, list and show party members"), evg_cli_members },
  { "meetings", N_("Plan, record and sign meetings; attendance and compliance"), evg_cli_meetings },
  { "sync", N_("Sync with the central server: setup, now, status, conflicts"), evg_cli_sync },
  { "whistles", N_("Raise, list and close whistles (吹哨报到)"), evg_cli_whistles },
};

void
evg_cli_error (const char *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("e-vanguard-cli: %s\n", message);
}

static EvgStore *
open_store (EvgCli   *cli,
            gboolean  for_reading)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  if (cli->store != NULL)
    return cli->store;

  path = cli->database != NULL ? g_strdup (cli->database) : evg_store_default_path ();
  cli->store = for_reading ? evg_store_open_for_reading (path, &error) : evg_store_open (path, &error);
  if (cli->store == NULL)
    evg_cli_error ("%s", error->message);
  return cli->store;
}

/* The store, for a command that writes to it. */
EvgStore *
evg_cli_get_store (EvgCli *cli)
{
  return open_store (cli, FALSE);
}

/* The store, for a command that only reads it: such a command works on a
 * database in a folder the user may only read, as on a backup. */
EvgStore *
evg_cli_get_store_for_reading (EvgCli *cli)
{
  return open_store (cli, TRUE);
}

/* Members of the JSON objects commands print. */
/* "2026-03-05T14:30", "2026-03-05 14:30:00" → "2026-03-05 14:30"; a day
 * alone is its midnight.  Anything else is kept as given, for the
 * record's own check to name. */
char *
evg_cli_normalize_time (const char *text)
{
  char *out;

  if (text == NULL)
    return NULL;
  if (strlen (text) == 10)
    return g_strconcat (text, " 00:00", NULL);
  out = g_strndup (text, 16);
  if (strlen (out) == 16 && out[10] == 'T')
    out[10] = ' ';
  return out;
}

/* A value of @column given on the command line: a choice by its code or
 * its Chinese name. */
/**
 * evg_cli_parse_command:
 * @parameters: (nullable): what follows the subcommand, for --help
 * @min_args: the fewest arguments after the subcommand's name
 * @max_args: the most
 * @usage: what to say when their number is wrong
 *
 * Parses a subcommand's options and checks how many arguments are left,
 * the prologue every subcommand has.
 *
 * Returns: whether to go on; %FALSE when the usage was wrong (exit 2),
 *   which was said
 */
gboolean
evg_cli_parse_command (EvgCli              *cli,
                       const char          *parameters,
                       const char          *summary,
                       const GOptionEntry  *entries,
                       int                 *argc,
                       char              ***argv,
                       int                  min_args,
                       int                  max_args,
                       const char          *usage)
{
  g_autoptr(GOptionContext) context = evg_cli_option_context (cli, parameters, summary, entries);

  if (!evg_cli_parse (cli, context, argc, argv))
    return FALSE;
  if (*argc - 1 < min_args || *argc - 1 > max_args)
    {
      evg_cli_error ("%s", usage);
      return FALSE;
    }
  return TRUE;
}

const char *
evg_cli_parse_choice (const EvgColumnSpec *column,
                      const char          *text)
{
  for (guint i = 0; text != NULL && i < column->n_choices; i++)
    if (g_str_equal (text, column->choices[i].code) || g_str_equal (text, column->choices[i].chinese))
      return column->choices[i].code;
  return NULL;
}

char *
evg_cli_choice_codes (const EvgColumnSpec *column)
{
  GString *codes = g_string_new (NULL);

  for (guint i = 0; i < column->n_choices; i++)
    g_string_append_printf (codes, "%s%s", i > 0 ? ", " : "", column->choices[i].code);
  return g_string_free (codes, FALSE);
}

void
evg_cli_json_add_int (JsonBuilder *builder,
                      const char  *name,
                      gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

/* A count, or null when @value is negative (not known). */
void
evg_cli_json_add_count (JsonBuilder *builder,
                        const char  *name,
                        gint64       value)
{
  json_builder_set_member_name (builder, name);
  if (value < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, value);
}

void
evg_cli_json_add_string (JsonBuilder *builder,
                         const char  *name,
                         const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value == NULL)
    json_builder_add_null_value (builder);
  else
    json_builder_add_string_value (builder, value);
}

void
evg_cli_json_add_bool (JsonBuilder *builder,
                       const char  *name,
                       gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

void
evg_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

/* Options every subcommand takes, so they can stand before or after it. */
static GOptionEntry *
common_entries (EvgCli *cli)
{
  GOptionEntry entries[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &cli->database,
      N_("Use the database at PATH"), N_("PATH") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &cli->json,
      N_("Print the result as JSON"), NULL },
    { NULL }
  };

  return g_memdup2 (entries, sizeof entries);
}

GOptionContext *
evg_cli_option_context (EvgCli             *cli,
                        const char         *parameter_string,
                        const char         *summary,
                        const GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameter_string);
  g_autofree GOptionEntry *common = common_entries (cli);

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (summary != NULL)
    g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

/* Parses a subcommand's options; on a usage error prints it with a hint
 * and returns FALSE, which the caller turns into exit status 2. */
gboolean
evg_cli_parse (EvgCli           *cli,
               GOptionContext   *context,
               int              *argc,
               char           ***argv)
{
  g_autoptr(GError) error = NULL;

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      evg_cli_error ("%s", error->message);
      g_printerr (_("Try “%s --help”.\n"), g_get_prgname ());
      return FALSE;
    }
  return TRUE;
}

static void
print_commands (const char          *group,
                const EvgCliCommand *table,
                guint                n)
{
  g_print (_("Usage: e-vanguard-cli [--database PATH] [--json] %s COMMAND [OPTIONS…]\n\n"),
           group != NULL ? group : "");
  g_print ("%s\n", _("Commands:"));
  for (guint i = 0; i < n; i++)
    g_print ("  %-14s %s\n", table[i].name, _(table[i].summary));
  g_print ("\n%s\n", _("Run a command with --help to see its options."));
}

/* Runs the subcommand named by argv[0] from @table.  Used by the program
 * itself and by command groups such as “members” and “sync”. */
int
evg_cli_dispatch (EvgCli              *cli,
                  const char          *group,
                  const EvgCliCommand *table,
                  guint                n,
                  int                  argc,
                  char               **argv)
{
  const char *name = argc > 0 ? argv[0] : NULL;

  if (name == NULL || g_str_equal (name, "help") || g_str_equal (name, "--help") ||
      g_str_equal (name, "-h"))
    {
      print_commands (group, table, n);
      return name == NULL ? EVG_CLI_USAGE : EVG_CLI_OK;
    }

  for (guint i = 0; i < n; i++)
    {
      if (g_str_equal (table[i].name, name))
        {
          g_autofree char *prgname = g_strdup_printf ("e-vanguard-cli%s%s %s",
                                                      group != NULL ? " " : "",
                                                      group != NULL ? group : "",
                                                      name);

          g_set_prgname (prgname);
          return table[i].run (cli, argc, argv);
        }
    }

  evg_cli_error (_("Unknown command “%s”."), name);
  print_commands (group, table, n);
  return EVG_CLI_USAGE;
}

/* Takes --database, --json and --version that stand before the command. */
static int
take_global_options (EvgCli  *cli,
                     int      argc,
                     char   **argv,
                     int     *status)
{
  int i = 1;

  for (; i < argc && argv[i][0] == '-'; i++)
    {
      const char *arg = argv[i];

      if (g_str_equal (arg, "--version"))
        {
          g_print ("e-vanguard-cli %s\n", PACKAGE_VERSION);
          *status = EVG_CLI_OK;
          return -1;
        }
      else if (g_str_equal (arg, "--json"))
        cli->json = TRUE;
      else if ((g_str_equal (arg, "--database") || g_str_equal (arg, "-d")) && i + 1 < argc)
        {
          g_free (cli->database);
          cli->database = g_strdup (argv[++i]);
        }
      else if (g_str_has_prefix (arg, "--database="))
        {
          g_free (cli->database);
          cli->database = g_strdup (arg + strlen ("--database="));
        }
      else if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        break;
      else
        {
          evg_cli_error (_("Unknown option “%s”."), arg);
          *status = EVG_CLI_USAGE;
          return -1;
        }
    }

  return i;
}

int
evg_cli_run (int    argc,
             char **argv)
{
  EvgCli cli = { 0 };
  int status = EVG_CLI_OK;
  int first;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("e-vanguard-cli");

  first = take_global_options (&cli, argc, argv, &status);
  if (first >= 0)
    status = evg_cli_dispatch (&cli, NULL, commands, G_N_ELEMENTS (commands),
                               argc - first, argv + first);

  g_clear_object (&cli.store);
  g_free (cli.database);
  return status;
}
