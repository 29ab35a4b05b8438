/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-cli"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-cli.h"
#include "evg-sync-client.h"
#include "evg-sync-protocol.h"

/* `e-vanguard-cli sync …`: the same EvgSyncClient the app uses, driven
 * from a terminal and from the sync tests. */

typedef struct
{
  GMainLoop     *loop;
  GAsyncResult  *result;
} Wait;

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static void
wait_run (Wait *wait)
{
  g_main_loop_run (wait->loop);
}

static void
wait_clear (Wait *wait)
{
  g_clear_pointer (&wait->loop, g_main_loop_unref);
  g_clear_object (&wait->result);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Wait, wait_clear)

static int
fail_with (const GError *error)
{
  const char *hint = evg_sync_error_get_hint (error);

  evg_cli_error ("%s", error->message);
  if (hint != NULL)
    g_printerr ("%s\n", hint);
  if (g_error_matches (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED))
    return EVG_CLI_USAGE;
  return EVG_CLI_FAILED;
}

static const char *
error_code_name (const GError *error)
{
  static const char * const names[] = {
    "failed", "not_configured", "network", "tls", "unauthorized", "revoked",
    "server_too_old", "client_too_old", "bad_response", "server", "request",
    "clock_skew", "resync", "busy", "wrong_branch",
  };

  if (error->domain == EVG_SYNC_ERROR && error->code >= 0 && (guint) error->code < G_N_ELEMENTS (names))
    return names[error->code];
  return "failed";
}

static void
print_error_json (const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_add_string_value (builder, error_code_name (error));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, error->message);
  json_builder_set_member_name (builder, "hint");
  json_builder_add_string_value (builder, evg_sync_error_get_hint (error));
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  evg_cli_print_json (root);
}

static int
sync_setup (EvgCli  *cli,
            int      argc,
            char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *branch_code = NULL;
  g_autofree char *branch_name = NULL;
  g_autofree char *local_code = NULL;
  gboolean no_check = FALSE;
  GOptionEntry entries[] = {
    { "no-check", 0, 0, G_OPTION_ARG_NONE, &no_check,
      N_("Save without asking the server whether the token works"), NULL },
    { NULL }
  };
  EvgStore *store;

  context = evg_cli_option_context (cli, _("URL TOKEN"),
                                    _("Sets up sync with a server: its address and the token "
                                      "its administrator gave this branch. The server is asked "
                                      "first whether the token works and whose it is."),
                                    entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 3)
    {
      evg_cli_error (_("“sync setup” takes the server address and the token."));
      return EVG_CLI_USAGE;
    }
  store = evg_cli_get_store (cli);
  if (store == NULL)
    return EVG_CLI_USAGE;
  client = evg_sync_client_new (store);

  if (!no_check)
    {
      g_auto(Wait) wait = { g_main_loop_new (NULL, FALSE), NULL };

      evg_sync_client_test_connection_async (client, argv[1], argv[2], NULL, on_done, &wait);
      wait_run (&wait);
      if (!evg_sync_client_test_connection_finish (client, wait.result, &branch_code, &branch_name,
                                                   &error))
        return fail_with (error);

      /* The server decides which branch a token belongs to; a workstation
       * already set up for another branch must not start mixing records. */
      local_code = evg_store_get_meta (store, "branch_code");
      if (local_code != NULL && g_strcmp0 (local_code, branch_code) != 0)
        {
          g_set_error (&error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_WRONG_BRANCH,
                       _("This token belongs to branch %s, but this database belongs to branch %s."),
                       branch_code, local_code);
          return fail_with (error);
        }
      if (local_code == NULL &&
          (!evg_store_set_meta (store, "branch_code", branch_code, &error) ||
           !evg_store_set_meta (store, "branch_name", branch_name, &error)))
        return fail_with (error);
    }

  if (!evg_sync_client_configure (client, argv[1], argv[2], &error))
    return fail_with (error);

  if (branch_code != NULL)
    g_print (_("Sync is set up with %s for branch %s (%s).\n"), argv[1], branch_code, branch_name);
  else
    g_print (_("Sync is set up with %s.\n"), argv[1]);
  return EVG_CLI_OK;
}

