/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-cli"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-cli.h"
#include "evg-context.h"
#include "evg-feedback-list.h"
#include "evg-feedback-poster.h"
#include "evg-inbox.h"

/* `e-vanguard-cli feedback …`: the residents' messages (留言板) from a
 * terminal, with JSON keys that are DOMAIN.md's field names. */

static EvgInbox *
open_inbox (EvgCli   *cli,
            gboolean  writing)
{
  g_autoptr(GError) error = NULL;
  EvgStore *store = writing ? evg_cli_get_store (cli) : evg_cli_get_store_for_reading (cli);
  EvgInbox *inbox;

  if (store == NULL)
    return NULL;
  inbox = evg_inbox_new (store, &error);
  if (inbox == NULL)
    evg_cli_error ("%s", error->message);
  return inbox;
}

/* A message that breaks a rule (empty, a contact that is no phone number)
 * is rejected: 3.  A step the message cannot take, a missing message or a
 * failed write: 1. */
static int
report_error (GError *error)
{
  gboolean rejected = g_error_matches (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID) ||
                      g_error_matches (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID);

  evg_cli_error ("%s", error->message);
  return rejected ? EVG_CLI_REJECTED : EVG_CLI_FAILED;
}

static void
print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  evg_cli_print_json (root);
}

static void
add_record_fields (JsonBuilder *builder,
                   EvgRecord   *record)
{
  const EvgTableSpec *spec = evg_record_get_table (record);

  evg_cli_json_add_string (builder, "id", evg_record_get_id (record));
  for (guint k = 0; k < spec->n_columns; k++)
    evg_cli_json_add_string (builder, spec->columns[k].field, evg_record_get (record, k));
}

static void
add_flags (JsonBuilder      *builder,
           EvgFeedbackFlags  flags)
{
  evg_cli_json_add_bool (builder, "overdue", (flags & EVG_FEEDBACK_FLAG_OVERDUE) != 0);
  evg_cli_json_add_bool (builder, "waiting", (flags & EVG_FEEDBACK_FLAG_WAITING) != 0);
  evg_cli_json_add_bool (builder, "reopened", (flags & EVG_FEEDBACK_FLAG_REOPENED) != 0);
}

/* A choice given on the command line, or an exit with the codes it takes. */
static gboolean
check_choice (const EvgColumnSpec  *column,
              const char           *option,
              char                **value)
{
  const char *code;
  g_autofree char *codes = NULL;

  if (*value == NULL)
    return TRUE;
  code = evg_cli_parse_choice (column, *value);
  if (code != NULL)
    {
      g_free (*value);
      *value = g_strdup (code);
      return TRUE;
    }
  codes = evg_cli_choice_codes (column);
  evg_cli_error (_("%s takes one of: %s."), option, codes);
  return FALSE;
}

