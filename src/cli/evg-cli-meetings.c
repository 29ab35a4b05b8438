/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-attendance.h"
#include "evg-calendar.h"
#include "evg-cli.h"
#include "evg-meeting-ics.h"
#include "evg-meeting-report.h"
#include "evg-validate.h"

/* `e-vanguard-cli meetings …`: the calendar service from a terminal, with
 * JSON keys that are DOMAIN.md's field names. */

static EvgCalendar *
open_calendar (EvgCli   *cli,
               gboolean  writing)
{
  g_autoptr(GError) error = NULL;
  EvgStore *store = writing ? evg_cli_get_store (cli) : evg_cli_get_store_for_reading (cli);
  EvgCalendar *calendar;

  if (store == NULL)
    return NULL;
  calendar = evg_calendar_new (store, &error);
  if (calendar == NULL)
    evg_cli_error ("%s", error->message);
  return calendar;
}

/* A type by its code or its Chinese name. */
static const char *
parse_type (const char *text)
{
  const EvgColumnSpec *column = evg_table_spec_lookup_column (&evg_meeting_table, "type");

  for (guint i = 0; text != NULL && i < column->n_choices; i++)
    if (g_str_equal (text, column->choices[i].code) || g_str_equal (text, column->choices[i].chinese))
      return column->choices[i].code;
  return NULL;
}

/* A rule the input broke is exit status 3, as a rejected row is for
 * members; a missing meeting or a failed write is 1. */
static int
report_error (GError *error)
{
  gboolean rejected = (error->domain == EVG_CALENDAR_ERROR &&
                       error->code != EVG_CALENDAR_ERROR_NOT_FOUND) ||
                      g_error_matches (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID) ||
                      g_error_matches (error, EVG_STORE_ERROR, EVG_STORE_ERROR_CONSTRAINT);

  evg_cli_error ("%s", error->message);
  return rejected ? EVG_CLI_REJECTED : EVG_CLI_FAILED;
}

static EvgMeeting *
find_meeting (EvgCalendar *calendar,
              const char  *id)
{
  EvgMeeting *meeting = evg_calendar_lookup (calendar, id);

  if (meeting == NULL)
    evg_cli_error (_("No meeting has the id “%s”."), id);
  return meeting;
}

/* --from and --to: days written YYYY-MM-DD, each optional. */
static gboolean
check_period (const char *from,
              const char *to)
{
  GDate date;

  return (from == NULL || evg_parse_date (from, &date)) && (to == NULL || evg_parse_date (to, &date));
}

static GPtrArray *
list_period (EvgCalendar *calendar,
             const char  *from,
             const char  *to)
{
  return evg_calendar_list_between (calendar, from != NULL ? from : "0000-00-00",
                                    to != NULL ? to : "9999-12-31");
}

/* The meeting's stored fields under their DOMAIN.md names. */
/* The calendar, and in it the meeting @id; when either fails, NULL with
 * the exit status in @status. */
static EvgMeeting *
open_meeting (EvgCli       *cli,
              const char   *id,
              gboolean      writing,
              EvgCalendar **calendar,
              int          *status)
{
  EvgMeeting *meeting;

  *calendar = open_calendar (cli, writing);
  if (*calendar == NULL)
    {
      *status = EVG_CLI_USAGE;
      return NULL;
    }
  meeting = find_meeting (*calendar, id);
  *status = meeting != NULL ? EVG_CLI_OK : EVG_CLI_FAILED;
  return meeting;
}

static void
add_meeting_fields (JsonBuilder *builder,
                    EvgMeeting  *meeting)
{
  evg_cli_json_add_string (builder, "id", evg_meeting_get_id (meeting));
  for (guint i = 0; i < EVG_MEETING_N_FIELDS; i++)
    {
      const EvgColumnSpec *column = &evg_meeting_table.columns[i];
      const char *value = evg_meeting_get (meeting, i);

      if (column->kind == EVG_FIELD_KIND_BOOLEAN)
        evg_cli_json_add_bool (builder, column->field, g_strcmp0 (value, "1") == 0);
      else
        evg_cli_json_add_string (builder, column->field, value);
    }
}

