/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "evg-print.h"

/* What the tests of the print dialogs share: reading a PDF's text back
 * with pdftotext (poppler-utils), printing to a file as the CLI saves one,
 * and cancelling GTK's print dialog once it shows. */

/* Skips the test, saying why, when pdftotext is not installed. */
static inline gboolean
evg_test_have_pdftotext (void)
{
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");

  if (pdftotext == NULL)
    g_test_skip ("pdftotext is not installed (Debian: poppler-utils)");
  return pdftotext != NULL;
}

/* The text of the PDF at @path, laid out as on the page. */
static inline char *
evg_test_pdf_text (const char *path)
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

/* Saves @pages in @dir as the CLI does (evg_pages_write_pdf()) and prints
 * them with the print dialog's operation to another file, as "Print to
 * File" does, and asserts that both files have the same text on the same
 * pages.  Returns the text. */
static inline char *
evg_test_print_as_saved (EvgPages   *pages,
                         const char *dir)
{
  g_autofree char *printed = g_build_filename (dir, "printed.pdf", NULL);
  g_autofree char *saved = g_build_filename (dir, "saved.pdf", NULL);
  g_autofree char *printed_text = NULL;
  g_autoptr(GError) error = NULL;
  GtkPrintOperation *operation;
  char *saved_text;

  g_assert_true (evg_pages_write_pdf (pages, saved, &error));
  g_assert_no_error (error);
  operation = evg_print_operation_new (pages);
  gtk_print_operation_set_export_filename (operation, printed);
  g_assert_cmpint (gtk_print_operation_run (operation, GTK_PRINT_OPERATION_ACTION_EXPORT, NULL, &error),
                   ==, GTK_PRINT_OPERATION_RESULT_APPLY);
  g_assert_no_error (error);
  g_assert_finalize_object (operation);

  printed_text = evg_test_pdf_text (printed);
  saved_text = evg_test_pdf_text (saved);
  g_assert_cmpstr (printed_text, ==, saved_text);
  return saved_text;
}

/* A timeout's callback that cancels the print dialog once it shows,
 * counting it in the guint @data points to. */
static inline gboolean
evg_test_cancel_print_dialog (gpointer data)
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
