/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-checkins.h"
#include "evg-cli.h"

/* `e-vanguard-cli whistles …` and `checkins …`: 吹哨报到 from a terminal,
 * with JSON keys that are DOMAIN.md's field names. */

static EvgCheckins *
open_checkins (EvgCli   *cli,
               gboolean  writing)
{
  g_autoptr(GError) error = NULL;
  EvgStore *store = writing ? evg_cli_get_store (cli) : evg_cli_get_store_for_reading (cli);
  EvgCheckins *checkins;

  if (store == NULL)
    return NULL;
  checkins = evg_checkins_new (store, &error);
  if (checkins == NULL)
    evg_cli_error ("%s", error->message);
  return checkins;
}

/* A rule the input broke is exit status 3, as a rejected row is for
 * members; a missing whistle or a failed write is 1. */
static int
report_error (GError *error)
{
  gboolean rejected = (error->domain == EVG_CHECKINS_ERROR &&
                       error->code != EVG_CHECKINS_ERROR_NOT_FOUND) ||
                      g_error_matches (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID);

  evg_cli_error ("%s", error->message);
  return rejected ? EVG_CLI_REJECTED : EVG_CLI_FAILED;
}

static void
print_and_free (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  evg_cli_print_json (root);
}

static void
add_hours (JsonBuilder *builder,
           const char  *name,
           int          minutes)
{
  json_builder_set_member_name (builder, name);
  if (minutes < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, ((minutes + 3) / 6) / 10.0);
}

/* whistles */

static int
whistles_add (EvgCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCheckins) checkins = NULL;
  g_autoptr(EvgRecord) whistle = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL, *category = NULL, *start = NULL, *end = NULL, *place = NULL;
  g_autofree char *description = NULL, *raised_by = NULL, *urgency = NULL;
  g_autofree char *starts_at = NULL, *ends_at = NULL, *id = NULL, *needed_text = NULL;
  g_autofree char *categories = evg_cli_choice_codes (evg_whistle_field_get_info (EVG_WHISTLE_CATEGORY));
  int needed = 0;
  GOptionEntry entries[] = {
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("What members are called for"), N_("TEXT") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category,
      N_("The service category, by its code or Chinese name (组织建设 … 其他)"), N_("CATEGORY") },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start, N_("When it starts, 2026-03-05T14:30"), N_("TIME") },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end, N_("When it ends"), N_("TIME") },
    { "needed", 0, 0, G_OPTION_ARG_INT, &needed, N_("How many members are needed"), N_("N") },
    { "place", 0, 0, G_OPTION_ARG_STRING, &place, N_("The community or place"), N_("TEXT") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("What is to be done"), N_("TEXT") },
    { "raised-by", 0, 0, G_OPTION_ARG_STRING, &raised_by, N_("Who blew the whistle"), N_("TEXT") },
    { "urgency", 0, 0, G_OPTION_ARG_STRING, &urgency, N_("normal, urgent or emergency"), N_("URGENCY") },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL, _("Raises a whistle and prints its id."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 1 || title == NULL || category == NULL || start == NULL || end == NULL)
    {
      evg_cli_error (_("Give at least --title, --category, --start and --end."));
      return EVG_CLI_USAGE;
    }
  if (evg_cli_parse_choice (evg_whistle_field_get_info (EVG_WHISTLE_CATEGORY), category) == NULL)
    {
      evg_cli_error (_("“%s” is not a service category. Use one of: %s."), category, categories);
      return EVG_CLI_USAGE;
    }
  if (urgency != NULL && evg_cli_parse_choice (evg_whistle_field_get_info (EVG_WHISTLE_URGENCY), urgency) == NULL)
    {
      evg_cli_error (_("--urgency takes normal, urgent or emergency."));
      return EVG_CLI_USAGE;
    }
  if (needed < 0)
    {
      evg_cli_error (_("--needed takes a number of members, 0 or more."));
      return EVG_CLI_USAGE;
    }

  checkins = open_checkins (cli, TRUE);
  if (checkins == NULL)
    return EVG_CLI_USAGE;
  whistle = evg_record_new (&evg_whistle_table, NULL);
  starts_at = evg_cli_normalize_time (start);
  ends_at = evg_cli_normalize_time (end);
  needed_text = needed > 0 ? g_strdup_printf ("%d", needed) : NULL;
  evg_record_set (whistle, EVG_WHISTLE_TITLE, title);
  evg_record_set (whistle, EVG_WHISTLE_CATEGORY,
                  evg_cli_parse_choice (evg_whistle_field_get_info (EVG_WHISTLE_CATEGORY), category));
  evg_record_set (whistle, EVG_WHISTLE_STARTS_AT, starts_at);
  evg_record_set (whistle, EVG_WHISTLE_ENDS_AT, ends_at);
  evg_record_set (whistle, EVG_WHISTLE_NEEDED, needed_text);
  evg_record_set (whistle, EVG_WHISTLE_PLACE, place);
  evg_record_set (whistle, EVG_WHISTLE_DESCRIPTION, description);
  evg_record_set (whistle, EVG_WHISTLE_RAISED_BY, raised_by);
  evg_record_set (whistle, EVG_WHISTLE_URGENCY,
                  evg_cli_parse_choice (evg_whistle_field_get_info (EVG_WHISTLE_URGENCY), urgency));
  id = evg_checkins_save_whistle (checkins, whistle, &error);
  if (id == NULL)
    return report_error (error);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      evg_cli_json_add_string (builder, "id", id);
      json_builder_end_object (builder);
      print_and_free (builder);
    }
  else
    g_print ("%s\n", id);
  return EVG_CLI_OK;
}