static int
meetings_add (EvgCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(EvgMeeting) meeting = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *type = NULL, *start = NULL, *end = NULL, *title = NULL, *place = NULL;
  g_autofree char *group = NULL, *status = NULL;
  g_autofree char *starts_at = NULL, *ends_at = NULL, *id = NULL;
  gboolean election = FALSE;
  GOptionEntry entries[] = {
    { "type", 0, 0, G_OPTION_ARG_STRING, &type,
      N_("general_meeting, committee, group_meeting, lecture, theme_day or life_meeting (or the Chinese name)"),
      N_("TYPE") },
    { "start", 0, 0, G_OPTION_ARG_STRING, &start, N_("When it starts, 2026-03-05T14:30"), N_("TIME") },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end, N_("When it ends"), N_("TIME") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("Its title"), N_("TEXT") },
    { "place", 0, 0, G_OPTION_ARG_STRING, &place, N_("Where it is held"), N_("TEXT") },
    { "group", 0, 0, G_OPTION_ARG_STRING, &group, N_("The party group, for a 党小组会"), N_("NAME") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, N_("planned (the default), held or cancelled"), N_("STATUS") },
    { "election", 0, 0, G_OPTION_ARG_NONE, &election, N_("The meeting holds an election"), NULL },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL,
                                    _("Adds a meeting and prints its id."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 1 || type == NULL || start == NULL)
    {
      evg_cli_error (_("Give at least --type and --start."));
      return EVG_CLI_USAGE;
    }
  if (parse_type (type) == NULL)
    {
      evg_cli_error (_("“%s” is not a type of meeting."), type);
      return EVG_CLI_USAGE;
    }

  calendar = open_calendar (cli, TRUE);
  if (calendar == NULL)
    return EVG_CLI_USAGE;

  meeting = evg_meeting_new (NULL);
  starts_at = evg_cli_normalize_time (start);
  ends_at = evg_cli_normalize_time (end);
  evg_meeting_set (meeting, EVG_MEETING_TYPE, parse_type (type));
  evg_meeting_set (meeting, EVG_MEETING_STARTS_AT, starts_at);
  evg_meeting_set (meeting, EVG_MEETING_ENDS_AT, ends_at);
  evg_meeting_set (meeting, EVG_MEETING_TITLE, title);
  evg_meeting_set (meeting, EVG_MEETING_PLACE, place);
  evg_meeting_set (meeting, EVG_MEETING_STATUS, status);
  evg_meeting_set (meeting, EVG_MEETING_IS_ELECTION, election ? "1" : "0");
  if (group != NULL)
    {
      g_autofree char *group_id = evg_calendar_find_party_group (calendar, group, &error);

      if (group_id == NULL)
        {
          if (error != NULL)
            return report_error (error);
          evg_cli_error (_("No party group is called “%s”."), group);
          return EVG_CLI_USAGE;
        }
      evg_meeting_set (meeting, EVG_MEETING_PARTY_GROUP_ID, group_id);
    }

  id = evg_calendar_save (calendar, meeting, NULL, &error);
  if (id == NULL)
    return report_error (error);

  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      evg_cli_json_add_string (builder, "id", id);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      evg_cli_print_json (root);
    }
  else
    g_print ("%s\n", id);
  return EVG_CLI_OK;
}

static int
meetings_update (EvgCli  *cli,
                 int      argc,
                 char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(EvgMeeting) edited = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *start = NULL, *end = NULL, *title = NULL, *place = NULL, *status = NULL;
  g_autofree char *minutes = NULL, *agenda = NULL, *chair = NULL, *recorder = NULL;
  g_autofree char *observers = NULL, *saved = NULL;
  EvgMeeting *meeting;
  int exit_status;
  GOptionEntry entries[] = {
    { "start", 0, 0, G_OPTION_ARG_STRING, &start, N_("When it starts"), N_("TIME") },
    { "end", 0, 0, G_OPTION_ARG_STRING, &end, N_("When it ends"), N_("TIME") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("Its title"), N_("TEXT") },
    { "place", 0, 0, G_OPTION_ARG_STRING, &place, N_("Where it is held"), N_("TEXT") },
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, N_("planned, held or cancelled"), N_("STATUS") },
    { "agenda", 0, 0, G_OPTION_ARG_STRING, &agenda, N_("The agenda, one item per line"), N_("TEXT") },
    { "minutes", 0, 0, G_OPTION_ARG_STRING, &minutes, N_("The minutes"), N_("TEXT") },
    { "chair", 0, 0, G_OPTION_ARG_STRING, &chair, N_("Who chairs it"), N_("NAME") },
    { "recorder", 0, 0, G_OPTION_ARG_STRING, &recorder, N_("Who keeps the minutes"), N_("NAME") },
    { "observers", 0, 0, G_OPTION_ARG_STRING, &observers, N_("People sitting in, by name"), N_("NAMES") },
    { NULL }
  };

  context = evg_cli_option_context (cli, _("ID"), _("Changes a meeting that is not signed yet."),
                                    entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 2)
    {
      evg_cli_error (_("Give the meeting’s id."));
      return EVG_CLI_USAGE;
    }
  meeting = open_meeting (cli, argv[1], TRUE, &calendar, &exit_status);
  if (meeting == NULL)
    return exit_status;

  edited = evg_meeting_copy (meeting);
