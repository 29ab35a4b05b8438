/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-import-dialog"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "evg-import-dialog.h"
#include "evg-member-io.h"

/* Importing a spreadsheet in two steps: first a dry run shows what would be
 * added, updated and rejected (with line, column and reason), and only then
 * are the accepted rows written, all in one transaction.  Both steps run in
 * a worker with progress and can be cancelled. */

/* A long list of rejections is cut here; the summary still counts them all. */
#define MAX_SHOWN_REJECTIONS 500

struct _EvgImportDialog
{
  AdwWindow       parent_instance;

  /* Template widgets */
  GtkButton      *cancel_button;
  GtkButton      *import_button;
  GtkStack       *stack;
  GtkLabel       *working_label;
  GtkProgressBar *progress;
  GtkLabel       *summary_label;
  GtkLabel       *rejected_title;
  GtkWidget      *rejected_header;
  GtkLabel       *saved_label;
  GtkListBox     *rejected_list;
  AdwStatusPage  *message_page;

  /* Owned */
  EvgRoster      *roster;
  GSettings      *settings;      /* NULL when the schema is not installed */
  char           *path;
  EvgImportResult *preview;      /* the dry run's result, for its rejected rows */
  GCancellable   *cancellable;
  gboolean        busy;
};

G_DEFINE_FINAL_TYPE (EvgImportDialog, evg_import_dialog, ADW_TYPE_WINDOW)

typedef struct
{
  GWeakRef dialog;
  double   fraction;
} ProgressUpdate;

static gboolean
apply_progress (gpointer data)
{
  ProgressUpdate *update = data;
  g_autoptr(EvgImportDialog) self = g_weak_ref_get (&update->dialog);

  if (self != NULL)
    gtk_progress_bar_set_fraction (self->progress, update->fraction);
  return G_SOURCE_REMOVE;
}

static void
free_progress (gpointer data)
{
  ProgressUpdate *update = data;

  g_weak_ref_clear (&update->dialog);
  g_free (update);
}

/* Called from the worker: hand the figure to the main loop. */
static void
on_progress (double   fraction,
             gpointer user_data)
{
  ProgressUpdate *update = g_new0 (ProgressUpdate, 1);

  g_weak_ref_init (&update->dialog, user_data);
  update->fraction = fraction;
  g_main_context_invoke_full (NULL, G_PRIORITY_DEFAULT, apply_progress, update, free_progress);
}

static void
show_message (EvgImportDialog *self,
              const char      *icon,
              const char      *title,
              const char      *description)
{
  adw_status_page_set_icon_name (self->message_page, icon);
  adw_status_page_set_title (self->message_page, title);
  adw_status_page_set_description (self->message_page, description);
  gtk_stack_set_visible_child_name (self->stack, "message");
  gtk_widget_set_visible (GTK_WIDGET (self->import_button), FALSE);
  gtk_button_set_label (self->cancel_button, _("_Close"));
  self->busy = FALSE;
}

static void
start_working (EvgImportDialog *self,
               const char      *text)
{
  self->busy = TRUE;
  gtk_label_set_label (self->working_label, text);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_stack_set_visible_child_name (self->stack, "working");
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), FALSE);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
}

static GtkWidget *
rejection_row (EvgImportRejection *rejection)
{
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *title = NULL;

  if (rejection->column != NULL)
    title = g_strdup_printf (_("Line %u, column “%s”"), rejection->line, rejection->column);
  else
    title = g_strdup_printf (_("Line %u"), rejection->line);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), rejection->message);
  return row;
}