static int
feedback_add (EvgCli  *cli,
              int      argc,
              char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgInbox) inbox = NULL;
  g_autoptr(EvgRecord) message = evg_record_new (&evg_feedback_table, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *channel = NULL, *content = NULL, *from = NULL, *contact = NULL, *category = NULL;
  g_autofree char *place = NULL, *at = NULL, *id = NULL;
  GOptionEntry entries[] = {
    { "channel", 0, 0, G_OPTION_ARG_STRING, &channel,
      N_("How it came in: walk_in, phone, web, hotline (12345) or letter"), N_("CHANNEL") },
    { "content", 0, 0, G_OPTION_ARG_STRING, &content, N_("What the resident said"), N_("TEXT") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("The resident’s name"), N_("NAME") },
    { "contact", 0, 0, G_OPTION_ARG_STRING, &contact, N_("The resident’s phone number"), N_("PHONE") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, N_("What it is about, by code or Chinese name"),
      N_("CATEGORY") },
    { "place", 0, 0, G_OPTION_ARG_STRING, &place, N_("Where, e.g. a building"), N_("TEXT") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("When it came in, 2026-03-05T14:30 (default: now)"), N_("TIME") },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL, _("Records a resident’s message and prints its id."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 1 || channel == NULL || content == NULL)
    {
      evg_cli_error (_("Give at least --channel and --content."));
      return EVG_CLI_USAGE;
    }
  if (!check_choice (evg_feedback_field_get_info (EVG_FEEDBACK_CHANNEL), "--channel", &channel) ||
      !check_choice (evg_feedback_field_get_info (EVG_FEEDBACK_CATEGORY), "--category", &category))
    return EVG_CLI_USAGE;
  inbox = open_inbox (cli, TRUE);
  if (inbox == NULL)
    return EVG_CLI_USAGE;
  evg_record_set (message, EVG_FEEDBACK_CHANNEL, channel);
  evg_record_set (message, EVG_FEEDBACK_CONTENT, content);
  evg_record_set (message, EVG_FEEDBACK_FROM_NAME, from);
  evg_record_set (message, EVG_FEEDBACK_CONTACT, contact);
  evg_record_set (message, EVG_FEEDBACK_CATEGORY, category);
  evg_record_set (message, EVG_FEEDBACK_PLACE, place);
  evg_record_take (message, EVG_FEEDBACK_RECEIVED_AT, evg_cli_normalize_time (at));
  id = evg_inbox_add (inbox, message, &error);
  if (id == NULL)
    return report_error (error);
  if (!cli->json)
    {
      g_print ("%s\n", id);
      return EVG_CLI_OK;
    }
  json_builder_begin_object (builder);
  evg_cli_json_add_string (builder, "id", id);
  json_builder_end_object (builder);
  print_json (builder);
  return EVG_CLI_OK;
}

static int
feedback_list (EvgCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgInbox) inbox = NULL;
  g_autoptr(EvgFeedbackList) list = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *status = NULL, *search = NULL;
  gboolean overdue = FALSE;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status,
      N_("Only new, assigned, in_progress, replied or closed messages"), N_("STATUS") },
    { "overdue", 0, 0, G_OPTION_ARG_NONE, &overdue, N_("Only messages past a due time"), NULL },
    { "search", 0, 0, G_OPTION_ARG_STRING, &search, N_("Only messages holding these words"), N_("TEXT") },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL, _("Lists the messages, newest first."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 1 || !check_choice (evg_feedback_field_get_info (EVG_FEEDBACK_STATUS), "--status", &status))
    return EVG_CLI_USAGE;
  inbox = open_inbox (cli, FALSE);
  if (inbox == NULL)
    return EVG_CLI_USAGE;
  list = evg_feedback_list_new (inbox);
  evg_feedback_list_set_status (list, status);
  evg_feedback_list_set_overdue_only (list, overdue);
  evg_feedback_list_set_search_text (list, search);

  json_builder_begin_array (builder);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (list)); i++)
    {
      g_autoptr(EvgRecord) message = g_list_model_get_item (G_LIST_MODEL (list), i);
      EvgFeedbackFlags flags = evg_inbox_get_message_flags (inbox, message);

      if (!cli->json)
        {
          g_print ("%s  %s  %s  %s%s\n", evg_record_get_id (message),
                   evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT),
                   evg_record_get_choice_label (message, EVG_FEEDBACK_STATUS),
                   evg_record_get (message, EVG_FEEDBACK_CONTENT),
                   flags & EVG_FEEDBACK_FLAG_OVERDUE ? _("  (overdue)") : "");
          continue;
        }
      json_builder_begin_object (builder);
      add_record_fields (builder, message);
      add_flags (builder, flags);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (cli->json)
    print_json (builder);
  return EVG_CLI_OK;
}

