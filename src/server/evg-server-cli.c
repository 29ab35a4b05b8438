/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-server"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "evg-server-db.h"
#include "evg-server-inbox.h"
#include "evg-server-public.h"
#include "evg-server.h"

/* The command line of e-vanguard-server: `serve` and the admin commands.
 * Exit statuses follow e-vanguard-cli: 0 done, 1 failed, 2 usage. */

#define DEFAULT_DATABASE "/var/lib/e-vanguard-server/server.db"

typedef struct
{
  char     *database;
  gboolean  json;
} Options;

static void
error_message (const char *format,
               ...) G_GNUC_PRINTF (1, 2);

static void
error_message (const char *format,
               ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("e-vanguard-server: %s\n", message);
}

static const char *
database_path (Options *options)
{
  const char *env = g_getenv ("EVG_SERVER_DATABASE");

  if (options->database != NULL)
    return options->database;
  if (env != NULL && *env != '\0')
    return env;
  return DEFAULT_DATABASE;
}

/* Parses @argv with the common --database option plus @entries; returns
 * the positional arguments count or -1 after printing a usage error. */
static int
parse (Options            *options,
       const char         *parameters,
       const char         *summary,
       const GOptionEntry *entries,
       int                *argc,
       char             ***argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autoptr(GError) error = NULL;
  const GOptionEntry common[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, &options->database,
      N_("The server database (default: $EVG_SERVER_DATABASE, else "
         "/var/lib/e-vanguard-server/server.db)"),
      N_("PATH") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json, N_("Print the result as JSON"), NULL },
    { NULL }
  };

  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  g_option_context_add_main_entries (context, common, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      error_message ("%s", error->message);
      return -1;
    }
  return *argc - 1;
}

/* Reads ADDR:PORT, [IPv6]:PORT or localhost:PORT. */
static GInetSocketAddress *
parse_listen (const char  *text,
              GError     **error)
{
  g_autofree char *host = NULL;
  const char *colon = strrchr (text, ':');
  guint64 port;
  GSocketAddress *address;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    goto bad;
  host = g_strndup (text, (gsize) (colon - text));
  if (host[0] == '[' && host[strlen (host) - 1] == ']')
    {
      char *inner = g_strndup (host + 1, strlen (host) - 2);

      g_free (host);
      host = inner;
    }
  if (g_str_equal (host, "localhost"))
    {
      g_free (host);
      host = g_strdup ("127.0.0.1");
    }
  address = g_inet_socket_address_new_from_string (host, (guint) port);
  if (address == NULL)
    goto bad;
  return G_INET_SOCKET_ADDRESS (address);

bad:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               _("“%s” is not an address to listen on; write it as ADDRESS:PORT, "
                 "for example 127.0.0.1:8443 or [::]:8443."), text);
  return NULL;
}

static gboolean
on_quit_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