static void
show_preview (EvgImportDialog *self,
              EvgImportResult *result)
{
  g_autoptr(GString) summary = g_string_new (NULL);
  GtkWidget *child;
  guint to_write = result->added + result->updated;

  g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u new member will be added.",
                                                "%u new members will be added.", result->added),
                          result->added);
  g_string_append_c (summary, '\n');
  g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE,
                                                "%u member with the same ID number will be updated; blank cells keep what is recorded.",
                                                "%u members with the same ID number will be updated; blank cells keep what is recorded.",
                                                result->updated),
                          result->updated);
  if (result->unchanged > 0)
    {
      g_string_append_c (summary, '\n');
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE, "%u row has nothing new.",
                                                    "%u rows have nothing new.", result->unchanged),
                              result->unchanged);
    }
  if (result->n_rejected_rows > 0)
    {
      g_string_append_c (summary, '\n');
      g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE,
                                                    "%u row has problems and will not be imported; see below.",
                                                    "%u rows have problems and will not be imported; see below.",
                                                    result->n_rejected_rows),
                              result->n_rejected_rows);
    }
  /* Every line of the file is accounted for, so that none is passed over
   * in silence (as a quote left open once made whole rows vanish). */
  g_string_append_c (summary, '\n');
  g_string_append_printf (summary, g_dngettext (GETTEXT_PACKAGE,
                                                "The file has %u line: %u in the header, %u in rows to import, %u in rows with problems, %u blank.",
                                                "The file has %u lines: %u in the header, %u in rows to import, %u in rows with problems, %u blank.",
                                                result->n_lines),
                          result->n_lines, result->n_header_lines, result->n_accepted_lines,
                          result->n_rejected_lines, result->n_blank_lines);
  if (result->ignored_columns != NULL && result->ignored_columns->len > 0)
    {
      g_autofree char *joined = NULL;

      g_ptr_array_add (result->ignored_columns, NULL);
      joined = g_strjoinv ("、", (char **) result->ignored_columns->pdata);
      g_ptr_array_set_size (result->ignored_columns, result->ignored_columns->len - 1);
      g_string_append_c (summary, '\n');
      g_string_append_printf (summary, _("These columns are not member fields and are skipped: %s"), joined);
    }
  if (result->encoding != NULL)
    {
      g_string_append_c (summary, '\n');
      g_string_append_printf (summary, _("The file is read as %s."), result->encoding);
    }
  if (result->sheet != NULL)
    {
      g_string_append_c (summary, '\n');
      g_string_append_printf (summary, _("The rows are read from the sheet “%s”."), result->sheet);
    }
  gtk_label_set_label (self->summary_label, summary->str);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->rejected_list))) != NULL)
    gtk_list_box_remove (self->rejected_list, child);
  for (guint i = 0; result->rejected != NULL && i < MIN (result->rejected->len, MAX_SHOWN_REJECTIONS); i++)
    gtk_list_box_append (self->rejected_list, rejection_row (g_ptr_array_index (result->rejected, i)));
  gtk_widget_set_visible (self->rejected_header, result->n_rejected_rows > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->saved_label), FALSE);
  g_clear_pointer (&self->preview, evg_import_result_free);
  self->preview = evg_import_result_copy (result);
  gtk_widget_set_visible (GTK_WIDGET (self->rejected_list), result->n_rejected_rows > 0);

  {
    g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "_Import %u Row",
                                                           "_Import %u Rows", to_write), to_write);
    gtk_button_set_label (self->import_button, label);
  }
  gtk_widget_set_sensitive (GTK_WIDGET (self->import_button), to_write > 0);
  gtk_stack_set_visible_child_name (self->stack, "preview");
  self->busy = FALSE;
}

static void
import_done (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  g_autoptr(EvgImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgImportResult) result = evg_roster_import_finish (EVG_ROSTER (source), res, &error);
  g_autofree char *text = NULL;

  if (result == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_message (self, "dialog-information-symbolic", _("Import Cancelled"),
                      _("Nothing was written; the roster is as it was."));
      else
        show_message (self, "dialog-error-symbolic", _("The Import Failed"), error->message);
      return;
    }

  text = g_strdup_printf (_("%u added, %u updated. Rows with problems were left out; fix them in "
                            "the spreadsheet and import it again."),
                          result->added, result->updated);
  show_message (self, "emblem-ok-symbolic", _("Import Complete"), text);
}

static void
preview_done (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(EvgImportDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgImportResult) result = evg_roster_import_finish (EVG_ROSTER (source), res, &error);

  if (result == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_window_destroy (GTK_WINDOW (self));
      else
        show_message (self, "dialog-error-symbolic", _("The File Cannot Be Imported"), error->message);
      return;
    }

  show_preview (self, result);
}

/* The largest file to read, in bytes, as the user set it. */
static guint64
get_max_size (EvgImportDialog *self)
{
  if (self->settings == NULL)
    return EVG_CSV_DEFAULT_MAX_SIZE;
  return (guint64) g_settings_get_uint (self->settings, "import-size-limit") * 1000 * 1000;
}

void
evg_import_dialog_open_path (EvgImportDialog *self,
                             const char      *path)
{
  g_return_if_fail (EVG_IS_IMPORT_DIALOG (self));

  g_free (self->path);
  self->path = g_strdup (path);
  gtk_window_present (GTK_WINDOW (self));
  start_working (self, _("Checking the file…"));
  evg_roster_import_async (self->roster, path, EVG_IMPORT_FLAGS_DRY_RUN, get_max_size (self),
                           on_progress, self, NULL, self->cancellable,
                           preview_done, g_object_ref (self));
}

static void
on_import_clicked (EvgImportDialog *self)
{
  start_working (self, _("Importing…"));
  evg_roster_import_async (self->roster, self->path, EVG_IMPORT_FLAGS_NONE, get_max_size (self),
                           on_progress, self, NULL, self->cancellable,
                           import_done, g_object_ref (self));
}

/**
 * evg_import_dialog_save_rejected:
 * @path: a .xlsx workbook when it ends so, else CSV
 *
 * Saves the rows the preview refused, as they were, with a column saying
 * what is wrong with each, for the user to fix and import again; says
 * where they went, or why they could not be saved, under the list.
 *
 * Returns: whether they were saved
 */