static int
feedback_show (EvgCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(EvgInbox) inbox = NULL;
  g_autoptr(EvgRecord) message = NULL;
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  if (!evg_cli_parse_command (cli, _("ID"), _("Shows a message and what was done with it."), NULL, &argc, &argv,
                              1, 1, _("Give the message’s id.")))
    return EVG_CLI_USAGE;
  inbox = open_inbox (cli, FALSE);
  if (inbox == NULL)
    return EVG_CLI_USAGE;
  message = evg_inbox_dup_message (inbox, argv[1]);
  if (message == NULL)
    {
      evg_cli_error (_("No message has the id “%s”."), argv[1]);
      return EVG_CLI_FAILED;
    }
  events = evg_inbox_list_events (inbox, argv[1], &error);
  if (events == NULL)
    return report_error (error);

  if (!cli->json)
    {
      g_print ("%s  %s  %s\n%s\n", evg_record_get (message, EVG_FEEDBACK_RECEIVED_AT),
               evg_record_get_choice_label (message, EVG_FEEDBACK_CHANNEL),
               evg_record_get_choice_label (message, EVG_FEEDBACK_STATUS),
               evg_record_get (message, EVG_FEEDBACK_CONTENT));
      for (guint i = 0; i < events->len; i++)
        {
          EvgRecord *event = g_ptr_array_index (events, i);

          g_print ("  %s  %s  %s\n", evg_record_get (event, EVG_FEEDBACK_EVENT_AT),
                   evg_record_get_choice_label (event, EVG_FEEDBACK_EVENT_KIND),
                   evg_record_get (event, EVG_FEEDBACK_EVENT_TEXT) != NULL
                   ? evg_record_get (event, EVG_FEEDBACK_EVENT_TEXT) : "");
        }
      return EVG_CLI_OK;
    }
  json_builder_begin_object (builder);
  add_record_fields (builder, message);
  add_flags (builder, evg_inbox_get_message_flags (inbox, message));
  json_builder_set_member_name (builder, "events");
  json_builder_begin_array (builder);
  for (guint i = 0; i < events->len; i++)
    {
      json_builder_begin_object (builder);
      add_record_fields (builder, g_ptr_array_index (events, i));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  print_json (builder);
  return EVG_CLI_OK;
}

static int
print_event_id (EvgCli  *cli,
                char    *event_id,
                GError  *error)
{
  g_autofree char *id = event_id;
  g_autoptr(JsonBuilder) builder = NULL;

  if (id == NULL)
    return report_error (error);
  if (!cli->json)
    return EVG_CLI_OK;
  builder = json_builder_new ();
  json_builder_begin_object (builder);
  evg_cli_json_add_string (builder, "event_id", id);
  json_builder_end_object (builder);
  print_json (builder);
  return EVG_CLI_OK;
}

/* The steps that take a message and at most a text. */
static const struct
{
  const char *command;
  const char *kind;
  gboolean    needs_text;
  const char *parameters;
  const char *summary;
} steps[] = {
  { "reply", "reply", TRUE, N_("ID TEXT"), N_("Answers the resident (a public reply).") },
  { "note", "note", TRUE, N_("ID TEXT"), N_("Adds an internal note, never shown to the resident.") },
  { "contacted", "contacted", FALSE, N_("ID [TEXT]"), N_("Records that the resident was contacted.") },
  { "wait", "waiting", FALSE, N_("ID [TEXT]"),
    N_("Records a wait for the resident (the due times stand still).") },
  { "resume", "resumed", FALSE, N_("ID [TEXT]"), N_("Records that the wait for the resident ended.") },
  { "close", "closed", FALSE, N_("ID [TEXT]"), N_("Concludes the message.") },
  { "reopen", "reopened", FALSE, N_("ID [TEXT]"), N_("Records that the resident raised it again.") },
  { "exclude", "excluded", TRUE, N_("ID REASON"), N_("Leaves the message out of the rates, for a reason.") },
};

static int
feedback_step (EvgCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(EvgInbox) inbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *usage = NULL;
  guint i;
  char *event_id;

  for (i = 0; i < G_N_ELEMENTS (steps) && !g_str_equal (argv[0], steps[i].command); i++)
    ;
  g_assert (i < G_N_ELEMENTS (steps));
  usage = g_strdup_printf (_("Usage: feedback %s %s"), steps[i].command, _(steps[i].parameters));
  if (!evg_cli_parse_command (cli, _(steps[i].parameters), _(steps[i].summary), NULL, &argc, &argv,
                              steps[i].needs_text ? 2 : 1, 2, usage))
    return EVG_CLI_USAGE;
  inbox = open_inbox (cli, TRUE);
  if (inbox == NULL)
    return EVG_CLI_USAGE;
  event_id = evg_inbox_record (inbox, argv[1], steps[i].kind, argc == 3 ? argv[2] : NULL, &error);
  return print_event_id (cli, event_id, error);
}

static int
feedback_assign (EvgCli  *cli,
                 int      argc,
                 char   **argv)
{
  g_autoptr(EvgInbox) inbox = NULL;
  g_autoptr(GError) error = NULL;
  char *event_id;

  if (!evg_cli_parse_command (cli, _("ID ID_NUMBER"), _("Assigns a message to a member."), NULL, &argc, &argv,
                              2, 2, _("Give the message’s id and the member’s ID number.")))
    return EVG_CLI_USAGE;
  inbox = open_inbox (cli, TRUE);
  if (inbox == NULL)
    return EVG_CLI_USAGE;
  event_id = evg_inbox_assign (inbox, argv[1], argv[2], &error);
  return print_event_id (cli, event_id, error);
}

static int
feedback_callback (EvgCli  *cli,
                   int      argc,
                   char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgInbox) inbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *resolved = NULL, *satisfied = NULL;
  char *event_id;
  GOptionEntry entries[] = {
    { "resolved", 0, 0, G_OPTION_ARG_STRING, &resolved, N_("yes, partly or no"), N_("ANSWER") },
    { "satisfied", 0, 0, G_OPTION_ARG_STRING, &satisfied, N_("yes, basically or no"), N_("ANSWER") },
    { NULL }
  };

  context = evg_cli_option_context (cli, _("ID"), _("Records the callback (回访): resolved? satisfied?"),
                                    entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 2 || resolved == NULL || satisfied == NULL)
    {
      evg_cli_error (_("Give the message’s id, --resolved and --satisfied."));
      return EVG_CLI_USAGE;
    }
  if (!check_choice (evg_feedback_event_field_get_info (EVG_FEEDBACK_EVENT_RESOLVED), "--resolved", &resolved) ||
      !check_choice (evg_feedback_event_field_get_info (EVG_FEEDBACK_EVENT_SATISFIED), "--satisfied", &satisfied))
    return EVG_CLI_USAGE;
  inbox = open_inbox (cli, TRUE);
  if (inbox == NULL)
    return EVG_CLI_USAGE;
  event_id = evg_inbox_callback (inbox, argv[1], resolved, satisfied, &error);
  return print_event_id (cli, event_id, error);
}