#define SET_IF(option, field) \
  if (option != NULL) \
    evg_meeting_set (edited, field, option)
  if (start != NULL)
    {
      g_autofree char *time = evg_cli_normalize_time (start);
      evg_meeting_set (edited, EVG_MEETING_STARTS_AT, time);
    }
  if (end != NULL)
    {
      g_autofree char *time = evg_cli_normalize_time (end);
      evg_meeting_set (edited, EVG_MEETING_ENDS_AT, time);
    }
  SET_IF (title, EVG_MEETING_TITLE);
  SET_IF (place, EVG_MEETING_PLACE);
  SET_IF (status, EVG_MEETING_STATUS);
  SET_IF (agenda, EVG_MEETING_AGENDA);
  SET_IF (minutes, EVG_MEETING_MINUTES);
  SET_IF (chair, EVG_MEETING_CHAIR);
  SET_IF (recorder, EVG_MEETING_RECORDER);
  SET_IF (observers, EVG_MEETING_OBSERVERS);
#undef SET_IF

  saved = evg_calendar_save (calendar, edited, NULL, &error);
  if (saved == NULL)
    return report_error (error);
  return EVG_CLI_OK;
}

static int
meetings_list (EvgCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(GPtrArray) meetings = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *from = NULL, *to = NULL, *type = NULL;
  const char *code = NULL;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("The first day, YYYY-MM-DD"), N_("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The last day, YYYY-MM-DD"), N_("DATE") },
    { "type", 0, 0, G_OPTION_ARG_STRING, &type, N_("Only meetings of this type"), N_("TYPE") },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL, _("Lists meetings by their start."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 1 || !check_period (from, to))
    {
      evg_cli_error (_("--from and --to take dates written YYYY-MM-DD."));
      return EVG_CLI_USAGE;
    }
  if (type != NULL && (code = parse_type (type)) == NULL)
    {
      evg_cli_error (_("“%s” is not a type of meeting."), type);
      return EVG_CLI_USAGE;
    }
  calendar = open_calendar (cli, FALSE);
  if (calendar == NULL)
    return EVG_CLI_USAGE;

  meetings = list_period (calendar, from, to);
  json_builder_begin_array (builder);
  for (guint i = 0; i < meetings->len; i++)
    {
      EvgMeeting *meeting = g_ptr_array_index (meetings, i);
      g_autofree char *title = NULL;

      if (code != NULL && g_strcmp0 (evg_meeting_get (meeting, EVG_MEETING_TYPE), code) != 0)
        continue;
      if (cli->json)
        {
          json_builder_begin_object (builder);
          add_meeting_fields (builder, meeting);
          json_builder_end_object (builder);
          continue;
        }
      title = evg_meeting_dup_display_title (meeting);
      g_print ("%s  %s  %s  %s  %s\n", evg_meeting_get (meeting, EVG_MEETING_STARTS_AT),
               evg_meeting_kind_get_label (evg_meeting_get_kind (meeting)), title,
               evg_meeting_status_get_label (evg_meeting_get (meeting, EVG_MEETING_STATUS)),
               evg_meeting_get_id (meeting));
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
meetings_show (EvgCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(GListModel) sheet = NULL;
  g_autoptr(GPtrArray) resolutions = NULL;
  g_autoptr(GPtrArray) addenda = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  EvgMeeting *meeting;
  int exit_status;
  EvgQuorum quorum;
  guint n;

  context = evg_cli_option_context (cli, _("ID"),
                                    _("Shows a meeting with its attendance, its quorum and its "
                                      "resolutions."), NULL);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 2)
    {
      evg_cli_error (_("Give the meeting’s id."));
      return EVG_CLI_USAGE;
    }
  meeting = open_meeting (cli, argv[1], FALSE, &calendar, &exit_status);
  if (meeting == NULL)
    return exit_status;

  sheet = evg_calendar_build_sheet (calendar, meeting, &error);
  resolutions = sheet != NULL ? evg_calendar_list_resolutions (calendar, argv[1], &error) : NULL;
  addenda = resolutions != NULL ? evg_calendar_list_addenda (calendar, argv[1], &error) : NULL;
  if (addenda == NULL)
    return report_error (error);
  evg_calendar_count_quorum (calendar, sheet, &quorum);

  if (!cli->json)
    {
      g_autofree char *title = evg_meeting_dup_display_title (meeting);

      g_print ("%s\n%s  %s\n", title, evg_meeting_get (meeting, EVG_MEETING_STARTS_AT),
               evg_meeting_status_get_label (evg_meeting_get (meeting, EVG_MEETING_STATUS)));
      g_print (_("Due %u, present %u; voting members due %u, present %u\n"),
               quorum.due, quorum.present, quorum.due_voting, quorum.present_voting);
      g_print ("%s\n", quorum.may_vote ? _("The meeting may vote.")
                                       : _("Too few voting members are present to vote."));
      for (guint i = 0; i < resolutions->len; i++)
        {
          EvgResolutionInfo *r = g_ptr_array_index (resolutions, i);

          g_print ("%d. %s %s\n", i + 1, r->text,
                   r->votes_for < 0 ? "" : evg_quorum_resolution_passes (&quorum, r->votes_for)
                                           ? _("(passed)") : _("(not passed)"));
        }
      return EVG_CLI_OK;
    }

  json_builder_begin_object (builder);
  add_meeting_fields (builder, meeting);
  evg_cli_json_add_int (builder, "due", quorum.due);
  evg_cli_json_add_int (builder, "present", quorum.present);
  evg_cli_json_add_int (builder, "due_voting", quorum.due_voting);
  evg_cli_json_add_int (builder, "present_voting", quorum.present_voting);
  evg_cli_json_add_int (builder, "on_leave", quorum.on_leave);
  evg_cli_json_add_int (builder, "absent", quorum.absent);
  evg_cli_json_add_int (builder, "unmarked", quorum.unmarked);
  evg_cli_json_add_bool (builder, "quorate", quorum.quorate);
  evg_cli_json_add_bool (builder, "may_vote", quorum.may_vote);
  evg_cli_json_add_bool (builder, "election_valid", quorum.election_valid);

  json_builder_set_member_name (builder, "resolutions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < resolutions->len; i++)
    {
      EvgResolutionInfo *r = g_ptr_array_index (resolutions, i);

      json_builder_begin_object (builder);
      evg_cli_json_add_string (builder, "id", r->id);
      evg_cli_json_add_int (builder, "position", r->position);
      evg_cli_json_add_string (builder, "text", r->text);
      evg_cli_json_add_count (builder, "votes_for", r->votes_for);
      evg_cli_json_add_count (builder, "votes_against", r->votes_against);
      evg_cli_json_add_count (builder, "votes_abstain", r->votes_abstain);
      evg_cli_json_add_bool (builder, "passed", r->votes_for >= 0 && evg_quorum_resolution_passes (&quorum, r->votes_for));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "attendance");
  json_builder_begin_array (builder);
  n = g_list_model_get_n_items (sheet);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgAttendee) attendee = g_list_model_get_item (sheet, i);

      json_builder_begin_object (builder);
      evg_cli_json_add_string (builder, "member_id", evg_attendee_get_member_id (attendee));
      evg_cli_json_add_string (builder, "name", evg_attendee_get_name (attendee));
      evg_cli_json_add_bool (builder, "due", evg_attendee_counts (attendee));
      evg_cli_json_add_bool (builder, "voting", evg_attendee_get_voting (attendee));
      for (guint f = EVG_ATTENDANCE_STATUS; f < EVG_ATTENDANCE_N_FIELDS; f++)
        evg_cli_json_add_string (builder, evg_attendance_field_get_info (f)->field, evg_attendee_get (attendee, f));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "addenda");
  json_builder_begin_array (builder);
  for (guint i = 0; i < addenda->len; i++)
    {
      EvgAddendumInfo *a = g_ptr_array_index (addenda, i);

      json_builder_begin_object (builder);
      evg_cli_json_add_string (builder, "written_on", a->written_on);
      evg_cli_json_add_string (builder, "author", a->author);
      evg_cli_json_add_string (builder, "text", a->text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  evg_cli_print_json (root);
  return EVG_CLI_OK;
}

static int
meetings_attend (EvgCli  *cli,
                 int      argc,
                 char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(GListModel) sheet = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL, *approved_by = NULL, *excluded = NULL, *makeup = NULL;
  g_autofree char *member_id = NULL;
  EvgMeeting *meeting;
  int exit_status;
  EvgAttendee *attendee;
  const char *status;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the member was late, on leave or absent"), N_("TEXT") },
    { "approved-by", 0, 0, G_OPTION_ARG_STRING, &approved_by, N_("Who approved the leave"), N_("NAME") },
    { "not-due", 0, 0, G_OPTION_ARG_STRING, &excluded,
      N_("Leave the member out of those due: illness, abroad, sentence or away"), N_("REASON") },
    { "makeup-done", 0, 0, G_OPTION_ARG_STRING, &makeup, N_("The day the member did the make-up study"), N_("DATE") },
    { NULL }
  };

  context = evg_cli_option_context (cli, _("ID ID_NUMBER STATUS"),
                                    _("Records a member’s attendance at a meeting. STATUS is "
                                      "present, late, leave or absent (or 出席, 迟到, 请假, 缺席)."),
                                    entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 4)
    {
      evg_cli_error (_("Give the meeting’s id, the member’s ID number and the attendance."));
      return EVG_CLI_USAGE;
    }
  status = evg_attendance_status_from_text (argv[3]);
  if (status == NULL)
    {
      evg_cli_error (_("“%s” is not an attendance: write present, late, leave or absent."), argv[3]);
      return EVG_CLI_USAGE;
    }
  meeting = open_meeting (cli, argv[1], TRUE, &calendar, &exit_status);
  if (meeting == NULL)
    return exit_status;
  member_id = evg_calendar_find_member (calendar, argv[2], &error);
  if (member_id == NULL)
    {
      if (error != NULL)
        return report_error (error);
      evg_cli_error (_("No member has the ID number %s."), argv[2]);
      return EVG_CLI_FAILED;
    }
  sheet = evg_calendar_build_sheet (calendar, meeting, &error);
  if (sheet == NULL)
    return report_error (error);
  attendee = evg_calendar_find_attendee (sheet, member_id);
  if (attendee == NULL)
    {
      g_autoptr(EvgAttendee) stranger = evg_attendee_new (member_id, argv[2], NULL, FALSE);

      evg_attendee_set_due (stranger, FALSE);
      evg_attendee_set (stranger, EVG_ATTENDANCE_STATUS, status);
      if (!evg_calendar_save_attendance (calendar, meeting, stranger, &error))
        return report_error (error);
      return EVG_CLI_OK;
    }
  evg_attendee_set (attendee, EVG_ATTENDANCE_STATUS, status);
  if (reason != NULL)
    evg_attendee_set (attendee, EVG_ATTENDANCE_REASON, reason);
  if (approved_by != NULL)
    evg_attendee_set (attendee, EVG_ATTENDANCE_APPROVED_BY, approved_by);
  if (excluded != NULL)
    evg_attendee_set (attendee, EVG_ATTENDANCE_EXCLUDED_REASON, excluded);
  if (makeup != NULL)
    evg_attendee_set (attendee, EVG_ATTENDANCE_MAKEUP_DONE_ON, makeup);
  if (!evg_calendar_save_attendance (calendar, meeting, attendee, &error))
    return report_error (error);
  return EVG_CLI_OK;
}