static int
sync_now (EvgCli  *cli,
          int      argc,
          char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncReport) report = NULL;
  g_auto(Wait) wait = { NULL, NULL };
  EvgStore *store;

  context = evg_cli_option_context (cli, NULL,
                                    _("Sends this workstation’s changes to the server and "
                                      "receives the others’, then reports what happened."),
                                    NULL);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc > 1)
    {
      evg_cli_error (_("“sync now” takes no arguments."));
      return EVG_CLI_USAGE;
    }
  store = evg_cli_get_store (cli);
  if (store == NULL)
    return EVG_CLI_USAGE;
  client = evg_sync_client_new (store);

  wait.loop = g_main_loop_new (NULL, FALSE);
  evg_sync_client_sync_async (client, NULL, on_done, &wait);
  wait_run (&wait);
  report = evg_sync_client_sync_finish (client, wait.result, &error);
  if (report == NULL)
    {
      if (cli->json)
        print_error_json (error);
      return fail_with (error);
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      evg_cli_json_add_int (builder, "pushed", report->pushed);
      evg_cli_json_add_int (builder, "duplicates", report->duplicates);
      evg_cli_json_add_int (builder, "pulled", report->pulled);
      evg_cli_json_add_int (builder, "conflicts", report->conflicts);
      evg_cli_json_add_int (builder, "rejected", report->rejected);
      evg_cli_json_add_int (builder, "pending", evg_sync_client_get_pending_count (client));
      evg_cli_json_add_int (builder, "open_conflicts", evg_sync_client_get_conflict_count (client));
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      evg_cli_print_json (root);
    }
  else
    {
      g_print (_("Sent: %u   Received: %u   New conflicts: %u   Rejected: %u\n"),
               report->pushed + report->duplicates, report->pulled, report->conflicts,
               report->rejected);
      if (evg_sync_client_get_conflict_count (client) > 0)
        g_print (_("%u conflicts wait for a decision: see “e-vanguard-cli sync conflicts”.\n"),
                 evg_sync_client_get_conflict_count (client));
    }

  return report->rejected > 0 ? EVG_CLI_REJECTED : EVG_CLI_OK;
}

static const char *
state_name (EvgSyncState state)
{
  GEnumClass *klass = g_type_class_ref (EVG_TYPE_SYNC_STATE);
  GEnumValue *value = g_enum_get_value (klass, (gint) state);
  const char *name = value != NULL ? value->value_nick : "unknown";

  g_type_class_unref (klass);
  return name;
}

static int
sync_status (EvgCli  *cli,
             int      argc,
             char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgSyncClient) client = NULL;
  g_autofree char *epoch = NULL;
  EvgStore *store;
  gint64 last;

  context = evg_cli_option_context (cli, NULL,
                                    _("Shows the sync server, when the last sync completed, the "
                                      "changes waiting and the open conflicts."),
                                    NULL);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc > 1)
    {
      evg_cli_error (_("“sync status” takes no arguments."));
      return EVG_CLI_USAGE;
    }
  store = evg_cli_get_store_for_reading (cli);
  if (store == NULL)
    return EVG_CLI_USAGE;
  client = evg_sync_client_new (store);
  last = evg_sync_client_get_last_synced (client);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "configured");
      json_builder_add_boolean_value (builder, evg_sync_client_get_configured (client));
      json_builder_set_member_name (builder, "server_url");
      json_builder_add_string_value (builder, evg_sync_client_get_server_url (client));
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, state_name (evg_sync_client_get_state (client)));
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, evg_sync_client_get_status_message (client));
      json_builder_set_member_name (builder, "hint");
      json_builder_add_string_value (builder, evg_sync_client_get_error_hint (client));
      evg_cli_json_add_int (builder, "last_synced", last);
      evg_cli_json_add_int (builder, "pending", evg_sync_client_get_pending_count (client));
      evg_cli_json_add_int (builder, "open_conflicts", evg_sync_client_get_conflict_count (client));
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      evg_cli_print_json (root);
      return EVG_CLI_OK;
    }

  g_print (_("Server:          %s\n"), evg_sync_client_get_configured (client)
           ? evg_sync_client_get_server_url (client) : _("(not set up)"));
  g_print (_("State:           %s\n"), evg_sync_client_get_status_message (client));
  if (evg_sync_client_get_error_hint (client) != NULL)
    g_print ("                 %s\n", evg_sync_client_get_error_hint (client));
  if (last > 0)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_unix_local (last);
      g_autofree char *text = g_date_time_format (time, "%Y-%m-%d %H:%M:%S");

      g_print (_("Last synced:     %s\n"), text);
    }
  else
    g_print (_("Last synced:     never\n"));
  g_print (_("Changes waiting: %u\n"), evg_sync_client_get_pending_count (client));
  g_print (_("Open conflicts:  %u\n"), evg_sync_client_get_conflict_count (client));
  return EVG_CLI_OK;
}

static int
sync_conflicts (EvgCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgSyncClient) client = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  GListModel *model;
  EvgStore *store;

  context = evg_cli_option_context (cli, NULL,
                                    _("Lists the conflicts and refused changes that wait for a "
                                      "decision, with both values."),
                                    NULL);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  store = evg_cli_get_store_for_reading (cli);
  if (store == NULL)
    return EVG_CLI_USAGE;
  client = evg_sync_client_new (store);
  model = evg_sync_client_get_conflicts (client);

  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(EvgSyncConflict) c = g_list_model_get_item (model, i);
      g_autofree char *summary = evg_sync_conflict_dup_summary (c);

      if (!cli->json)
        {
          g_print ("#%" G_GINT64_FORMAT "  %s %s  [%s]\n  %s\n", evg_sync_conflict_get_id (c),
                   evg_sync_conflict_get_table (c), evg_sync_conflict_get_row_id (c),
                   evg_sync_conflict_get_kind (c), summary);
          g_print (_("  here:   %s\n  there:  %s\n"), evg_sync_conflict_get_local_value (c),
                   evg_sync_conflict_get_remote_value (c));
          continue;
        }
      json_builder_begin_object (builder);
      evg_cli_json_add_int (builder, "id", evg_sync_conflict_get_id (c));
      json_builder_set_member_name (builder, "table");
      json_builder_add_string_value (builder, evg_sync_conflict_get_table (c));
      json_builder_set_member_name (builder, "row_id");
      json_builder_add_string_value (builder, evg_sync_conflict_get_row_id (c));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, evg_sync_conflict_get_kind (c));
      json_builder_set_member_name (builder, "local");
      json_builder_add_string_value (builder, evg_sync_conflict_get_local_value (c));
      json_builder_set_member_name (builder, "remote");
      json_builder_add_string_value (builder, evg_sync_conflict_get_remote_value (c));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (cli->json)
    {
      root = json_builder_get_root (builder);
      evg_cli_print_json (root);
    }
  return EVG_CLI_OK;
}