static int
feedback_merge (EvgCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(EvgInbox) inbox = NULL;
  g_autoptr(GError) error = NULL;

  if (!evg_cli_parse_command (cli, _("DUPLICATE_ID INTO_ID"),
                              _("Merges a duplicate into a message: its resident gets every reply."), NULL,
                              &argc, &argv, 2, 2,
                              _("Give the duplicate’s id and the id of the message it is merged into.")))
    return EVG_CLI_USAGE;
  inbox = open_inbox (cli, TRUE);
  if (inbox == NULL)
    return EVG_CLI_USAGE;
  if (!evg_inbox_merge (inbox, argv[1], argv[2], &error))
    return report_error (error);
  return EVG_CLI_OK;
}

/* feedback whistle|agenda ID: the message made into work, linked both ways. */
static int
feedback_work (EvgCli  *cli,
               int      argc,
               char   **argv)
{
  g_autoptr(EvgContext) app = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = NULL;
  gboolean whistle = g_str_equal (argv[0], "whistle");
  EvgStore *store;

  if (!evg_cli_parse_command (cli, _("ID"),
                              whistle ? _("Raises a whistle for a message and prints the whistle’s id.")
                                      : _("Puts a message on the next 主题党日’s agenda and prints the "
                                          "meeting’s id."), NULL, &argc, &argv, 1, 1,
                              _("Give the message’s id.")))
    return EVG_CLI_USAGE;
  store = evg_cli_get_store (cli);
  if (store == NULL)
    return EVG_CLI_USAGE;
  app = evg_context_new (store, &error);
  if (app == NULL)
    return report_error (error);
  id = whistle ? evg_context_raise_whistle_for (app, argv[1], &error)
               : evg_context_put_on_agenda (app, argv[1], &error);
  if (id == NULL)
    return report_error (error);
  if (!cli->json)
    {
      g_print ("%s\n", id);
      return EVG_CLI_OK;
    }
  json_builder_begin_object (builder);
  evg_cli_json_add_string (builder, whistle ? "whistle_id" : "meeting_id", id);
  json_builder_end_object (builder);
  print_json (builder);
  return EVG_CLI_OK;
}

