/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-cli"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-cli.h"
#include "evg-member-cards.h"
#include "evg-member-io.h"
#include "evg-member-list.h"
#include "evg-roster.h"

/* `e-vanguard-cli members …`: the roster service from a terminal, with
 * JSON output that uses DOMAIN.md's field names. */

/* The roster, for commands that only read it. */
static EvgRoster *
open_roster (EvgCli *cli)
{
  g_autoptr(GError) error = NULL;
  EvgStore *store = evg_cli_get_store_for_reading (cli);
  EvgRoster *roster;

  if (store == NULL)
    return NULL;
  roster = evg_roster_new (store, &error);
  if (roster == NULL)
    evg_cli_error ("%s", error->message);
  return roster;
}

static void
add_optional_int (JsonBuilder *builder,
                  const char  *name,
                  int          value)
{
  json_builder_set_member_name (builder, name);
  if (value == EVG_MEMBER_NONE)
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, value);
}

/* A member as JSON: stored values under DOMAIN.md names, the party group by
 * name, flags as booleans, and the derived values. */
static void
add_member_json (JsonBuilder *builder,
                 EvgMember   *member,
                 gboolean     reveal)
{
  GDate today;

  evg_date_set_today (&today);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, evg_member_get_id (member));
  for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
    {
      const EvgMemberFieldInfo *info = evg_member_field_get_info (f);
      const char *value = evg_member_get (member, f);
      g_autofree char *masked = NULL;

      json_builder_set_member_name (builder, info->field);
      if (info->kind == EVG_FIELD_KIND_BOOLEAN)
        {
          json_builder_add_boolean_value (builder, g_strcmp0 (value, "1") == 0);
          continue;
        }
      if (f == EVG_MEMBER_PARTY_GROUP_ID)
        value = evg_member_get_party_group_name (member);
      else if (!reveal && f == EVG_MEMBER_ID_NUMBER)
        value = masked = evg_member_dup_masked_id_number (member);
      else if (!reveal && f == EVG_MEMBER_PHONE && value != NULL)
        value = masked = evg_member_dup_masked_phone (member);

      if (value == NULL)
        json_builder_add_null_value (builder);
      else
        json_builder_add_string_value (builder, value);
    }
  add_optional_int (builder, "age", evg_member_get_age (member, &today));
  add_optional_int (builder, "party_age", evg_member_get_party_age (member, &today));
  add_optional_int (builder, "days_to_full", evg_member_get_days_to_full (member, &today));
  json_builder_end_object (builder);
}