static int
sync_resolve (EvgCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  GListModel *model;
  EvgSyncResolution resolution;
  guint64 id;
  EvgStore *store;

  context = evg_cli_option_context (cli, _("ID keep-local|keep-remote"),
                                    _("Keeps one side of a conflict; the choice syncs."), NULL);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 3 || !g_ascii_string_to_unsigned (argv[1], 10, 1, G_MAXINT64, &id, NULL) ||
      (g_strcmp0 (argv[2], "keep-local") != 0 && g_strcmp0 (argv[2], "keep-remote") != 0))
    {
      evg_cli_error (_("“sync resolve” takes a conflict number and keep-local or keep-remote."));
      return EVG_CLI_USAGE;
    }
  resolution = g_str_equal (argv[2], "keep-local") ? EVG_SYNC_RESOLUTION_KEEP_LOCAL
                                                   : EVG_SYNC_RESOLUTION_KEEP_REMOTE;
  store = evg_cli_get_store (cli);
  if (store == NULL)
    return EVG_CLI_USAGE;
  client = evg_sync_client_new (store);
  model = evg_sync_client_get_conflicts (client);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(EvgSyncConflict) c = g_list_model_get_item (model, i);

      if ((guint64) evg_sync_conflict_get_id (c) != id)
        continue;
      if (!evg_sync_client_resolve_conflict (client, c, resolution, &error))
        {
          evg_cli_error ("%s", error->message);
          return EVG_CLI_FAILED;
        }
      return EVG_CLI_OK;
    }
  evg_cli_error (_("There is no open conflict number %s."), argv[1]);
  return EVG_CLI_USAGE;
}

/* sync page [on|off]: the branch's public feedback page on the server. */
static int
sync_page (EvgCli  *cli,
           int      argc,
           char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgSyncClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Wait) wait = { NULL, NULL };
  gboolean enabled = FALSE;
  int enable = -1;
  EvgStore *store;

  context = evg_cli_option_context (cli, _("[on|off]"),
                                    _("Shows whether the branch's page for residents' messages on the "
                                      "server takes messages, or turns it on or off."), NULL);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc == 2 && g_str_equal (argv[1], "on"))
    enable = 1;
  else if (argc == 2 && g_str_equal (argv[1], "off"))
    enable = 0;
  else if (argc != 1)
    {
      evg_cli_error (_("“sync page” takes on, off, or nothing to show the setting."));
      return EVG_CLI_USAGE;
    }
  store = enable >= 0 ? evg_cli_get_store (cli) : evg_cli_get_store_for_reading (cli);
  if (store == NULL)
    return EVG_CLI_USAGE;
  client = evg_sync_client_new (store);
  wait.loop = g_main_loop_new (NULL, FALSE);
  evg_sync_client_public_page_async (client, enable, NULL, on_done, &wait);
  wait_run (&wait);
  if (!evg_sync_client_public_page_finish (client, wait.result, &enabled, &error))
    return fail_with (error);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      evg_cli_json_add_bool (builder, "enabled", enabled);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      evg_cli_print_json (root);
    }
  else
    g_print ("%s\n", enabled ? _("The branch's page for residents' messages is on.")
                             : _("The branch's page for residents' messages is off."));
  return EVG_CLI_OK;
}

static const EvgCliCommand sync_commands[] = {
  { "setup", N_("Set up sync with a server address and the branch’s token"), sync_setup },
  { "now", N_("Sync now and report what was sent and received"), sync_now },
  { "status", N_("Show the sync state, changes waiting and conflicts"), sync_status },
  { "conflicts", N_("List the conflicts that wait for a decision"), sync_conflicts },
  { "resolve", N_("Keep one side of a conflict"), sync_resolve },
  { "page", N_("Turn the branch's page for residents' messages on or off"), sync_page },
};

int
evg_cli_sync (EvgCli  *cli,
              int      argc,
              char   **argv)
{
  return evg_cli_dispatch (cli, "sync", sync_commands, G_N_ELEMENTS (sync_commands),
                           argc - 1, argv + 1);
}