static int
feedback_poster (EvgCli  *cli,
                 int      argc,
                 char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgContext) app = NULL;
  g_autoptr(EvgFeedbackPoster) poster = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = NULL, *url = NULL, *page = NULL, *name = NULL, *code = NULL;
  EvgStore *store;
  guint respond_hours;
  GOptionEntry entries[] = {
    { "pdf", 0, 0, G_OPTION_ARG_FILENAME, &pdf, N_("Save the poster as this PDF file"), N_("FILE") },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url,
      N_("The page’s address (default: the sync server’s, with the branch code)"), N_("URL") },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL,
                                    _("Makes the A4 notice for the community board with the QR code of "
                                      "the branch’s feedback page."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 1 || pdf == NULL)
    {
      evg_cli_error (_("Give --pdf FILE."));
      return EVG_CLI_USAGE;
    }
  store = evg_cli_get_store_for_reading (cli);
  if (store == NULL)
    return EVG_CLI_USAGE;
  app = evg_context_new (store, &error);
  if (app == NULL)
    return report_error (error);
  name = evg_context_dup_branch_name (app);
  code = evg_context_dup_branch_code (app);
  page = url != NULL ? g_strdup (url)
                     : evg_feedback_page_url (evg_sync_client_get_server_url (evg_context_get_sync_client (app)),
                                              code, &error);
  if (page == NULL)
    {
      evg_cli_error ("%s", error->message);
      return EVG_CLI_USAGE;
    }
  evg_inbox_get_due_hours (evg_context_get_inbox (app), &respond_hours, NULL);
  poster = evg_feedback_poster_new (name, page, respond_hours);
  if (!evg_pages_write_pdf (EVG_PAGES (poster), pdf, &error))
    {
      evg_cli_error (_("Could not write %s: %s"), pdf, error->message);
      return EVG_CLI_FAILED;
    }
  return EVG_CLI_OK;
}

static void
add_rate (JsonBuilder *builder,
          const char  *name,
          double       rate)
{
  json_builder_set_member_name (builder, name);
  if (rate < 0)
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, rate);
}

/* @part is what the rate counts, with the weights applied. */
static void
print_rate (const char *name,
            double      rate,
            double      part,
            guint       whole,
            const char *formula)
{
  if (rate < 0)
    g_print ("%s  —  %s\n", name, formula);
  else
    g_print ("%s  %.1f%%  (%g/%u)  %s\n", name, rate * 100, part, whole, formula);
}