static int
members_import (EvgCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgImportResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gboolean dry_run = FALSE;
  gint64 max_mb = EVG_CSV_DEFAULT_MAX_SIZE / 1000 / 1000;
  g_autofree char *rejects = NULL;
  EvgStore *store;
  GOptionEntry entries[] = {
    { "dry-run", 'n', 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Check the file and report what would change, without writing"), NULL },
    { "rejects", 0, 0, G_OPTION_ARG_FILENAME, &rejects,
      N_("Save the rejected rows with the reasons to OUT (.csv or .xlsx), to fix and import again"),
      N_("OUT") },
    { "max-size", 0, 0, G_OPTION_ARG_INT64, &max_mb,
      N_("Refuse files larger than MB megabytes (default 200)"), N_("MB") },
    { NULL }
  };

  context = evg_cli_option_context (cli, _("FILE"),
                                    _("Imports members from an .xlsx workbook (the first sheet "
                                      "with a header row) or a CSV file (UTF-8 or GBK) with the "
                                      "national form’s Chinese headers or English field names. "
                                      "Rows with a known ID number update that member; blank cells "
                                      "never overwrite. Exit status 3 means some rows were rejected "
                                      "(the others were imported unless --dry-run)."),
                                    entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 2)
    {
      evg_cli_error (_("Name one file (.xlsx or .csv) to import."));
      return EVG_CLI_USAGE;
    }
  if (max_mb < 1 || max_mb > G_MAXINT64 / 1000 / 1000)
    {
      evg_cli_error (_("--max-size takes a whole number of megabytes, at least 1."));
      return EVG_CLI_USAGE;
    }

  /* No roster: nothing here shows a list, so its index need not be built.
   * A preview writes nothing, so it can look at a database it may not
   * write to. */
  store = dry_run ? evg_cli_get_store_for_reading (cli) : evg_cli_get_store (cli);
  if (store == NULL)
    return EVG_CLI_USAGE;

  result = evg_member_import_full (store, argv[1],
                                   dry_run ? EVG_IMPORT_FLAGS_DRY_RUN : EVG_IMPORT_FLAGS_NONE,
                                   (guint64) max_mb * 1000 * 1000, NULL, NULL, NULL, &error);
  if (result == NULL)
    {
      evg_cli_error ("%s", error->message);
      return g_error_matches (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE)
             ? EVG_CLI_USAGE : EVG_CLI_FAILED;
    }

  /* Only when there are any: no file is better than an empty one. */
  if (rejects != NULL && result->n_rejected_rows > 0 &&
      !evg_import_result_save_rejected (result, rejects, &error))
    {
      evg_cli_error ("%s", error->message);
      return EVG_CLI_FAILED;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "added");
      json_builder_add_int_value (builder, result->added);
      json_builder_set_member_name (builder, "updated");
      json_builder_add_int_value (builder, result->updated);
      json_builder_set_member_name (builder, "unchanged");
      json_builder_add_int_value (builder, result->unchanged);
      json_builder_set_member_name (builder, "rejected");
      json_builder_begin_array (builder);
      for (guint i = 0; i < result->rejected->len; i++)
        {
          EvgImportRejection *r = g_ptr_array_index (result->rejected, i);

          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "line");
          json_builder_add_int_value (builder, r->line);
          evg_cli_json_add_string (builder, "field", r->field);
          evg_cli_json_add_string (builder, "column", r->column);
          json_builder_set_member_name (builder, "message");
          json_builder_add_string_value (builder, r->message);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "rejected_rows");
      json_builder_add_int_value (builder, result->n_rejected_rows);
      json_builder_set_member_name (builder, "party_groups_added");
      json_builder_add_int_value (builder, result->groups_added);
      json_builder_set_member_name (builder, "ignored_columns");
      json_builder_begin_array (builder);
      for (guint i = 0; i < result->ignored_columns->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (result->ignored_columns, i));
      json_builder_end_array (builder);
      /* A CSV file's encoding, or the sheet a workbook's rows are on. */
      evg_cli_json_add_string (builder, "encoding", result->encoding);
      evg_cli_json_add_string (builder, "sheet", result->sheet);
      json_builder_set_member_name (builder, "written");
      json_builder_add_boolean_value (builder, result->written);
      /* Every physical line of the file, once: the last four add up to
       * the first. */
      json_builder_set_member_name (builder, "lines");
      json_builder_begin_object (builder);
      evg_cli_json_add_int (builder, "total", result->n_lines);
      evg_cli_json_add_int (builder, "header", result->n_header_lines);
      evg_cli_json_add_int (builder, "accepted", result->n_accepted_lines);
      evg_cli_json_add_int (builder, "rejected", result->n_rejected_lines);
      evg_cli_json_add_int (builder, "blank", result->n_blank_lines);
      json_builder_end_object (builder);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      evg_cli_print_json (root);
    }
  else
    {
      for (guint i = 0; i < result->rejected->len; i++)
        {
          EvgImportRejection *r = g_ptr_array_index (result->rejected, i);

          if (r->column != NULL)
            g_print (_("Line %u, column %s: %s\n"), r->line, r->column, r->message);
          else
            g_print (_("Line %u: %s\n"), r->line, r->message);
        }
      for (guint i = 0; i < result->ignored_columns->len; i++)
        g_print (_("Column “%s” is not a member field and was ignored.\n"),
                 (const char *) g_ptr_array_index (result->ignored_columns, i));
      g_print (dry_run ? _("Would add %u, update %u, leave %u unchanged; %u rows rejected.\n")
                       : _("Added %u, updated %u, left %u unchanged; %u rows rejected.\n"),
               result->added, result->updated, result->unchanged, result->n_rejected_rows);
      if (rejects != NULL && result->n_rejected_rows > 0)
        g_print (g_dngettext (GETTEXT_PACKAGE, "Saved %u rejected row to %s.\n",
                              "Saved %u rejected rows to %s.\n", result->n_rejected_rows),
                 result->n_rejected_rows, rejects);
      g_print (g_dngettext (GETTEXT_PACKAGE,
                            "The file has %u line: %u in the header, %u in accepted rows, %u in rejected rows, %u blank.\n",
                            "The file has %u lines: %u in the header, %u in accepted rows, %u in rejected rows, %u blank.\n",
                            result->n_lines),
               result->n_lines, result->n_header_lines, result->n_accepted_lines,
               result->n_rejected_lines, result->n_blank_lines);
    }

  return result->n_rejected_rows > 0 ? EVG_CLI_REJECTED : EVG_CLI_OK;
}

