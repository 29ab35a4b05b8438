/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-whistle-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-validate.h"
#include "evg-discard-dialog.h"
#include "evg-whistle-editor.h"

/* Raising or editing a whistle: one row per field of its descriptor but
 * its status (which the page's buttons move), checked by the service
 * when saved.  Escape or Cancel closes it, asking first when something
 * was typed. */

struct _EvgWhistleEditor
{
  AdwWindow parent_instance;

  GtkWidget            *save_button;
  GtkLabel             *problems_label;
  AdwPreferencesGroup  *form;

  EvgCheckins          *checkins;
  EvgRecord            *original;   /* NULL for a new whistle */
  EvgRecord            *initial;    /* the form as it opened */
  GtkWidget            *rows[EVG_WHISTLE_N_FIELDS];
  gboolean              saved;
};

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EvgWhistleEditor, evg_whistle_editor, ADW_TYPE_WINDOW)

static const EvgChoice *
row_choices (EvgWhistleField field,
             guint          *n_choices)
{
  const EvgColumnSpec *column = evg_whistle_field_get_info (field);

  *n_choices = column->n_choices;
  return column->choices;
}

static void
build_form (EvgWhistleEditor *self)
{
  for (guint i = 0; i < EVG_WHISTLE_N_FIELDS; i++)
    {
      const EvgColumnSpec *column = evg_whistle_field_get_info (i);
      GtkWidget *row;

      if (i == EVG_WHISTLE_STATUS)
        continue;
      if (column->kind == EVG_FIELD_KIND_CHOICE)
        {
          g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
          guint n;
          const EvgChoice *choices = row_choices (i, &n);

          for (guint k = 0; k < n; k++)
            gtk_string_list_append (labels, _(choices[k].label));
          row = adw_combo_row_new ();
          adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
        }
      else
        {
          row = adw_entry_row_new ();
          if (column->kind == EVG_FIELD_KIND_NUMBER)
            gtk_editable_set_max_width_chars (GTK_EDITABLE (row), 6);
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(column->label));
      self->rows[i] = row;
      adw_preferences_group_add (self->form, row);
    }
}

/* Puts @whistle's values (or a new one's defaults) into the rows. */
static void
fill_form (EvgWhistleEditor *self,
           EvgRecord        *whistle)
{
  for (guint i = 0; i < EVG_WHISTLE_N_FIELDS; i++)
    {
      const char *value = whistle != NULL ? evg_record_get (whistle, i) : NULL;

      if (self->rows[i] != NULL)
        evg_whistle_editor_set_text (self, i, value != NULL ? value : "");
    }
}

/* The whistle as the form has it. */
static EvgRecord *
build_record (EvgWhistleEditor *self)
{
  EvgRecord *whistle = self->original != NULL ? evg_record_copy (self->original)
                                              : evg_record_new (&evg_whistle_table, NULL);

  for (guint i = 0; i < EVG_WHISTLE_N_FIELDS; i++)
    {
      GtkWidget *row = self->rows[i];

      if (row == NULL)
        continue;
      if (ADW_IS_COMBO_ROW (row))
        {
          guint n, selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));
          const EvgChoice *choices = row_choices (i, &n);

          evg_record_set (whistle, i, selected < n ? choices[selected].code : NULL);
        }
      else
        {
          g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

          evg_record_set (whistle, i, text);
        }
    }
  return whistle;
}

static gboolean
has_changes (EvgWhistleEditor *self)
{
  g_autoptr(EvgRecord) edited = build_record (self);
  g_autoptr(EvgFieldSet) changes = evg_record_diff (edited, self->initial);

  return evg_field_set_count (changes) > 0;
}

/**
 * evg_whistle_editor_save:
 *
 * Saves the form; on a broken rule says which, and stays open.
 *
 * Returns: whether it was saved
 */