gboolean
evg_import_dialog_save_rejected (EvgImportDialog *self,
                                 const char      *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gboolean saved;

  g_return_val_if_fail (EVG_IS_IMPORT_DIALOG (self), FALSE);
  g_return_val_if_fail (self->preview != NULL, FALSE);

  saved = evg_import_result_save_rejected (self->preview, path, &error);
  if (saved)
    text = g_strdup_printf (_("Saved to %s. Fix the rows there and import that file again."), path);
  else
    text = g_strdup_printf (_("The rows could not be saved: %s"), error->message);
  gtk_label_set_label (self->saved_label, text);
  if (saved)
    gtk_widget_remove_css_class (GTK_WIDGET (self->saved_label), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->saved_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->saved_label), TRUE);
  return saved;
}

static void
on_rejected_file_chosen (GtkNativeDialog *chooser,
                         int              response,
                         EvgImportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        evg_import_dialog_save_rejected (self, path);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
on_save_rejected_clicked (EvgImportDialog *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *base = self->path != NULL ? g_path_get_basename (self->path) : g_strdup ("roster");
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;
  char *dot = strrchr (base, '.');

  if (dot != NULL)
    *dot = '\0';
  /* The same kind of file as the one imported, so it opens where it came from. */
  name = g_strdup_printf (_("%s – rows to fix%s"), base,
                          self->path != NULL && g_str_has_suffix (self->path, ".csv") ? ".csv" : ".xlsx");
  gtk_file_filter_set_name (filter, _("Spreadsheets (.xlsx, .csv)"));
  gtk_file_filter_add_pattern (filter, "*.xlsx");
  gtk_file_filter_add_pattern (filter, "*.csv");
  chooser = gtk_file_chooser_native_new (_("Save the Rows with Problems"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect (chooser, "response", G_CALLBACK (on_rejected_file_chosen), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
on_cancel_clicked (EvgImportDialog *self)
{
  /* Cancelling the write rolls it back whole; the answer closes the dialog. */
  if (self->busy)
    g_cancellable_cancel (self->cancellable);
  else
    gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_file_chosen (GtkNativeDialog *chooser,
                int              response,
                EvgImportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);

      evg_import_dialog_open_path (self, path);
    }
  else
    gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (chooser);
}

void
evg_import_dialog_choose_file (EvgImportDialog *self)
{
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  g_return_if_fail (EVG_IS_IMPORT_DIALOG (self));

  gtk_file_filter_set_name (csv, _("Spreadsheets (.xlsx, .csv)"));
  gtk_file_filter_add_pattern (csv, "*.xlsx");
  gtk_file_filter_add_pattern (csv, "*.XLSX");
  gtk_file_filter_add_pattern (csv, "*.csv");
  gtk_file_filter_add_pattern (csv, "*.CSV");
  gtk_file_filter_add_mime_type (csv, "text/csv");
  gtk_file_filter_add_mime_type (csv, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

  chooser = gtk_file_chooser_native_new (_("Import Members from a Spreadsheet"),
                                         gtk_window_get_transient_for (GTK_WINDOW (self)),
                                         GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_file_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static gboolean
evg_import_dialog_close_request (GtkWindow *window)
{
  EvgImportDialog *self = EVG_IMPORT_DIALOG (window);

  g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (evg_import_dialog_parent_class)->close_request (window);
}

static void
evg_import_dialog_dispose (GObject *object)
{
  EvgImportDialog *self = (EvgImportDialog *)object;

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_IMPORT_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->roster);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->preview, evg_import_result_free);

  G_OBJECT_CLASS (evg_import_dialog_parent_class)->dispose (object);
}

static void
evg_import_dialog_class_init (EvgImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = evg_import_dialog_dispose;
  window_class->close_request = evg_import_dialog_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgImportDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, EvgImportDialog, import_button);
  gtk_widget_class_bind_template_child (widget_class, EvgImportDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, EvgImportDialog, working_label);
  gtk_widget_class_bind_template_child (widget_class, EvgImportDialog, progress);
  gtk_widget_class_bind_template_child (widget_class, EvgImportDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, EvgImportDialog, rejected_title);
  gtk_widget_class_bind_template_child (widget_class, EvgImportDialog, rejected_header);
  gtk_widget_class_bind_template_child (widget_class, EvgImportDialog, saved_label);
  gtk_widget_class_bind_template_child_full (widget_class, "save_rejected_button", FALSE, 0);
  gtk_widget_class_bind_template_child (widget_class, EvgImportDialog, rejected_list);
  gtk_widget_class_bind_template_child (widget_class, EvgImportDialog, message_page);
  gtk_widget_class_bind_template_callback (widget_class, on_import_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_save_rejected_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
evg_import_dialog_init (EvgImportDialog *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();

  /* The limit is the one setting read here; without the schema (a test
   * run from the build tree) the default stands. */
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new_full (schema, NULL, NULL);
}

EvgImportDialog *
evg_import_dialog_new (EvgRoster *roster)
{
  EvgImportDialog *self = g_object_new (EVG_TYPE_IMPORT_DIALOG, NULL);

  self->roster = g_object_ref (roster);
  return self;
}