static void
add_whistle_fields (JsonBuilder *builder,
                    EvgCheckins *checkins,
                    EvgRecord   *whistle)
{
  evg_cli_json_add_string (builder, "id", evg_record_get_id (whistle));
  for (guint i = 0; i < EVG_WHISTLE_N_FIELDS; i++)
    {
      const EvgColumnSpec *column = evg_whistle_field_get_info (i);
      const char *value = evg_record_get (whistle, i);

      if (column->type == EVG_COLUMN_INT)
        evg_cli_json_add_count (builder, column->field,
                                value != NULL ? g_ascii_strtoll (value, NULL, 10) : -1);
      else
        evg_cli_json_add_string (builder, column->field, value);
    }
  evg_cli_json_add_int (builder, "reported",
                        evg_checkins_count_reported (checkins, evg_record_get_id (whistle)));
}

static int
whistles_list (EvgCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCheckins) checkins = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *status = NULL;
  const char *code = NULL;
  GListModel *whistles;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status,
      N_("Only whistles in this state: open, full, closed or cancelled"), N_("STATUS") },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL,
                                    _("Lists whistles: those members may report to first."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 1 || (status != NULL &&
                    (code = evg_cli_parse_choice (evg_whistle_field_get_info (EVG_WHISTLE_STATUS), status)) == NULL))
    {
      evg_cli_error (_("--status takes open, full, closed or cancelled."));
      return EVG_CLI_USAGE;
    }
  checkins = open_checkins (cli, FALSE);
  if (checkins == NULL)
    return EVG_CLI_USAGE;

  whistles = evg_checkins_get_whistles (checkins);
  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (whistles); i++)
    {
      g_autoptr(EvgRecord) whistle = g_list_model_get_item (whistles, i);

      if (code != NULL && g_strcmp0 (evg_record_get (whistle, EVG_WHISTLE_STATUS), code) != 0)
        continue;
      if (cli->json)
        {
          json_builder_begin_object (builder);
          add_whistle_fields (builder, checkins, whistle);
          json_builder_end_object (builder);
          continue;
        }
      g_print ("%s  %s  %s  %u/%u  %s\n", evg_record_get (whistle, EVG_WHISTLE_STARTS_AT),
               evg_record_get (whistle, EVG_WHISTLE_TITLE),
               evg_record_get_choice_label (whistle, EVG_WHISTLE_STATUS),
               evg_checkins_count_reported (checkins, evg_record_get_id (whistle)),
               evg_whistle_get_needed (whistle), evg_record_get_id (whistle));
    }
  json_builder_end_array (builder);
  if (cli->json)
    print_and_free (builder);
  return EVG_CLI_OK;
}

