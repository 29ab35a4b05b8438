/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "evg-calendar-page.h"
#include "evg-context.h"
#include "evg-meeting-editor.h"
#include "evg-txn.h"
#include "../evg-test-util.h"

/* The calendar page and the meeting editor over a real store: the month
 * shows the meetings, keys move the selection, a period about to end
 * without its meeting raises the warning, and the editor saves, keeps
 * the attendance sheet's quorum current and refuses to change a signed
 * record. */

typedef struct
{
  char       *dir;
  EvgStore   *store;
  EvgContext *context;
} Fixture;

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
add_member (Fixture    *f,
            const char *name,
            const char *category)
{
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_member_table);
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);
  g_autofree char *id = NULL;

  evg_field_set_set (fields, "name", name);
  evg_field_set_set (fields, "category", category);
  evg_field_set_set (fields, "joined_on", "2000-07-01");
  if (g_str_equal (category, "full"))
    evg_field_set_set (fields, "full_member_on", "2001-07-01");
  id = evg_txn_insert (txn, fields, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (evg_txn_commit (txn, &error));
}

static char *
add_meeting (Fixture    *f,
             const char *type,
             const char *starts,
             const char *status)
{
  g_autoptr(EvgMeeting) meeting = evg_meeting_new (NULL);
  g_autoptr(GError) error = NULL;
  char *id;

  evg_meeting_set (meeting, EVG_MEETING_TYPE, type);
  evg_meeting_set (meeting, EVG_MEETING_STARTS_AT, starts);
  evg_meeting_set (meeting, EVG_MEETING_STATUS, status);
  id = evg_calendar_save (evg_context_get_calendar (f->context), meeting, "2026-12-26 12:00", &error);
  g_assert_no_error (error);
  return id;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = evg_test_make_dir ();
  f->store = evg_test_open_store (f->dir, "c.db");
  f->context = evg_context_new (f->store, &error);
  g_assert_no_error (error);
  add_member (f, "甲", "full");
  add_member (f, "乙", "full");
  add_member (f, "丙", "probationary");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->context);
  g_clear_object (&f->store);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
}

static guint
count_agenda_rows (GtkWidget *widget)
{
  guint n = 0;

  if (ADW_IS_ACTION_ROW (widget) && g_object_get_data (G_OBJECT (widget), "meeting-id") != NULL)
    n++;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_agenda_rows (child);
  return n;
}