static int
feedback_stats (EvgCli  *cli,
                int      argc,
                char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgInbox) inbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();
  g_autofree char *month = g_date_time_format (today, "%Y-%m");
  g_autofree char *category = NULL, *export = NULL;
  g_autofree char *response = NULL, *resolution = NULL, *satisfaction = NULL;
  EvgFeedbackRates r;
  GOptionEntry entries[] = {
    { "month", 0, 0, G_OPTION_ARG_STRING, &month, N_("The month (default: this month)"), N_("YYYY-MM") },
    { "category", 0, 0, G_OPTION_ARG_STRING, &category, N_("Only messages of this category"), N_("CATEGORY") },
    { "export", 0, 0, G_OPTION_ARG_FILENAME, &export,
      N_("Also write the month’s messages and rates to FILE (.csv or .xlsx)"), N_("FILE") },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL,
                                    _("A month’s response, resolution and satisfaction rates, from the "
                                      "messages’ events."), entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 1 || !check_choice (evg_feedback_field_get_info (EVG_FEEDBACK_CATEGORY), "--category", &category))
    return EVG_CLI_USAGE;
  inbox = open_inbox (cli, FALSE);
  if (inbox == NULL)
    return EVG_CLI_USAGE;
  if (!evg_inbox_compute_rates (inbox, month, 1, category, &r, &error))
    {
      evg_cli_error ("%s", error->message);
      return EVG_CLI_USAGE;
    }
  if (export != NULL && !evg_inbox_export_month (inbox, month, export, &error))
    {
      evg_cli_error (_("Could not write %s: %s"), export, error->message);
      return EVG_CLI_FAILED;
    }
  response = evg_inbox_dup_formula (inbox, EVG_RATE_RESPONSE);
  resolution = evg_inbox_dup_formula (inbox, EVG_RATE_RESOLUTION);
  satisfaction = evg_inbox_dup_formula (inbox, EVG_RATE_SATISFACTION);
  if (!cli->json)
    {
      g_print (_("%s: %u received, %u left out, %u rated, %u called back\n"), month, r.received, r.excluded,
               r.counted, r.called_back);
      print_rate (_("Response rate"), r.response_rate, r.responded_in_time, r.counted, response);
      print_rate (_("Resolution rate"), r.resolution_rate, r.resolution_rate * r.called_back, r.called_back,
                  resolution);
      print_rate (_("Satisfaction rate"), r.satisfaction_rate, r.satisfaction_rate * r.called_back,
                  r.called_back, satisfaction);
      return EVG_CLI_OK;
    }
  json_builder_begin_object (builder);
  evg_cli_json_add_string (builder, "month", month);
  evg_cli_json_add_string (builder, "category", category);
  evg_cli_json_add_int (builder, "received", r.received);
  evg_cli_json_add_int (builder, "excluded", r.excluded);
  evg_cli_json_add_int (builder, "counted", r.counted);
  evg_cli_json_add_int (builder, "responded", r.responded);
  evg_cli_json_add_int (builder, "responded_in_time", r.responded_in_time);
  evg_cli_json_add_int (builder, "called_back", r.called_back);
  evg_cli_json_add_int (builder, "resolved", r.resolved);
  evg_cli_json_add_int (builder, "partly_resolved", r.partly_resolved);
  evg_cli_json_add_int (builder, "not_resolved", r.not_resolved);
  evg_cli_json_add_int (builder, "satisfied", r.satisfied);
  evg_cli_json_add_int (builder, "basically_satisfied", r.basically_satisfied);
  evg_cli_json_add_int (builder, "dissatisfied", r.dissatisfied);
  add_rate (builder, "response_rate", r.response_rate);
  add_rate (builder, "resolution_rate", r.resolution_rate);
  add_rate (builder, "satisfaction_rate", r.satisfaction_rate);
  json_builder_set_member_name (builder, "formulas");
  json_builder_begin_object (builder);
  evg_cli_json_add_string (builder, "response_rate", response);
  evg_cli_json_add_string (builder, "resolution_rate", resolution);
  evg_cli_json_add_string (builder, "satisfaction_rate", satisfaction);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  print_json (builder);
  return EVG_CLI_OK;
}

