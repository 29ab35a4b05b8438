/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-discard-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-discard-dialog.h"

/* What the secretary typed is never thrown away without asking: an
 * editor's close-request asks with evg_discard_dialog_ask() when its form
 * has changes, and closes for good once evg_discard_dialog_confirmed()
 * says the answer was to discard them. */

#define CONFIRMED_KEY "evg-discard-confirmed"

static gboolean
close_editor (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
on_response (AdwMessageDialog *dialog,
             const char       *response,
             GtkWindow        *editor)
{
  if (g_strcmp0 (response, "discard") != 0)
    return;
  g_object_set_data (G_OBJECT (editor), CONFIRMED_KEY, GINT_TO_POINTER (TRUE));
  /* Once the dialog has finished answering: it is the editor's transient
   * and goes with it. */
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_editor, g_object_ref (editor), g_object_unref);
}

/**
 * evg_discard_dialog_ask:
 * @editor: the window about to close
 *
 * Asks whether to keep editing or to discard what was typed; discarding
 * closes @editor again.
 */
void
evg_discard_dialog_ask (GtkWindow  *editor,
                        const char *heading,
                        const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (editor, heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Editing"),
                                    "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_response), editor, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Whether the user chose to discard @editor's changes. */
gboolean
evg_discard_dialog_confirmed (GtkWindow *editor)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (editor), CONFIRMED_KEY));
}
