/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "evg-calendar.h"
#include "evg-context.h"
#include "evg-meeting-editor.h"
#include "evg-meeting-print.h"
#include "evg-store.h"
#include "../evg-test-util.h"

/* The print dialog's pages are the CLI's: GTK's print operation, saving to
 * a file as "Print to File" does, gives the same text on the same pages
 * as evg_meeting_report_write_pdf().  pdftotext reads both.  And the
 * meeting editor offers it. */

static char *
pdf_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;
  int status = 0;
  const char *argv[] = { "pdftotext", "-layout", path, "-", NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &text, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return text;
}

static void
test_same_pages (void)
{
  g_autofree char *dir = evg_test_make_dir ();
  g_autofree char *printed = g_build_filename (dir, "printed.pdf", NULL);
  g_autofree char *saved = g_build_filename (dir, "saved.pdf", NULL);
  g_autofree char *printed_text = NULL, *saved_text = NULL, *id = NULL;
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  g_autoptr(GString) minutes = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgMeeting) meeting = evg_meeting_new (NULL);
  EvgStore *store;
  EvgCalendar *calendar;
  EvgMeetingReport *report;
  GtkPrintOperation *operation;
  guint n_pages;

  if (pdftotext == NULL)
    {
      g_test_skip ("pdftotext is not installed (Debian: poppler-utils)");
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
  g_assert_true (evg_meeting_report_write_pdf (report, saved, &error));
  g_assert_no_error (error);
  n_pages = evg_meeting_report_get_n_pages (report);
  g_assert_cmpuint (n_pages, >, 1);

  operation = evg_meeting_print_operation_new (report);
  gtk_print_operation_set_export_filename (operation, printed);
  g_assert_cmpint (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error),
                   ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);
  g_assert_cmpuint (evg_meeting_report_get_n_pages (report), ==, n_pages);

  printed_text = pdf_text (printed);
  saved_text = pdf_text (saved);
  g_assert_nonnull (strstr (saved_text, "幸福社区第一党支部 支部委员会会议记录"));
  g_assert_cmpstr (printed_text, ==, saved_text);

  g_assert_finalize_object (operation);
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

/* Cancels the print dialog once it shows, counting it. */
static gboolean
cancel_print_dialog (gpointer data)
{
  guint *seen = data;
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      /* By its name: its header is not among GTK's usual ones. */
      if (g_str_equal (G_OBJECT_TYPE_NAME (window), "GtkPrintUnixDialog") &&
          gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          (*seen)++;
          gtk_dialog_response (GTK_DIALOG (window), GTK_RESPONSE_CANCEL);
          return G_SOURCE_REMOVE;
        }
    }
  return G_SOURCE_CONTINUE;
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
  g_timeout_add (200, cancel_print_dialog, &dialogs_seen);
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