static int
whistles_close (EvgCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(EvgCheckins) checkins = NULL;
  g_autoptr(GError) error = NULL;
  gboolean cancel = FALSE;
  GOptionEntry entries[] = {
    { "cancel", 0, 0, G_OPTION_ARG_NONE, &cancel, N_("The work never took place: cancel it"), NULL },
    { NULL }
  };

  if (!evg_cli_parse_command (cli, _("ID"), _("Closes a whistle: nobody can report to it any more."), entries,
                              &argc, &argv, 1, 1, _("Give the whistle's id.")))
    return EVG_CLI_USAGE;
  checkins = open_checkins (cli, TRUE);
  if (checkins == NULL)
    return EVG_CLI_USAGE;
  if (!evg_checkins_close_whistle (checkins, argv[1], cancel ? "cancelled" : "closed", &error))
    return report_error (error);
  return EVG_CLI_OK;
}

static const EvgCliCommand whistle_commands[] = {
  { "add", N_("Raise a whistle"), whistles_add },
  { "list", N_("List whistles"), whistles_list },
  { "close", N_("Close or cancel a whistle"), whistles_close },
};

int
evg_cli_whistles (EvgCli  *cli,
                  int      argc,
                  char   **argv)
{
  return evg_cli_dispatch (cli, "whistles", whistle_commands, G_N_ELEMENTS (whistle_commands),
                           argc - 1, argv + 1);
}

/* checkins */

typedef gboolean (*CheckFunc) (EvgCheckins       *self,
                               const char        *whistle_id,
                               const char        *member_id,
                               const char        *at,
                               EvgCheckinResult  *result,
                               GError           **error);

static gboolean
check_in (EvgCheckins       *self,
          const char        *whistle_id,
          const char        *member_id,
          const char        *at,
          EvgCheckinResult  *result,
          GError           **error)
{
  return evg_checkins_check_in (self, whistle_id, member_id, at, "manual", g_get_user_name (),
                                result, error);
}

/* `checkins in` and `checkins out`: the same arguments, the same report. */
static int
check (EvgCli     *cli,
       int         argc,
       char      **argv,
       const char *summary,
       CheckFunc   func)
{
  g_autoptr(EvgCheckins) checkins = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(EvgCheckinResult) result = { 0 };
  g_autofree char *at = NULL, *time = NULL, *member_id = NULL;
  GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("The time, 2026-03-05T14:30 (default: now)"), N_("TIME") },
    { NULL }
  };

  if (!evg_cli_parse_command (cli, _("WHISTLE_ID ID_NUMBER"), summary, entries, &argc, &argv, 2, 2,
                              _("Give the whistle's id and the member's ID number (or card code).")))
    return EVG_CLI_USAGE;
  checkins = open_checkins (cli, TRUE);
  if (checkins == NULL)
    return EVG_CLI_USAGE;
  member_id = evg_checkins_find_member (checkins, argv[2], &error);
  time = evg_cli_normalize_time (at);
  if (member_id == NULL || !func (checkins, argv[1], member_id, time, &result, &error))
    return report_error (error);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      evg_cli_json_add_bool (builder, "already", result.already);
      evg_cli_json_add_string (builder, "whistle_id", argv[1]);
      evg_cli_json_add_string (builder, "member_id", result.member_id);
      evg_cli_json_add_string (builder, "name", result.name);
      evg_cli_json_add_string (builder, "arrived_at", result.arrived_at);
      evg_cli_json_add_string (builder, "left_at", result.left_at);
      add_hours (builder, "hours", result.minutes);
      add_hours (builder, "year_hours", result.year_minutes);
      evg_cli_json_add_int (builder, "target", result.target_hours);
      json_builder_end_object (builder);
      print_and_free (builder);
    }
  else if (result.already && result.left)
    g_print (_("%s checked out at %s already.\n"), result.name, result.left_at);
  else if (result.already)
    g_print (_("%s checked in at %s already.\n"), result.name, result.arrived_at);
  else if (result.left)
    g_print (_("%s checked out at %s.\n"), result.name, result.left_at);
  else
    g_print (_("%s checked in at %s.\n"), result.name, result.arrived_at);
  return EVG_CLI_OK;
}

