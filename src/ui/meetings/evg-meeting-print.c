/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-meeting-print"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "evg-meeting-print.h"

/* Printing a meeting's record: the print dialog around EvgMeetingReport,
 * which lays the pages out the same way as `e-vanguard-cli meetings print`
 * does for its PDF.  The pages are laid out again for the paper the
 * person picks, so A4 and Letter, portrait or landscape, all fit. */

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                EvgMeetingReport  *report)
{
  guint n_pages = evg_meeting_report_paginate (report, gtk_print_context_get_width (context),
                                               gtk_print_context_get_height (context));

  gtk_print_operation_set_n_pages (operation, (int) n_pages);
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              EvgMeetingReport  *report)
{
  evg_meeting_report_draw_page (report, gtk_print_context_get_cairo_context (context), (guint) page);
}

/**
 * evg_meeting_print_operation_new:
 *
 * A print operation that draws @report on A4 unless told otherwise, in
 * points from the paper's corner, as the report expects.  It keeps
 * @report as long as it lives.
 *
 * Returns: (transfer full): the operation, ready to run
 */
GtkPrintOperation *
evg_meeting_print_operation_new (EvgMeetingReport *report)
{
  GtkPrintOperation *operation;
  g_autoptr(GtkPageSetup) setup = NULL;
  GtkPaperSize *a4;

  g_return_val_if_fail (EVG_IS_MEETING_REPORT (report), NULL);

  operation = gtk_print_operation_new ();
  setup = gtk_page_setup_new ();
  a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_paper_size_free (a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_job_name (operation, evg_meeting_report_get_title (report));
  g_signal_connect_data (operation, "begin-print", G_CALLBACK (on_begin_print),
                         g_object_ref (report), (GClosureNotify) g_object_unref, 0);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), report);
  return operation;
}

static void
show_error (GtkWindow    *parent,
            const GError *error)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("The Record Was Not Printed"),
                                                                         error->message));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * evg_meeting_print_run:
 * @parent: the window the print dialog belongs to
 *
 * Shows the print dialog for @meeting's record and prints it (or saves
 * it as a file, from the same dialog); a failure is told in a dialog.
 * The dialog runs modally in its own main loop, as GTK's print dialogs do
 * when they are not asked to run on.
 */
void
evg_meeting_print_run (GtkWindow   *parent,
                       EvgCalendar *calendar,
                       EvgMeeting  *meeting)
{
  g_autoptr(EvgMeetingReport) report = NULL;
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (EVG_IS_CALENDAR (calendar));
  g_return_if_fail (EVG_IS_MEETING (meeting));

  report = evg_meeting_report_new (calendar, meeting, &error);
  if (report == NULL)
    {
      show_error (parent, error);
      return;
    }
  operation = evg_meeting_print_operation_new (report);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, &error) ==
      GTK_PRINT_OPERATION_RESULT_ERROR)
    show_error (parent, error);
}
