/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-cli"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-cli.h"
#include "evg-schema.h"

int
evg_cli_info (EvgCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *branch_name = NULL;
  g_autofree char *branch_code = NULL;
  const EvgTableSpec **tables;
  guint n_tables;
  EvgStore *store;

  context = evg_cli_option_context (cli, NULL,
                                    _("Shows where the database is, its schema version, "
                                      "this workstation’s site id and how many records it holds."),
                                    NULL);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc > 1)
    {
      evg_cli_error (_("“info” takes no arguments."));
      return EVG_CLI_USAGE;
    }

  store = evg_cli_get_store_for_reading (cli);
  if (store == NULL)
    return EVG_CLI_USAGE;

  branch_name = evg_store_get_meta (store, "branch_name");
  branch_code = evg_store_get_meta (store, "branch_code");
  tables = evg_schema_get_tables (&n_tables);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "database");
  json_builder_add_string_value (builder, evg_store_get_path (store));
  json_builder_set_member_name (builder, "read_only");
  json_builder_add_boolean_value (builder, evg_store_is_read_only (store));
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, evg_store_get_schema_version (store));
  json_builder_set_member_name (builder, "site_id");
  json_builder_add_string_value (builder, evg_store_get_site_id (store));
  json_builder_set_member_name (builder, "branch_name");
  json_builder_add_string_value (builder, branch_name);
  json_builder_set_member_name (builder, "branch_code");
  json_builder_add_string_value (builder, branch_code);
  json_builder_set_member_name (builder, "pending_changes");
  json_builder_add_int_value (builder, evg_store_count_pending (store));
  json_builder_set_member_name (builder, "counts");
  json_builder_begin_object (builder);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 count = evg_store_count_rows (store, tables[i]->name, &error);

      if (count < 0)
        {
          evg_cli_error ("%s", error->message);
          return EVG_CLI_FAILED;
        }
      json_builder_set_member_name (builder, tables[i]->name);
      json_builder_add_int_value (builder, count);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  if (cli->json)
    {
      evg_cli_print_json (root);
      return EVG_CLI_OK;
    }

  {
    JsonObject *obj = json_node_get_object (root);
    JsonObject *counts = json_object_get_object_member (obj, "counts");
    g_autoptr(GList) names = json_object_get_members (counts);

    if (evg_store_is_read_only (store))
      g_print (_("Database:        %s (read only: its folder or file may not be written)\n"),
               evg_store_get_path (store));
    else
      g_print (_("Database:        %s\n"), evg_store_get_path (store));
    g_print (_("Schema version:  %u\n"), evg_store_get_schema_version (store));
    g_print (_("Site id:         %s\n"), evg_store_get_site_id (store));
    g_print (_("Branch:          %s %s\n"),
             branch_code != NULL ? branch_code : _("(not set)"),
             branch_name != NULL ? branch_name : "");
    {
      g_autofree char *pending = g_strdup_printf ("%" G_GINT64_FORMAT, evg_store_count_pending (store));
      g_print (_("Changes waiting: %s\n"), pending);
    }
    for (GList *l = names; l != NULL; l = l->next)
      g_print ("  %-14s %" G_GINT64_FORMAT "\n", (const char *) l->data,
               json_object_get_int_member (counts, l->data));
  }

  return EVG_CLI_OK;
}