static int
checkins_in (EvgCli  *cli,
             int      argc,
             char   **argv)
{
  return check (cli, argc, argv, _("Checks a member in to a whistle; a second time changes nothing."),
                check_in);
}

static int
checkins_out (EvgCli  *cli,
              int      argc,
              char   **argv)
{
  return check (cli, argc, argv, _("Checks a member out of a whistle."), evg_checkins_check_out);
}

static int
checkins_confirm (EvgCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(EvgCheckins) checkins = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *left = NULL, *time = NULL, *member_id = NULL;
  GOptionEntry entries[] = {
    { "left", 0, 0, G_OPTION_ARG_STRING, &left,
      N_("When the member left (default: as recorded, or the whistle's end)"), N_("TIME") },
    { NULL }
  };

  if (!evg_cli_parse_command (cli, _("WHISTLE_ID ID_NUMBER"), _("Confirms a member's time at a whistle."),
                              entries, &argc, &argv, 2, 2,
                              _("Give the whistle's id and the member's ID number (or card code).")))
    return EVG_CLI_USAGE;
  checkins = open_checkins (cli, TRUE);
  if (checkins == NULL)
    return EVG_CLI_USAGE;
  member_id = evg_checkins_find_member (checkins, argv[2], &error);
  time = evg_cli_normalize_time (left);
  if (member_id == NULL || !evg_checkins_confirm (checkins, argv[1], member_id, time, &error))
    return report_error (error);
  return EVG_CLI_OK;
}

static int
checkins_list (EvgCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(EvgCheckins) checkins = NULL;
  g_autoptr(GListModel) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!evg_cli_parse_command (cli, _("WHISTLE_ID"), _("Lists who reported to a whistle, with their hours."), NULL,
                              &argc, &argv, 1, 1, _("Give the whistle's id.")))
    return EVG_CLI_USAGE;
  checkins = open_checkins (cli, FALSE);
  if (checkins == NULL)
    return EVG_CLI_USAGE;
  rows = evg_checkins_list (checkins, argv[1], NULL, &error);
  if (rows == NULL)
    return report_error (error);

  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(EvgCheckinRow) row = g_list_model_get_item (rows, i);
      g_autofree char *hours = evg_format_hours (evg_checkin_row_get_minutes (row));

      if (!cli->json)
        {
          g_print ("%s  %s  %s  %s  %s%s\n", evg_checkin_row_get_name (row),
                   evg_checkin_row_get (row, EVG_CHECKIN_ARRIVED_AT) != NULL
                   ? evg_checkin_row_get (row, EVG_CHECKIN_ARRIVED_AT) : "-",
                   evg_checkin_row_get (row, EVG_CHECKIN_LEFT_AT) != NULL
                   ? evg_checkin_row_get (row, EVG_CHECKIN_LEFT_AT) : "-",
                   hours, _("hours"),
                   evg_checkin_row_get_flagged (row) ? _(" (no check-out: confirm)") : "");
          continue;
        }
      json_builder_begin_object (builder);
      evg_cli_json_add_string (builder, "id_number", evg_checkin_row_get_id_number (row));
      evg_cli_json_add_string (builder, "name", evg_checkin_row_get_name (row));
      for (guint k = 0; k < EVG_CHECKIN_N_FIELDS; k++)
        {
          const EvgColumnSpec *column = evg_checkin_field_get_info (k);
          const char *value = evg_checkin_row_get (row, k);

          if (column->kind == EVG_FIELD_KIND_BOOLEAN)
            evg_cli_json_add_bool (builder, column->field, g_strcmp0 (value, "1") == 0);
          else
            evg_cli_json_add_string (builder, column->field, value);
        }
      add_hours (builder, "hours", evg_checkin_row_get_minutes (row));
      evg_cli_json_add_bool (builder, "flagged", evg_checkin_row_get_flagged (row));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (cli->json)
    print_and_free (builder);
  return EVG_CLI_OK;
}