static int
members_export (EvgCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgRoster) roster = NULL;
  g_autoptr(GError) error = NULL;

  context = evg_cli_option_context (cli, _("FILE"),
                                    _("Exports every member, current and former, with the "
                                      "national form’s Chinese headers: to an .xlsx workbook of text "
                                      "cells when FILE ends in .xlsx, otherwise to a CSV file in "
                                      "UTF-8, ready for Excel and WPS."),
                                    NULL);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 2)
    {
      evg_cli_error (_("Name the file (.xlsx or .csv) to write."));
      return EVG_CLI_USAGE;
    }

  roster = open_roster (cli);
  if (roster == NULL)
    return EVG_CLI_USAGE;
  if (!evg_roster_export (roster, NULL, argv[1], &error))
    {
      evg_cli_error ("%s", error->message);
      return EVG_CLI_FAILED;
    }
  if (!cli->json)
    g_print (g_dngettext (GETTEXT_PACKAGE, "Exported %u member to %s.\n",
                          "Exported %u members to %s.\n", evg_roster_get_n_members (roster)),
             evg_roster_get_n_members (roster), argv[1]);
  return EVG_CLI_OK;
}

static int
members_list (EvgCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgRoster) roster = NULL;
  g_autoptr(EvgMemberList) list = NULL;
  g_autofree char *search = NULL;
  g_autofree char *scope = NULL;
  gboolean reveal = FALSE;
  guint n;
  GOptionEntry entries[] = {
    { "search", 's', 0, G_OPTION_ARG_STRING, &search,
      N_("Only members whose name, pinyin, phone or ID number contains TEXT"), N_("TEXT") },
    { "scope", 0, 0, G_OPTION_ARG_STRING, &scope,
      N_("current (the default), former or all"), N_("SCOPE") },
    { "reveal", 0, 0, G_OPTION_ARG_NONE, &reveal,
      N_("Show ID numbers and phone numbers in full"), NULL },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL,
                                    _("Lists members sorted by name. ID numbers and phone numbers "
                                      "are masked unless --reveal is given."),
                                    entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc > 1)
    {
      evg_cli_error (_("“list” takes no arguments; use --search TEXT."));
      return EVG_CLI_USAGE;
    }

  roster = open_roster (cli);
  if (roster == NULL)
    return EVG_CLI_USAGE;
  list = evg_member_list_new (roster);
  if (scope != NULL)
    {
      if (g_str_equal (scope, "former"))
        evg_member_list_set_scope (list, EVG_MEMBER_SCOPE_FORMER);
      else if (g_str_equal (scope, "all"))
        evg_member_list_set_scope (list, EVG_MEMBER_SCOPE_ALL);
      else if (!g_str_equal (scope, "current"))
        {
          evg_cli_error (_("The scope is current, former or all."));
          return EVG_CLI_USAGE;
        }
    }
  evg_member_list_set_search_text (list, search);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; i < n; i++)
        {
          g_autoptr(EvgMember) member = g_list_model_get_item (G_LIST_MODEL (list), i);

          add_member_json (builder, member, reveal);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      evg_cli_print_json (root);
      return EVG_CLI_OK;
    }

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgMember) member = g_list_model_get_item (G_LIST_MODEL (list), i);
      g_autofree char *id = reveal ? g_strdup (evg_member_get_id_number (member))
                                   : evg_member_dup_masked_id_number (member);
      g_autofree char *phone = reveal ? g_strdup (evg_member_get (member, EVG_MEMBER_PHONE))
                                      : evg_member_dup_masked_phone (member);
      g_autofree char *gender = evg_member_dup_display (member, EVG_MEMBER_GENDER);
      g_autofree char *category = evg_member_dup_display (member, EVG_MEMBER_CATEGORY);
      const char *group = evg_member_get_party_group_name (member);

      g_print ("%s\t%s\t%s\t%s\t%s\t%s\n", evg_member_get_name (member), gender, id, category,
               group != NULL ? group : "", phone != NULL ? phone : "");
    }
  g_printerr (_("%u of %u members shown.\n"), n, evg_member_list_get_n_total (list));
  return EVG_CLI_OK;
}