static void
test_month_and_warning (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *a = add_meeting (f, "committee", "2026-12-03 09:00", "held");
  g_autofree char *b = add_meeting (f, "theme_day", "2026-12-15 09:00", "planned");
  g_autofree char *c = add_meeting (f, "lecture", "2026-11-20 14:00", "held");
  EvgCalendarPage *page = g_object_new (EVG_TYPE_CALENDAR_PAGE, "context", f->context, NULL);
  GtkWidget *window = gtk_window_new ();
  g_autofree char *day = NULL;

  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  gtk_window_present (GTK_WINDOW (window));
  evg_calendar_page_set_today (page, "2026-12-26");
  spin ();

  /* December's two meetings are in the agenda; November's is not. */
  g_assert_cmpuint (count_agenda_rows (GTK_WIDGET (page)), ==, 2);
  /* The month's 主题党日 is only planned and the month ends in five days;
   * the committee met.  The warning names what is missing. */
  g_assert_nonnull (evg_calendar_page_get_warning (page));
  g_assert_nonnull (strstr (evg_calendar_page_get_warning (page), "Theme Party Day"));
  g_assert_null (strstr (evg_calendar_page_get_warning (page), "Committee"));

  /* Page Down is the next month; its agenda is empty. */
  gtk_widget_activate_action (GTK_WIDGET (page), "calendar.next", NULL);
  spin ();
  day = evg_calendar_page_dup_selected_day (page);
  g_assert_cmpstr (day, ==, "2027-01-26");
  g_assert_cmpuint (count_agenda_rows (GTK_WIDGET (page)), ==, 0);
  g_clear_pointer (&day, g_free);
  gtk_widget_activate_action (GTK_WIDGET (page), "calendar.previous", NULL);
  gtk_widget_activate_action (GTK_WIDGET (page), "calendar.previous", NULL);
  spin ();
  day = evg_calendar_page_dup_selected_day (page);
  g_assert_cmpstr (day, ==, "2026-11-26");
  g_assert_cmpuint (count_agenda_rows (GTK_WIDGET (page)), ==, 1);

  /* A meeting added elsewhere (a sync, the CLI) shows at once. */
  g_free (add_meeting (f, "committee", "2026-11-04 09:00", "held"));
  spin ();
  g_assert_cmpuint (count_agenda_rows (GTK_WIDGET (page)), ==, 2);

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static void
test_editor (Fixture       *f,
             gconstpointer  data)
{
  EvgMeetingEditor *editor = evg_meeting_editor_new (f->context, NULL, "2026-03-05");
  EvgCalendar *calendar = evg_context_get_calendar (f->context);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  EvgMeetingEditor *reopened;
  EvgMeeting *meeting;

  gtk_window_present (GTK_WINDOW (editor));
  spin ();
  /* A new meeting has no sheet until it is saved. */
  g_assert_null (evg_meeting_editor_get_sheet (editor));
  g_assert_true (evg_meeting_editor_save (editor));
  meeting = evg_meeting_editor_get_meeting (editor);
  g_assert_nonnull (meeting);
  g_assert_cmpstr (evg_meeting_get (meeting, EVG_MEETING_STARTS_AT), ==, "2026-03-05 14:30");
  g_assert_cmpstr (evg_meeting_get (meeting, EVG_MEETING_TYPE), ==, "general_meeting");
  id = g_strdup (evg_meeting_get_id (meeting));

  /* Marking updates the quorum panel: two voting members due. */
  g_assert_cmpuint (g_list_model_get_n_items (evg_meeting_editor_get_sheet (editor)), ==, 3);
  g_assert_nonnull (strstr (evg_meeting_editor_get_quorum_text (editor), "Due 3 · present 0"));
  g_assert_true (evg_meeting_editor_set_attendance (editor, 0, "present"));
  g_assert_true (evg_meeting_editor_set_attendance (editor, 1, "late"));
  g_assert_nonnull (strstr (evg_meeting_editor_get_quorum_text (editor), "Due 3 · present 2 (late 1)"));
  /* The sheet is in name order: 丙 (no vote), 乙, 甲. */
  g_assert_nonnull (strstr (evg_meeting_editor_get_quorum_text (editor), "may not vote"));
  g_assert_true (evg_meeting_editor_set_attendance (editor, 2, "present"));
  g_assert_nonnull (strstr (evg_meeting_editor_get_quorum_text (editor), "the meeting may vote"));
  gtk_window_destroy (GTK_WINDOW (editor));
  spin ();

  /* Signed elsewhere: the editor opens it read-only and a mark is refused
   * with the reason shown. */
  {
    g_autoptr(EvgMeeting) held = evg_meeting_copy (evg_calendar_lookup (calendar, id));
    g_autofree char *saved = NULL;

    evg_meeting_set (held, EVG_MEETING_STATUS, "held");
    saved = evg_calendar_save (calendar, held, "2026-03-06 09:00", &error);
    g_assert_no_error (error);
    g_assert_cmpstr (saved, ==, id);
  }
  g_assert_true (evg_calendar_sign (calendar, id, "甲", "乙", "2026-03-06 09:00", &error));
  g_assert_no_error (error);
  reopened = evg_meeting_editor_new (f->context, evg_calendar_lookup (calendar, id), "2026-03-05");
  gtk_window_present (GTK_WINDOW (reopened));
  spin ();
  g_assert_false (evg_meeting_editor_set_attendance (reopened, 2, "absent"));
  g_assert_nonnull (evg_meeting_editor_get_error (reopened));
  g_assert_nonnull (strstr (evg_meeting_editor_get_error (reopened), "can no longer be changed"));
  gtk_window_destroy (GTK_WINDOW (reopened));
  spin ();
}

/* A resident's message put on a 主题党日's agenda is listed in the
 * meeting's editor, with the way back to it. */
static void
test_agenda_message (Fixture       *f,
                     gconstpointer  data)
{
  EvgCalendar *calendar = evg_context_get_calendar (f->context);
  g_autoptr(EvgMeeting) day = evg_meeting_new (NULL);
  g_autoptr(EvgRecord) message = evg_record_new (&evg_feedback_table, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *day_id = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *linked = NULL;
  EvgMeetingEditor *editor;
  GtkWidget *list, *row;

  evg_meeting_set (day, EVG_MEETING_TYPE, "theme_day");
  evg_meeting_set (day, EVG_MEETING_TITLE, "三月主题党日");
  evg_meeting_set (day, EVG_MEETING_STARTS_AT, "2099-03-05 14:30");
  evg_meeting_set (day, EVG_MEETING_ENDS_AT, "2099-03-05 16:30");
  evg_meeting_set (day, EVG_MEETING_STATUS, "planned");
  day_id = evg_calendar_save (calendar, day, NULL, &error);
  g_assert_no_error (error);
  evg_record_set (message, EVG_FEEDBACK_CHANNEL, "letter");
  evg_record_set (message, EVG_FEEDBACK_CONTENT, "希望小区增设电动车充电桩");
  message_id = evg_inbox_add (evg_context_get_inbox (f->context), message, &error);
  g_assert_no_error (error);
  linked = evg_context_put_on_agenda (f->context, message_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (linked, ==, day_id);

  editor = evg_meeting_editor_new (f->context, evg_calendar_lookup (calendar, day_id), "2099-03-05");
  gtk_window_present (GTK_WINDOW (editor));
  spin ();
  list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (editor), EVG_TYPE_MEETING_EDITOR, "linked_list"));
  g_assert_true (gtk_widget_get_visible (list));
  row = gtk_widget_get_first_child (list);
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "希望小区增设电动车充电桩");
  g_assert_null (gtk_widget_get_next_sibling (row));
  gtk_window_destroy (GTK_WINDOW (editor));
  spin ();
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/evg/ui/calendar/month-and-warning", Fixture, NULL, fixture_set_up,
              test_month_and_warning, fixture_tear_down);
  g_test_add ("/evg/ui/calendar/editor", Fixture, NULL, fixture_set_up, test_editor, fixture_tear_down);
  g_test_add ("/evg/ui/calendar/agenda-message", Fixture, NULL, fixture_set_up, test_agenda_message,
              fixture_tear_down);
  return g_test_run ();
}