gboolean
evg_whistle_editor_save (EvgWhistleEditor *self)
{
  g_autoptr(EvgRecord) whistle = build_record (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (EVG_IS_WHISTLE_EDITOR (self), FALSE);

  id = evg_checkins_save_whistle (self->checkins, whistle, &error);
  if (id == NULL)
    {
      gtk_label_set_text (self->problems_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->problems_label), TRUE);
      return FALSE;
    }
  self->saved = TRUE;
  g_signal_emit (self, signals[SAVED], 0, id);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  evg_whistle_editor_save (EVG_WHISTLE_EDITOR (widget));
}

static gboolean
evg_whistle_editor_close_request (GtkWindow *window)
{
  EvgWhistleEditor *self = EVG_WHISTLE_EDITOR (window);

  if (self->saved || evg_discard_dialog_confirmed (window) || !has_changes (self))
    return GTK_WINDOW_CLASS (evg_whistle_editor_parent_class)->close_request (window);

  evg_discard_dialog_ask (window, _("Discard the whistle?"), _("What you typed has not been saved."));
  return TRUE;
}

static void
evg_whistle_editor_dispose (GObject *object)
{
  EvgWhistleEditor *self = EVG_WHISTLE_EDITOR (object);

  g_clear_object (&self->checkins);
  g_clear_object (&self->original);
  g_clear_object (&self->initial);
  G_OBJECT_CLASS (evg_whistle_editor_parent_class)->dispose (object);
}

static void
evg_whistle_editor_class_init (EvgWhistleEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_whistle_editor_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = evg_whistle_editor_close_request;

  /* Emitted with the whistle's id once it is saved. */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-whistle-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgWhistleEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, EvgWhistleEditor, problems_label);
  gtk_widget_class_bind_template_child (widget_class, EvgWhistleEditor, form);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
evg_whistle_editor_init (EvgWhistleEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_form (self);
}

/**
 * evg_whistle_editor_new:
 * @whistle: (nullable): the whistle to edit, or %NULL to raise one
 */
EvgWhistleEditor *
evg_whistle_editor_new (EvgCheckins *checkins,
                        EvgRecord   *whistle)
{
  EvgWhistleEditor *self = g_object_new (EVG_TYPE_WHISTLE_EDITOR, NULL);

  self->checkins = g_object_ref (checkins);
  self->original = whistle != NULL ? evg_record_copy (whistle) : NULL;
  gtk_window_set_title (GTK_WINDOW (self), whistle != NULL ? _("Edit Whistle") : _("Raise a Whistle"));
  fill_form (self, whistle);
  if (whistle == NULL)
    {
      g_autofree char *now = evg_dup_now_minute ();
      g_autofree char *today = g_strndup (now, 10);
      g_autofree char *start = g_strconcat (today, " 08:00", NULL);
      g_autofree char *end = g_strconcat (today, " 12:00", NULL);

      evg_whistle_editor_set_text (self, EVG_WHISTLE_STARTS_AT, start);
      evg_whistle_editor_set_text (self, EVG_WHISTLE_ENDS_AT, end);
    }
  self->initial = build_record (self);
  gtk_widget_grab_focus (self->rows[EVG_WHISTLE_TITLE]);
  return self;
}

/* For tests and the new whistle's defaults: sets the row of @field, a
 * choice by its code. */
void
evg_whistle_editor_set_text (EvgWhistleEditor *self,
                             EvgWhistleField   field,
                             const char       *text)
{
  GtkWidget *row;

  g_return_if_fail (EVG_IS_WHISTLE_EDITOR (self));
  g_return_if_fail (field < EVG_WHISTLE_N_FIELDS && self->rows[field] != NULL);

  row = self->rows[field];
  if (ADW_IS_COMBO_ROW (row))
    {
      guint n;
      const EvgChoice *choices = row_choices (field, &n);

      for (guint k = 0; k < n; k++)
        if (g_strcmp0 (choices[k].code, text) == 0)
          adw_combo_row_set_selected (ADW_COMBO_ROW (row), k);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (row), text);
}