static int
meetings_makeup (EvgCli  *cli,
                 int      argc,
                 char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(GListModel) sheet = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *date = NULL, *member_id = NULL, *today = NULL;
  gboolean undo = FALSE;
  EvgMeeting *meeting;
  int exit_status;
  EvgAttendee *attendee;
  GDate day;
  GOptionEntry entries[] = {
    { "date", 0, 0, G_OPTION_ARG_STRING, &date, N_("The day it was done (default: today)"), N_("DATE") },
    { "undo", 0, 0, G_OPTION_ARG_NONE, &undo, N_("It was recorded by mistake"), NULL },
    { NULL }
  };

  context = evg_cli_option_context (cli, _("ID ID_NUMBER"),
                                    _("Records that a member absent from a meeting did the make-up "
                                      "study (补学); possible after the record is signed."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 3 || (date != NULL && !evg_parse_date (date, &day)))
    {
      evg_cli_error (_("Give the meeting’s id and the member’s ID number; --date takes YYYY-MM-DD."));
      return EVG_CLI_USAGE;
    }
  if (date == NULL)
    evg_date_set_today (&day);
  today = evg_format_date (&day);
  meeting = open_meeting (cli, argv[1], TRUE, &calendar, &exit_status);
  if (meeting == NULL)
    return exit_status;
  member_id = evg_calendar_find_member (calendar, argv[2], &error);
  sheet = member_id != NULL ? evg_calendar_build_sheet (calendar, meeting, &error) : NULL;
  attendee = sheet != NULL ? evg_calendar_find_attendee (sheet, member_id) : NULL;
  if (attendee == NULL)
    {
      if (error != NULL)
        return report_error (error);
      evg_cli_error (_("No member with the ID number %s is on this meeting’s sheet."), argv[2]);
      return EVG_CLI_FAILED;
    }
  if (!evg_calendar_record_makeup (calendar, meeting, attendee, undo ? NULL : today, &error))
    return report_error (error);
  return EVG_CLI_OK;
}

static int
meetings_resolve (EvgCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(GListModel) sheet = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL, *id = NULL;
  gint64 votes_for = -1, votes_against = -1, votes_abstain = -1;
  EvgResolutionInfo resolution = { 0 };
  EvgMeeting *meeting;
  int exit_status;
  EvgQuorum quorum;
  GOptionEntry entries[] = {
    { "text", 0, 0, G_OPTION_ARG_STRING, &text, N_("What was resolved"), N_("TEXT") },
    { "for", 0, 0, G_OPTION_ARG_INT64, &votes_for, N_("Votes for"), N_("N") },
    { "against", 0, 0, G_OPTION_ARG_INT64, &votes_against, N_("Votes against"), N_("N") },
    { "abstain", 0, 0, G_OPTION_ARG_INT64, &votes_abstain, N_("Abstentions"), N_("N") },
    { NULL }
  };

  context = evg_cli_option_context (cli, _("ID"),
                                    _("Adds a resolution with its votes to a meeting; votes beyond "
                                      "the voting members present are refused."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 2 || text == NULL)
    {
      evg_cli_error (_("Give the meeting’s id and --text."));
      return EVG_CLI_USAGE;
    }
  meeting = open_meeting (cli, argv[1], TRUE, &calendar, &exit_status);
  if (meeting == NULL)
    return exit_status;
  sheet = evg_calendar_build_sheet (calendar, meeting, &error);
  existing = sheet != NULL ? evg_calendar_list_resolutions (calendar, argv[1], &error) : NULL;
  if (existing == NULL)
    return report_error (error);
  evg_calendar_count_quorum (calendar, sheet, &quorum);

  resolution.position = (int) existing->len + 1;
  resolution.text = text;
  resolution.votes_for = votes_for;
  resolution.votes_against = votes_against;
  resolution.votes_abstain = votes_abstain;
  id = evg_calendar_save_resolution (calendar, meeting, &resolution, &quorum, &error);
  g_free (resolution.id);
  if (id == NULL)
    return report_error (error);
  g_print ("%s\n", id);
  return EVG_CLI_OK;
}

static int
meetings_sign (EvgCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *chair = NULL, *recorder = NULL;
  GOptionEntry entries[] = {
    { "chair", 0, 0, G_OPTION_ARG_STRING, &chair, N_("The chair who signs"), N_("NAME") },
    { "recorder", 0, 0, G_OPTION_ARG_STRING, &recorder, N_("The recorder who signs"), N_("NAME") },
    { NULL }
  };

  context = evg_cli_option_context (cli, _("ID"),
                                    _("Signs a held meeting’s record; it is then final on every "
                                      "device."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 2 || chair == NULL || recorder == NULL)
    {
      evg_cli_error (_("Give the meeting’s id, --chair and --recorder."));
      return EVG_CLI_USAGE;
    }
  calendar = open_calendar (cli, TRUE);
  if (calendar == NULL)
    return EVG_CLI_USAGE;
  if (find_meeting (calendar, argv[1]) == NULL)
    return EVG_CLI_FAILED;
  if (!evg_calendar_sign (calendar, argv[1], chair, recorder, NULL, &error))
    return report_error (error);
  return EVG_CLI_OK;
}

static int
meetings_correct (EvgCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *author = NULL, *text = NULL, *id = NULL;
  EvgMeeting *meeting;
  int exit_status;
  GDate today;
  g_autofree char *day = NULL;
  GOptionEntry entries[] = {
    { "author", 0, 0, G_OPTION_ARG_STRING, &author, N_("Who writes the correction"), N_("NAME") },
    { "text", 0, 0, G_OPTION_ARG_STRING, &text, N_("The correction"), N_("TEXT") },
    { NULL }
  };

  context = evg_cli_option_context (cli, _("ID"),
                                    _("Adds a dated correction to a signed meeting record."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 2 || author == NULL || text == NULL)
    {
      evg_cli_error (_("Give the meeting’s id, --author and --text."));
      return EVG_CLI_USAGE;
    }
  meeting = open_meeting (cli, argv[1], TRUE, &calendar, &exit_status);
  if (meeting == NULL)
    return exit_status;
  evg_date_set_today (&today);
  day = evg_format_date (&today);
  id = evg_calendar_add_addendum (calendar, meeting, author, text, day, &error);
  if (id == NULL)
    return report_error (error);
  g_print ("%s\n", id);
  return EVG_CLI_OK;
}

static int
meetings_archive (EvgCli  *cli,
                  int      argc,
                  char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(GError) error = NULL;
  int year = 0;
  guint n;
  GOptionEntry entries[] = {
    { "year", 0, 0, G_OPTION_ARG_INT, &year, N_("The year to archive"), N_("YYYY") },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL,
                                    _("Archives a year: its meetings can then be read and printed, "
                                      "not changed."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 1 || year < 1900 || year > 2199)
    {
      evg_cli_error (_("Give the year to archive with --year."));
      return EVG_CLI_USAGE;
    }
  calendar = open_calendar (cli, TRUE);
  if (calendar == NULL)
    return EVG_CLI_USAGE;
  n = evg_calendar_archive_year (calendar, year, &error);
  if (error != NULL)
    return report_error (error);
  g_print (ngettext ("%u meeting archived.\n", "%u meetings archived.\n", n), n);
  return EVG_CLI_OK;
}

static int
meetings_compliance (EvgCli  *cli,
                     int      argc,
                     char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *today = NULL;
  int year = 0;
  GDate date;
  GOptionEntry entries[] = {
    { "year", 0, 0, G_OPTION_ARG_INT, &year, N_("The year (default: this year)"), N_("YYYY") },
    { "today", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &today, NULL, NULL },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL,
                                    _("For each type of meeting and each period of the year, the "
                                      "meetings required and held."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (today == NULL)
    {
      evg_date_set_today (&date);
      today = evg_format_date (&date);
    }
  else if (!evg_parse_date (today, &date))
    {
      evg_cli_error (_("--today takes a date written YYYY-MM-DD."));
      return EVG_CLI_USAGE;
    }
  if (year == 0)
    year = g_date_get_year (&date);
  if (argc != 1 || year < 1900 || year > 2199)
    {
      evg_cli_error (_("--year takes a year such as 2026."));
      return EVG_CLI_USAGE;
    }
  calendar = open_calendar (cli, FALSE);
  if (calendar == NULL)
    return EVG_CLI_USAGE;
  rows = evg_calendar_compliance (calendar, year, today, &error);
  if (rows == NULL)
    return report_error (error);

  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    {
      EvgCompliance *row = g_ptr_array_index (rows, i);

      if (!cli->json)
        {
          g_print ("%s  %s%s%s  %u/%u  %s\n", row->period, evg_meeting_kind_get_label (row->kind),
                   row->party_group_name != NULL ? " · " : "",
                   row->party_group_name != NULL ? row->party_group_name : "",
                   row->held, row->required, evg_compliance_status_to_string (row->status));
          continue;
        }
      json_builder_begin_object (builder);
      evg_cli_json_add_string (builder, "type", evg_meeting_kind_to_code (row->kind));
      evg_cli_json_add_string (builder, "group", row->party_group_name);
      evg_cli_json_add_string (builder, "period", row->period);
      evg_cli_json_add_int (builder, "required", row->required);
      evg_cli_json_add_int (builder, "held", row->held);
      evg_cli_json_add_string (builder, "status", evg_compliance_status_to_string (row->status));
      if (row->status == EVG_COMPLIANCE_OPEN)
        evg_cli_json_add_int (builder, "days_left", row->days_left);
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
meetings_export_ics (EvgCli  *cli,
                     int      argc,
                     char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(GPtrArray) meetings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *from = NULL, *to = NULL, *branch_name = NULL;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("The first day, YYYY-MM-DD"), N_("DATE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("The last day, YYYY-MM-DD"), N_("DATE") },
    { NULL }
  };

  context = evg_cli_option_context (cli, _("FILE"),
                                    _("Writes the meetings that start in a period (all of them "
                                      "without --from and --to) to an iCalendar file for phone and "
                                      "desktop calendars. Each meeting keeps the same UID in every "
                                      "export, so calendars can update the events they already have."),
                                    entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 2)
    {
      evg_cli_error (_("Name the iCalendar file to write."));
      return EVG_CLI_USAGE;
    }
  if (!check_period (from, to))
    {
      evg_cli_error (_("--from and --to take dates written YYYY-MM-DD."));
      return EVG_CLI_USAGE;
    }
  calendar = open_calendar (cli, FALSE);
  if (calendar == NULL)
    return EVG_CLI_USAGE;

  meetings = list_period (calendar, from, to);
  branch_name = evg_store_get_meta (evg_calendar_get_store (calendar), "branch_name");
  if (!evg_meeting_ics_save (meetings, branch_name, argv[1], &error))
    {
      evg_cli_error ("%s", error->message);
      return EVG_CLI_FAILED;
    }
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      evg_cli_json_add_string (builder, "file", argv[1]);
      evg_cli_json_add_int (builder, "meetings", meetings->len);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      evg_cli_print_json (root);
    }
  else
    g_print (g_dngettext (GETTEXT_PACKAGE, "Exported %u meeting to %s.\n",
                          "Exported %u meetings to %s.\n", meetings->len),
             meetings->len, argv[1]);
  return EVG_CLI_OK;
}

static int
meetings_print (EvgCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgCalendar) calendar = NULL;
  g_autoptr(EvgMeetingReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = NULL;
  EvgMeeting *meeting;
  int exit_status;
  guint n_pages;
  GOptionEntry entries[] = {
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Save the record as this PDF file"), N_("FILE") },
    { NULL }
  };

  context = evg_cli_option_context (cli, _("ID"),
                                    _("Saves a meeting’s record, as it is printed, as an A4 PDF: "
                                      "attendance, minutes, resolutions with their votes, signature "
                                      "lines and corrections."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 2 || pdf == NULL || pdf[0] == '\0')
    {
      evg_cli_error (_("Give the meeting’s id and --pdf FILE."));
      return EVG_CLI_USAGE;
    }
  meeting = open_meeting (cli, argv[1], FALSE, &calendar, &exit_status);
  if (meeting == NULL)
    return exit_status;
  report = evg_meeting_report_new (calendar, meeting, &error);
  if (report == NULL)
    return report_error (error);
  if (!evg_meeting_report_write_pdf (report, pdf, &error))
    {
      evg_cli_error ("%s", error->message);
      return EVG_CLI_FAILED;
    }
  n_pages = evg_meeting_report_get_n_pages (report);
  if (cli->json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      evg_cli_json_add_string (builder, "file", pdf);
      evg_cli_json_add_int (builder, "pages", n_pages);
      json_builder_end_object (builder);
      root = json_builder_get_root (builder);
      evg_cli_print_json (root);
    }
  else
    g_print (ngettext ("Saved %u page to %s.\n", "Saved %u pages to %s.\n", n_pages), n_pages, pdf);
  return EVG_CLI_OK;
}

static const EvgCliCommand meeting_commands[] = {
  { "add", N_("Add a meeting"), meetings_add },
  { "update", N_("Change a meeting that is not signed"), meetings_update },
  { "list", N_("List meetings"), meetings_list },
  { "show", N_("Show a meeting with its attendance and quorum"), meetings_show },
  { "attend", N_("Record a member’s attendance"), meetings_attend },
  { "makeup", N_("Record an absentee’s make-up study"), meetings_makeup },
  { "resolve", N_("Add a resolution with its votes"), meetings_resolve },
  { "sign", N_("Sign a held meeting’s record"), meetings_sign },
  { "correct", N_("Add a dated correction to a signed record"), meetings_correct },
  { "print", N_("Save a meeting’s record as a PDF"), meetings_print },
  { "archive", N_("Archive a year’s meetings"), meetings_archive },
  { "compliance", N_("Show meetings required and held per period"), meetings_compliance },
  { "export-ics", N_("Export meetings to an iCalendar file for phone calendars"), meetings_export_ics },
};

int
evg_cli_meetings (EvgCli  *cli,
                  int      argc,
                  char   **argv)
{
  return evg_cli_dispatch (cli, "meetings", meeting_commands, G_N_ELEMENTS (meeting_commands),
                           argc - 1, argv + 1);
}
