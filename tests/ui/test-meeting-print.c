/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "evg-calendar.h"
#include "evg-context.h"
#include "evg-meeting-editor.h"
#include "evg-meeting-print.h"
#include "evg-store.h"
#include "evg-test-print.h"
#include "../evg-test-util.h"

/* The print dialog's pages are the CLI's: GTK's print operation, saving to
 * a file as "Print to File" does, gives the same text on the same pages
 * as evg_meeting_report_write_pdf() (see evg_test_print_as_saved()).  And
 * the meeting editor offers it. */

static void
test_same_pages (void)
{
  g_autofree char *dir = evg_test_make_dir ();
  g_autofree char *text = NULL, *id = NULL;
  g_autoptr(GString) minutes = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgMeeting) meeting = evg_meeting_new (NULL);
  EvgStore *store;
  EvgCalendar *calendar;
  EvgMeetingReport *report;

  if (!evg_test_have_pdftotext ())
    {
      evg_test_remove_dir (dir);
      return;
    }

  store = evg_test_open_store (dir, "m.db");
  g_assert_true (evg_store_set_meta (store, "branch_name", "幸福社区第一党支部", NULL));
  calendar = evg_calendar_new (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 80; i++)
    g_string_append (minutes, "与会党员结合工作实际逐一发言，查找问题并明确整改措施。\n");
  evg_meeting_set (meeting, EVG_MEETING_TYPE, "committee");
  evg_meeting_set (meeting, EVG_MEETING_STARTS_AT, "2026-05-03 14:00");
  evg_meeting_set (meeting, EVG_MEETING_MINUTES, minutes->str);
  id = evg_calendar_save (calendar, meeting, "2026-06-30 18:00", &error);
  g_assert_no_error (error);

  report = evg_meeting_report_new (calendar, evg_calendar_lookup (calendar, id), &error);
  g_assert_no_error (error);
  text = evg_test_print_as_saved (EVG_PAGES (report), dir);
  g_assert_cmpuint (evg_meeting_report_get_n_pages (report), >, 1);
  g_assert_nonnull (strstr (text, "幸福社区第一党支部 支部委员会会议记录"));

  g_assert_finalize_object (report);
  g_assert_finalize_object (calendar);
  g_assert_finalize_object (store);
  evg_test_remove_dir (dir);
}

static GtkWidget *
find_by_action (GtkWidget  *widget,
                const char *action)
{
  if (GTK_IS_ACTIONABLE (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_action (child, action);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The meeting editor offers printing once the meeting is stored. */
static void
test_editor_action (void)
{
  g_autofree char *dir = evg_test_make_dir ();
  g_autoptr(EvgMeeting) meeting = evg_meeting_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  EvgStore *store = evg_test_open_store (dir, "m.db");
  EvgContext *context = evg_context_new (store, &error);
  EvgMeetingEditor *editor;
  GtkWidget *button;
  guint dialogs_seen = 0;

  g_assert_no_error (error);
  evg_meeting_set (meeting, EVG_MEETING_TYPE, "lecture");
  evg_meeting_set (meeting, EVG_MEETING_STARTS_AT, "2026-05-03 09:00");
  id = evg_calendar_save (evg_context_get_calendar (context), meeting, "2026-06-30 18:00", &error);
  g_assert_no_error (error);

  editor = evg_meeting_editor_new (context, NULL, "2026-05-04");
  button = find_by_action (GTK_WIDGET (editor), "editor.print");
  g_assert_nonnull (button);
  g_assert_false (gtk_widget_is_sensitive (button));
  gtk_window_destroy (GTK_WINDOW (editor));

  editor = evg_meeting_editor_new (context, evg_calendar_lookup (evg_context_get_calendar (context), id),
                                   NULL);
  button = find_by_action (GTK_WIDGET (editor), "editor.print");
  g_assert_true (gtk_widget_is_sensitive (button));
  /* The print dialog opens, and cancelling it prints nothing. */
  gtk_window_present (GTK_WINDOW (editor));
  g_timeout_add (200, evg_test_cancel_print_dialog, &dialogs_seen);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.print", NULL));
  g_assert_cmpuint (dialogs_seen, ==, 1);
  gtk_window_destroy (GTK_WINDOW (editor));

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (context);
  g_assert_finalize_object (store);
  evg_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/evg/meetings/print/same-pages", test_same_pages);
  g_test_add_func ("/evg/meetings/print/editor-action", test_editor_action);

  return g_test_run ();
}