static int
checkins_hours (EvgCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCheckins) checkins = NULL;
  g_autoptr(GPtrArray) ranking = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  int year = g_date_time_get_year (today);
  int target = 0;
  g_autofree char *export = NULL;
  GOptionEntry entries[] = {
    { "year", 0, 0, G_OPTION_ARG_INT, &year, N_("The year (default: this year)"), N_("YYYY") },
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &export,
      N_("Also write the ranking to FILE, a spreadsheet (.csv or .xlsx)"), N_("FILE") },
    { "target", 0, 0, G_OPTION_ARG_INT, &target,
      N_("Set the yearly target in hours and keep it (default: 50)"), N_("HOURS") },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL,
                                    _("Each member's service hours in a year, most first, against the target."),
                                    entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 1 || year < 1900 || year > 9998 || target < 0 || target > 10000)
    {
      evg_cli_error (_("--year takes a year such as 2026, --target a number of hours up to 10000."));
      return EVG_CLI_USAGE;
    }
  checkins = open_checkins (cli, target > 0);
  if (checkins == NULL)
    return EVG_CLI_USAGE;
  if (target > 0)
    evg_checkins_set_target_hours (checkins, (guint) target);
  ranking = evg_checkins_year_hours (checkins, year, NULL, &error);
  if (ranking == NULL)
    return report_error (error);
  if (export != NULL && !evg_service_hours_write (ranking, export, &error))
    {
      evg_cli_error (_("Could not write %s: %s"), export, error->message);
      return EVG_CLI_FAILED;
    }

  json_builder_begin_array (builder);
  for (guint i = 0; i < ranking->len; i++)
    {
      EvgServiceHours *hours = g_ptr_array_index (ranking, i);

      if (!cli->json)
        {
          g_autofree char *text = evg_format_hours (hours->minutes);

          g_print ("%u. %s  %s  %s / %u%s\n", i + 1, hours->name,
                   hours->party_group != NULL ? hours->party_group : "-", text, hours->target_hours,
                   hours->behind ? _("  behind") : "");
          continue;
        }
      json_builder_begin_object (builder);
      evg_cli_json_add_string (builder, "id_number", hours->id_number);
      evg_cli_json_add_string (builder, "name", hours->name);
      evg_cli_json_add_string (builder, "party_group", hours->party_group);
      add_hours (builder, "hours", hours->minutes);
      evg_cli_json_add_int (builder, "target", hours->target_hours);
      evg_cli_json_add_bool (builder, "behind", hours->behind);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (cli->json)
    print_and_free (builder);
  return EVG_CLI_OK;
}

static const EvgCliCommand checkin_commands[] = {
  { "in", N_("Check a member in to a whistle"), checkins_in },
  { "out", N_("Check a member out of a whistle"), checkins_out },
  { "confirm", N_("Confirm a member's time at a whistle"), checkins_confirm },
  { "list", N_("List who reported to a whistle"), checkins_list },
  { "hours", N_("Service hours of every member in a year"), checkins_hours },
};

int
evg_cli_checkins (EvgCli  *cli,
                  int      argc,
                  char   **argv)
{
  return evg_cli_dispatch (cli, "checkins", checkin_commands, G_N_ELEMENTS (checkin_commands),
                           argc - 1, argv + 1);
}
