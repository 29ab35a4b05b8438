/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-print"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "evg-print.h"

/* The print dialog of a printed document (EvgPages: the meeting record,
 * the member cards): A4 unless the person picks other paper, the pages
 * laid out again for the paper picked and drawn in points from its
 * corner, as with the PDF that the CLI saves; a failure is told in a
 * dialog. */

static void
on_begin_print (GtkPrintOperation *operation,
                GtkPrintContext   *context,
                EvgPages          *pages)
{
  guint n_pages = evg_pages_paginate (pages, gtk_print_context_get_width (context),
                                      gtk_print_context_get_height (context));

  gtk_print_operation_set_n_pages (operation, (int) n_pages);
}

static void
on_draw_page (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page,
              EvgPages          *pages)
{
  evg_pages_draw_page (pages, gtk_print_context_get_cairo_context (context), (guint) page);
}

/**
 * evg_print_operation_new:
 *
 * A print operation that draws @pages on A4 unless told otherwise, on the
 * full page, in points, as the pages expect.  It keeps @pages as long as
 * it lives.
 *
 * Returns: (transfer full): the operation, ready to run
 */
GtkPrintOperation *
evg_print_operation_new (EvgPages *pages)
{
  GtkPrintOperation *operation;
  g_autoptr(GtkPageSetup) setup = NULL;
  GtkPaperSize *a4;

  g_return_val_if_fail (EVG_IS_PAGES (pages), NULL);

  operation = gtk_print_operation_new ();
  setup = gtk_page_setup_new ();
  a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);
  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_paper_size_free (a4);
  gtk_print_operation_set_default_page_setup (operation, setup);
  gtk_print_operation_set_embed_page_setup (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_job_name (operation, evg_pages_get_title (pages));
  g_signal_connect_data (operation, "begin-print", G_CALLBACK (on_begin_print),
                         g_object_ref (pages), (GClosureNotify) g_object_unref, 0);
  g_signal_connect (operation, "draw-page", G_CALLBACK (on_draw_page), pages);
  return operation;
}

/**
 * evg_print_show_error:
 * @parent: the window the dialog belongs to
 * @heading: what did not happen
 *
 * Tells @error in a dialog.
 */
void
evg_print_show_error (GtkWindow    *parent,
                      const char   *heading,
                      const GError *error)
{
  AdwMessageDialog *dialog;

  g_return_if_fail (heading != NULL);
  g_return_if_fail (error != NULL);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, heading, error->message));
  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * evg_print_run:
 * @parent: the window the print dialog belongs to
 * @failure_heading: the heading of the dialog that tells a failure
 *
 * Shows the print dialog for @pages and prints them (or saves them as a
 * file, from the same dialog).  The dialog runs modally in its own main
 * loop, as GTK's print dialogs do when they are not asked to run on.
 */
void
evg_print_run (GtkWindow  *parent,
               EvgPages   *pages,
               const char *failure_heading)
{
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (EVG_IS_PAGES (pages));

  operation = evg_print_operation_new (pages);
  if (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG, parent, &error) ==
      GTK_PRINT_OPERATION_RESULT_ERROR)
    evg_print_show_error (parent, failure_heading, error);
}