static int
members_show (EvgCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgRoster) roster = NULL;
  g_autoptr(EvgMember) member = NULL;
  GDate today;
  int age, party_age, days;

  context = evg_cli_option_context (cli, _("ID_NUMBER"),
                                    _("Shows every field of the member with this ID number, "
                                      "with age, 党龄 and the days to becoming a full member."),
                                    NULL);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 2)
    {
      evg_cli_error (_("Give the member’s ID number."));
      return EVG_CLI_USAGE;
    }

  roster = open_roster (cli);
  if (roster == NULL)
    return EVG_CLI_USAGE;
  member = evg_roster_lookup_id_number (roster, argv[1]);
  if (member == NULL)
    {
      evg_cli_error (_("No member has the ID number %s."), argv[1]);
      return EVG_CLI_FAILED;
    }

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      add_member_json (builder, member, TRUE);
      root = json_builder_get_root (builder);
      evg_cli_print_json (root);
      return EVG_CLI_OK;
    }

  for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
    {
      g_autofree char *value = evg_member_dup_display (member, f);

      if (*value != '\0')
        g_print ("%s: %s\n", _(evg_member_field_get_info (f)->label), value);
    }
  evg_date_set_today (&today);
  age = evg_member_get_age (member, &today);
  party_age = evg_member_get_party_age (member, &today);
  days = evg_member_get_days_to_full (member, &today);
  if (age != EVG_MEMBER_NONE)
    g_print (_("Age: %d\n"), age);
  if (party_age != EVG_MEMBER_NONE)
    g_print (_("Party age: %d years\n"), party_age);
  if (days != EVG_MEMBER_NONE)
    g_print (_("Days to becoming a full member: %d\n"), days);
  return EVG_CLI_OK;
}

static int
members_cards (EvgCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgRoster) roster = NULL;
  g_autoptr(EvgMemberCards) cards = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = NULL;
  g_autofree char *group = NULL;
  const char *group_id = NULL;
  guint n_cards, n_pages;
  GOptionEntry entries[] = {
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Save the cards as this PDF file"), N_("FILE") },
    { "group", 0, 0, G_OPTION_ARG_STRING, &group, N_("Only the members of this party group"), N_("NAME") },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL,
                                    _("Saves member cards as an A4 PDF, ten to a page: each with the "
                                      "branch, the member’s name and party group, and a QR code of "
                                      "the member’s id for checking in with a scanner. Members who "
                                      "left get no card."),
                                    entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc > 1)
    {
      evg_cli_error (_("“cards” takes no arguments; use --pdf FILE and --group NAME."));
      return EVG_CLI_USAGE;
    }
  if (pdf == NULL || pdf[0] == '\0')
    {
      evg_cli_error (_("Give --pdf FILE, the PDF to save the cards in."));
      return EVG_CLI_USAGE;
    }

  roster = open_roster (cli);
  if (roster == NULL)
    return EVG_CLI_USAGE;
  if (group != NULL)
    {
      group_id = evg_roster_find_party_group (roster, group);
      if (group_id == NULL)
        {
          evg_cli_error (_("No party group is called “%s”."), group);
          return EVG_CLI_USAGE;
        }
    }
  cards = evg_member_cards_new (roster, group_id, &error);
  if (cards == NULL || !evg_pages_write_pdf (EVG_PAGES (cards), pdf, &error))
    {
      evg_cli_error ("%s", error->message);
      return EVG_CLI_FAILED;
    }

  n_cards = evg_member_cards_get_n_cards (cards);
  n_pages = evg_member_cards_get_n_pages (cards);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      evg_cli_json_add_string (builder, "file", pdf);
      evg_cli_json_add_int (builder, "cards", n_cards);
      evg_cli_json_add_int (builder, "pages", n_pages);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      evg_cli_print_json (root);
    }
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "Saved %u member card to %s.\n",
                          "Saved %u member cards to %s.\n", n_cards), n_cards, pdf);
  return EVG_CLI_OK;
}

static const EvgCliCommand member_commands[] = {
  { "import", N_("Import members from an .xlsx or CSV file"), members_import },
  { "export", N_("Export all members to an .xlsx or CSV file"), members_export },
  { "list", N_("List members, optionally searching"), members_list },
  { "show", N_("Show one member by ID number"), members_show },
  { "cards", N_("Save member cards with QR codes as a PDF"), members_cards },
};

int
evg_cli_members (EvgCli  *cli,
                 int      argc,
                 char   **argv)
{
  return evg_cli_dispatch (cli, "members", member_commands, G_N_ELEMENTS (member_commands),
                           argc - 1, argv + 1);
}