static int
feedback_settings (EvgCli  *cli,
                   int      argc,
                   char   **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(EvgInbox) inbox = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int respond = 0, resolve = 0;
  double partly = -1, basically = -1;
  guint respond_hours, resolve_hours;
  EvgRateWeights weights;
  GOptionEntry entries[] = {
    { "respond-hours", 0, 0, G_OPTION_ARG_INT, &respond, N_("Hours to respond (default: 24)"), N_("HOURS") },
    { "resolve-hours", 0, 0, G_OPTION_ARG_INT, &resolve, N_("Hours to resolve (default: 168)"), N_("HOURS") },
    { "weight-partly", 0, 0, G_OPTION_ARG_DOUBLE, &partly,
      N_("What a partly resolved message counts in the resolution rate (default: 0.6)"), N_("SHARE") },
    { "weight-basically", 0, 0, G_OPTION_ARG_DOUBLE, &basically,
      N_("What a basically satisfied resident counts in the satisfaction rate (default: 0.8)"), N_("SHARE") },
    { NULL }
  };

  context = evg_cli_option_context (cli, NULL, _("Shows or sets the due times and the rates’ weights."),
                                    entries);
  if (!evg_cli_parse (cli, context, &argc, &argv))
    return EVG_CLI_USAGE;
  if (argc != 1 || respond < 0 || resolve < 0)
    return EVG_CLI_USAGE;
  inbox = open_inbox (cli, respond > 0 || resolve > 0 || partly >= 0 || basically >= 0);
  if (inbox == NULL)
    return EVG_CLI_USAGE;
  evg_inbox_get_due_hours (inbox, &respond_hours, &resolve_hours);
  evg_inbox_get_weights (inbox, &weights);
  if ((respond > 0 || resolve > 0) &&
      !evg_inbox_set_due_hours (inbox, respond > 0 ? (guint) respond : respond_hours,
                                resolve > 0 ? (guint) resolve : resolve_hours, &error))
    return report_error (error);
  if (partly >= 0)
    weights.partly_resolved = partly;
  if (basically >= 0)
    weights.basically_satisfied = basically;
  if ((partly >= 0 || basically >= 0) && !evg_inbox_set_weights (inbox, &weights, &error))
    return report_error (error);
  evg_inbox_get_due_hours (inbox, &respond_hours, &resolve_hours);
  if (!cli->json)
    {
      g_print (_("Respond within %u hours, resolve within %u hours; partly resolved counts %g, basically "
                 "satisfied %g.\n"), respond_hours, resolve_hours, weights.partly_resolved,
               weights.basically_satisfied);
      return EVG_CLI_OK;
    }
  json_builder_begin_object (builder);
  evg_cli_json_add_int (builder, "respond_hours", respond_hours);
  evg_cli_json_add_int (builder, "resolve_hours", resolve_hours);
  add_rate (builder, "weight_partly", weights.partly_resolved);
  add_rate (builder, "weight_basically", weights.basically_satisfied);
  json_builder_end_object (builder);
  print_json (builder);
  return EVG_CLI_OK;
}

static const EvgCliCommand feedback_commands[] = {
  { "add", N_("Record a resident’s message"), feedback_add },
  { "list", N_("List the messages"), feedback_list },
  { "show", N_("Show a message and its timeline"), feedback_show },
  { "assign", N_("Assign a message to a member"), feedback_assign },
  { "reply", N_("Answer the resident"), feedback_step },
  { "note", N_("Add an internal note"), feedback_step },
  { "contacted", N_("Record that the resident was contacted"), feedback_step },
  { "wait", N_("Wait for the resident (the clocks stop)"), feedback_step },
  { "resume", N_("End the wait for the resident"), feedback_step },
  { "callback", N_("Record the callback"), feedback_callback },
  { "close", N_("Conclude a message"), feedback_step },
  { "reopen", N_("Reopen a message the resident raised again"), feedback_step },
  { "exclude", N_("Leave a message out of the rates"), feedback_step },
  { "merge", N_("Merge a duplicate into a message"), feedback_merge },
  { "whistle", N_("Raise a whistle for a message"), feedback_work },
  { "agenda", N_("Put a message on the next 主题党日’s agenda"), feedback_work },
  { "stats", N_("A month’s three rates"), feedback_stats },
  { "poster", N_("The QR-code notice for the community board"), feedback_poster },
  { "settings", N_("Due times and the rates’ weights"), feedback_settings },
};

int
evg_cli_feedback (EvgCli  *cli,
                  int      argc,
                  char   **argv)
{
  return evg_cli_dispatch (cli, "feedback", feedback_commands, G_N_ELEMENTS (feedback_commands),
                           argc - 1, argv + 1);
}