static int
cmd_serve (Options  *options,
           int       argc,
           char    **argv)
{
  g_autofree char *listen = NULL;
  g_autofree char *certificate_path = NULL;
  g_autofree char *key_path = NULL;
  gboolean insecure = FALSE;
  int workers = 4;
  int max_connections = 0;
  int max_per_address = EVG_SERVER_DEFAULT_PER_ADDRESS;
  int idle_timeout = EVG_SERVER_DEFAULT_IDLE_TIMEOUT;
  int header_timeout = EVG_SERVER_DEFAULT_HEADER_TIMEOUT;
  int public_rate = EVG_PUBLIC_DEFAULT_PER_ADDRESS;
  int public_cap = EVG_PUBLIC_DEFAULT_DAILY_CAP;
  gboolean forwarded_for = FALSE;
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen,
      N_("Listen on ADDRESS:PORT (default 127.0.0.1:8443)"), N_("ADDRESS:PORT") },
    { "tls-certificate", 0, 0, G_OPTION_ARG_FILENAME, &certificate_path,
      N_("Serve HTTPS with the certificate (chain) in this PEM file"), N_("PEM") },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &key_path,
      N_("The private key of the certificate, as PEM"), N_("PEM") },
    { "insecure", 0, 0, G_OPTION_ARG_NONE, &insecure,
      N_("Allow plain HTTP on an address other than loopback (tokens travel in clear)"), NULL },
    { "workers", 0, 0, G_OPTION_ARG_INT, &workers,
      N_("Database worker threads (default 4)"), N_("N") },
    { "max-connections", 0, 0, G_OPTION_ARG_INT, &max_connections,
      N_("Connections open at once (default: as many as the descriptor limit leaves room for)"), N_("N") },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &max_per_address,
      N_("Connections open at once from one IP address (default 32)"), N_("N") },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &idle_timeout,
      N_("Close a connection after this many seconds without traffic (default 30)"), N_("SECONDS") },
    { "header-timeout", 0, 0, G_OPTION_ARG_INT, &header_timeout,
      N_("Close a connection whose request headers take longer than this (default 20)"), N_("SECONDS") },
    { "public-rate", 0, 0, G_OPTION_ARG_INT, &public_rate,
      N_("Messages one address may send through the public pages in an hour; 0: no limit (default 20)"), N_("N") },
    { "public-daily-cap", 0, 0, G_OPTION_ARG_INT, &public_cap,
      N_("Messages one branch takes through its public page in a day; 0: no cap (default 200)"), N_("N") },
    { "forwarded-for", 0, 0, G_OPTION_ARG_NONE, &forwarded_for,
      N_("Behind a proxy on this machine: count each client by the last address of X-Forwarded-For"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetSocketAddress) address = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autofree char *certificate_pem = NULL;
  g_autofree char *key_pem = NULL;
  EvgServerLimits limits;
  g_autoptr(EvgServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GSList *uris;

  if (parse (options, NULL, _("Runs the sync server until it receives SIGTERM or SIGINT."),
             entries, &argc, &argv) != 0)
    return 2;

  address = parse_listen (listen != NULL ? listen : "127.0.0.1:8443", &error);
  if (address == NULL)
    {
      error_message ("%s", error->message);
      return 2;
    }
  if ((certificate_path == NULL) != (key_path == NULL))
    {
      error_message (_("Give both --tls-certificate and --tls-key, or neither."));
      return 2;
    }
  if (certificate_path == NULL && !insecure &&
      !g_inet_address_get_is_loopback (g_inet_socket_address_get_address (address)))
    {
      error_message (_("Refusing to serve plain HTTP on %s: the branch tokens would travel in "
                       "clear. Give --tls-certificate and --tls-key, or --insecure if a TLS "
                       "proxy in front of the server takes care of it."), listen);
      return 2;
    }
  if (workers < 1 || workers > 64)
    {
      error_message (_("--workers takes a number from 1 to 64."));
      return 2;
    }
  if (max_connections < 0 || max_per_address < 1 || idle_timeout < 1 || header_timeout < 1 ||
      public_rate < 0 || public_cap < 0)
    {
      error_message (_("The connection limits and timeouts take positive numbers."));
      return 2;
    }
  if (certificate_path != NULL)
    {
      /* GLib reads the pair first for its clear messages; the HTTP server
       * takes the PEM text itself. */
      certificate = g_tls_certificate_new_from_files (certificate_path, key_path, &error);
      if (certificate == NULL ||
          !g_file_get_contents (certificate_path, &certificate_pem, NULL, &error) ||
          !g_file_get_contents (key_path, &key_pem, NULL, &error))
        {
          error_message (_("Cannot read the TLS certificate or key: %s"), error->message);
          return 2;
        }
    }
  evg_server_limits_init (&limits);
  limits.max_connections = (guint) max_connections;
  limits.max_per_address = (guint) max_per_address;
  limits.idle_timeout_s = (guint) idle_timeout;
  limits.header_timeout_s = (guint) header_timeout;
  limits.public_per_address = public_rate == 0 ? G_MAXUINT : (guint) public_rate;
  limits.public_daily_cap = public_cap == 0 ? G_MAXUINT : (guint) public_cap;
  limits.forwarded_for = forwarded_for;

  /* Each branch syncing at once holds a connection: allow as many open
   * files as the system lets this user have.  The connection cap follows
   * from what this leaves (evg_server_new()). */
  {
    struct rlimit limit;

    if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
      {
        limit.rlim_cur = limit.rlim_max;
        setrlimit (RLIMIT_NOFILE, &limit);
      }
  }

  server = evg_server_new (database_path (options), certificate_pem, key_pem, (guint) workers,
                           &limits, &error);
  if (server == NULL || !evg_server_listen (server, address, &error))
    {
      error_message ("%s", error->message);
      return 1;
    }

  /* Before the “listening” line: whoever reads it may signal at once. */
  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  g_unix_signal_add (SIGINT, on_quit_signal, loop);

  uris = evg_server_get_uris (server);
  for (GSList *l = uris; l != NULL; l = l->next)
    {
      g_autofree char *text = g_uri_to_string (l->data);

      /* Tests read the port from this line when they listen on port 0. */
      g_print ("listening on %s\n", text);
    }
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  fflush (stdout);

  g_main_loop_run (loop);

  evg_server_shutdown (server);
  return 0;
}

static EvgServerDb *
open_db (Options *options)
{
  g_autoptr(GError) error = NULL;
  EvgServerDb *db = evg_server_db_open (database_path (options), &error);

  if (db == NULL)
    error_message ("%s", error->message);
  return db;
}

static void
print_token (const char *code,
             const char *token)
{
  g_printerr (_("The token of branch %s follows. It is shown only this once: give it to the "
                "branch office over a safe channel (it goes into E-Vanguard’s sync settings).\n"),
              code);
  g_print ("%s\n", token);
}

static int
cmd_branch_add (Options  *options,
                int       argc,
                char    **argv)
{
  g_autoptr(EvgServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  if (parse (options, N_("CODE NAME"), _("Registers a branch and prints its token once."),
             NULL, &argc, &argv) != 2)
    {
      error_message (_("Usage: e-vanguard-server branch add CODE NAME"));
      return 2;
    }
  db = open_db (options);
  if (db == NULL)
    return 1;
  token = evg_server_db_add_branch (db, argv[1], argv[2], &error);
  if (token == NULL)
    {
      error_message ("%s", error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_FAILED) ? 1 : 2;
    }
  print_token (argv[1], token);
  return 0;
}

static int
cmd_branch_rotate (Options  *options,
                   int       argc,
                   char    **argv)
{
  g_autoptr(EvgServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;

  if (parse (options, N_("CODE"), _("Replaces the branch's token; the old one stops working."),
             NULL, &argc, &argv) != 1)
    {
      error_message (_("Usage: e-vanguard-server branch rotate-token CODE"));
      return 2;
    }
  db = open_db (options);
  if (db == NULL)
    return 1;
  token = evg_server_db_rotate_token (db, argv[1], &error);
  if (token == NULL)
    {
      error_message ("%s", error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? 2 : 1;
    }
  print_token (argv[1], token);
  return 0;
}

static int
cmd_branch_revoke (Options  *options,
                   int       argc,
                   char    **argv)
{
  g_autoptr(EvgServerDb) db = NULL;
  g_autoptr(GError) error = NULL;

  if (parse (options, N_("CODE"),
             _("Revokes the branch's token; “branch rotate-token” issues a new one."),
             NULL, &argc, &argv) != 1)
    {
      error_message (_("Usage: e-vanguard-server branch revoke CODE"));
      return 2;
    }
  db = open_db (options);
  if (db == NULL)
    return 1;
  if (!evg_server_db_revoke_branch (db, argv[1], &error))
    {
      error_message ("%s", error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? 2 : 1;
    }
  g_printerr (_("The token of branch %s is revoked.\n"), argv[1]);
  return 0;
}

static int
cmd_branch_page (Options  *options,
                 int       argc,
                 char    **argv)
{
  g_autoptr(EvgServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  gboolean on = FALSE;
  int n = parse (options, N_("CODE [on|off]"),
                 _("Shows whether the branch's public page (/f/CODE) takes residents' messages, "
                   "or turns it on or off."),
                 NULL, &argc, &argv);

  if ((n != 1 && n != 2) ||
      (n == 2 && !g_str_equal (argv[2], "on") && !g_str_equal (argv[2], "off")))
    {
      error_message (_("Usage: e-vanguard-server branch page CODE [on|off]"));
      return 2;
    }
  db = open_db (options);
  if (db == NULL)
    return 1;
  if (n == 2 && !evg_server_db_set_page (db, argv[1], g_str_equal (argv[2], "on"), &error))
    {
      error_message ("%s", error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? 2 : 1;
    }
  if (!evg_server_db_get_page (db, argv[1], NULL, &on))
    {
      error_message (_("There is no branch with the code “%s”."), argv[1]);
      return 2;
    }
  if (options->json)
    g_print ("{\"branch\":\"%s\",\"enabled\":%s,\"path\":\"/f/%s\"}\n", argv[1],
             on ? "true" : "false", argv[1]);
  else
    g_print (on ? _("The public page of %s is on: /f/%s\n") : _("The public page of %s is off.\n"),
             argv[1], argv[1]);
  return 0;
}

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) time = NULL;

  if (ms <= 0)
    return g_strdup ("-");
  time = g_date_time_new_from_unix_local (ms / 1000);
  return g_date_time_format (time, "%Y-%m-%d %H:%M");
}

static int
cmd_branch_list (Options  *options,
                 int       argc,
                 char    **argv)
{
  g_autoptr(EvgServerDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) branches = NULL;

  if (parse (options, NULL, _("Lists the branches, whether their token works, and their changes."),
             NULL, &argc, &argv) != 0)
    return 2;
  db = open_db (options);
  if (db == NULL)
    return 1;
  branches = evg_server_db_list_branches (db, &error);
  if (branches == NULL)
    {
      error_message ("%s", error->message);
      return 1;
    }

  if (options->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = json_generator_new ();
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < branches->len; i++)
        {
          EvgServerBranch *b = g_ptr_array_index (branches, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "code");
          json_builder_add_string_value (builder, b->code);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, b->name);
          json_builder_set_member_name (builder, "revoked");
          json_builder_add_boolean_value (builder, b->revoked);
          json_builder_set_member_name (builder, "changes");
          json_builder_add_int_value (builder, b->n_changes);
          json_builder_set_member_name (builder, "last_push_at");
          json_builder_add_int_value (builder, b->last_push_at);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      json_generator_set_pretty (generator, TRUE);
      json_generator_set_root (generator, root);
      text = json_generator_to_data (generator, NULL);
      g_print ("%s\n", text);
      return 0;
    }

  g_print ("%-16s %-8s %10s  %-16s  %s\n", _("CODE"), _("TOKEN"), _("CHANGES"), _("LAST PUSH"),
           _("NAME"));
  for (guint i = 0; i < branches->len; i++)
    {
      EvgServerBranch *b = g_ptr_array_index (branches, i);
      g_autofree char *last = format_time (b->last_push_at);

      g_print ("%-16s %-8s %10" G_GINT64_FORMAT "  %-16s  %s\n", b->code,
               b->revoked ? _("revoked") : _("active"), b->n_changes, last, b->name);
    }
  return 0;
}

static int
cmd_backup (Options  *options,
            int       argc,
            char    **argv)
{
  g_autoptr(EvgServerDb) db = NULL;
  g_autoptr(GError) error = NULL;

  if (parse (options, N_("FILE"),
             _("Copies the database to FILE, safely while the server runs. A restored copy "
               "makes every client send again what the server lost."),
             NULL, &argc, &argv) != 1)
    {
      error_message (_("Usage: e-vanguard-server backup FILE"));
      return 2;
    }
  db = open_db (options);
  if (db == NULL)
    return 1;
  if (!evg_server_db_backup (db, argv[1], &error))
    {
      error_message ("%s", error->message);
      return 1;
    }
  g_printerr (_("Backed up to %s.\n"), argv[1]);
  return 0;
}

static int
cmd_restore (Options  *options,
             int       argc,
             char    **argv)
{
  g_autoptr(GError) error = NULL;

  if (parse (options, N_("FILE"),
             _("Replaces the database with the backup FILE. Stop the server first."),
             NULL, &argc, &argv) != 1)
    {
      error_message (_("Usage: e-vanguard-server restore FILE"));
      return 2;
    }
  if (!evg_server_db_restore (argv[1], database_path (options), &error))
    {
      error_message ("%s", error->message);
      return 1;
    }
  g_printerr (_("Restored %s from %s. Clients will send again what the backup lacks.\n"),
              database_path (options), argv[1]);
  return 0;
}

static void
usage (void)
{
  g_print ("%s\n", _("Usage: e-vanguard-server [--version] COMMAND [OPTIONS…]"));
  g_print ("\n%s\n", _("Commands:"));
  g_print ("  serve [--listen ADDR:PORT] [--tls-certificate PEM --tls-key PEM] [--insecure]\n");
  g_print ("  branch add CODE NAME\n  branch list\n  branch rotate-token CODE\n"
           "  branch revoke CODE\n  branch page CODE [on|off]\n  backup FILE\n  restore FILE\n");
  g_print ("\n%s\n", _("Every command takes --database PATH. Run a command with --help to see its options."));
}

int
evg_server_main (int    argc,
                 char **argv)
{
  Options options = { 0 };
  const char *command;
  int status = 2;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  command = argc > 1 ? argv[1] : NULL;
  if (command == NULL)
    {
      usage ();
      return 2;
    }
  if (g_str_equal (command, "--version"))
    {
      g_print ("e-vanguard-server %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_str_equal (command, "--help") || g_str_equal (command, "-h") || g_str_equal (command, "help"))
    {
      usage ();
      return 0;
    }

  g_set_prgname ("e-vanguard-server");
  if (g_str_equal (command, "serve"))
    status = cmd_serve (&options, argc - 1, argv + 1);
  else if (g_str_equal (command, "backup"))
    status = cmd_backup (&options, argc - 1, argv + 1);
  else if (g_str_equal (command, "restore"))
    status = cmd_restore (&options, argc - 1, argv + 1);
  else if (g_str_equal (command, "branch") && argc > 2)
    {
      const char *sub = argv[2];

      if (g_str_equal (sub, "add"))
        status = cmd_branch_add (&options, argc - 2, argv + 2);
      else if (g_str_equal (sub, "list"))
        status = cmd_branch_list (&options, argc - 2, argv + 2);
      else if (g_str_equal (sub, "rotate-token"))
        status = cmd_branch_rotate (&options, argc - 2, argv + 2);
      else if (g_str_equal (sub, "revoke"))
        status = cmd_branch_revoke (&options, argc - 2, argv + 2);
      else if (g_str_equal (sub, "page"))
        status = cmd_branch_page (&options, argc - 2, argv + 2);
      else
        {
          error_message (_("Unknown command “branch %s”."), sub);
          usage ();
        }
    }
  else
    {
      error_message (_("Unknown command “%s”."), command);
      usage ();
    }

  g_free (options.database);
  return status;
}
