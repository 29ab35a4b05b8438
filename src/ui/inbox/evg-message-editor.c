/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-message-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-discard-dialog.h"
#include "evg-message-editor.h"

/* Recording a resident's message as it came in: what they said, by which
 * channel, when, from whom and about what.  The service checks it when
 * it is recorded; a message that breaks a rule stays in the form with the
 * reason above it.  Escape or Cancel closes the editor, asking first when
 * something was typed. */

/* The fields the form asks for, in its order; the content has its own
 * box above them, and the rest (status, assignee, due times) follow from
 * how the message is handled. */
static const EvgFeedbackField form_fields[] = {
  EVG_FEEDBACK_CHANNEL,
  EVG_FEEDBACK_RECEIVED_AT,
  EVG_FEEDBACK_FROM_NAME,
  EVG_FEEDBACK_CONTACT,
  EVG_FEEDBACK_CATEGORY,
  EVG_FEEDBACK_PLACE,
};

struct _EvgMessageEditor
{
  AdwWindow parent_instance;

  /* Template widgets */
  GtkWidget           *save_button;
  GtkLabel            *problems_label;
  AdwPreferencesGroup *form;
  GtkTextView         *content_view;

  /* Owned */
  EvgInbox            *inbox;
  EvgRecord           *initial;    /* the form as it opened */

  /* Borrowed */
  GtkWidget           *rows[EVG_FEEDBACK_N_FIELDS];
  gboolean             saved;
};

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EvgMessageEditor, evg_message_editor, ADW_TYPE_WINDOW)

/* Whether a choice may be left open: the category may, the channel not. */
static gboolean
choice_optional (EvgFeedbackField field)
{
  return field == EVG_FEEDBACK_CATEGORY;
}

static void
build_form (EvgMessageEditor *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (form_fields); i++)
    {
      EvgFeedbackField field = form_fields[i];
      const EvgColumnSpec *column = evg_feedback_field_get_info (field);
      GtkWidget *row;

      if (column->kind == EVG_FIELD_KIND_CHOICE)
        {
          g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);

          if (choice_optional (field))
            gtk_string_list_append (labels, _("Not Sorted Yet"));
          for (guint k = 0; k < column->n_choices; k++)
            gtk_string_list_append (labels, _(column->choices[k].label));
          row = adw_combo_row_new ();
          adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
        }
      else
        row = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(column->label));
      self->rows[field] = row;
      adw_preferences_group_add (self->form, row);
    }
}

static char *
dup_content (EvgMessageEditor *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->content_view);
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

/* The message as the form has it. */
static EvgRecord *
build_record (EvgMessageEditor *self)
{
  EvgRecord *message = evg_record_new (&evg_feedback_table, NULL);
  g_autofree char *content = dup_content (self);

  evg_record_set (message, EVG_FEEDBACK_CONTENT, *content != '\0' ? content : NULL);
  for (guint i = 0; i < G_N_ELEMENTS (form_fields); i++)
    {
      EvgFeedbackField field = form_fields[i];
      GtkWidget *row = self->rows[field];

      if (ADW_IS_COMBO_ROW (row))
        {
          const EvgColumnSpec *column = evg_feedback_field_get_info (field);
          guint selected = adw_combo_row_get_selected (ADW_COMBO_ROW (row));

          if (choice_optional (field))
            selected = selected == 0 ? GTK_INVALID_LIST_POSITION : selected - 1;
          evg_record_set (message, field, selected < column->n_choices ? column->choices[selected].code : NULL);
        }
      else
        {
          g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

          evg_record_set (message, field, *text != '\0' ? text : NULL);
        }
    }
  return message;
}

static gboolean
has_changes (EvgMessageEditor *self)
{
  g_autoptr(EvgRecord) edited = build_record (self);
  g_autoptr(EvgFieldSet) changes = evg_record_diff (edited, self->initial);

  return evg_field_set_count (changes) > 0;
}

static void
show_problems (EvgMessageEditor *self,
               const char       *text)
{
  gtk_label_set_text (self->problems_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), text != NULL && *text != '\0');
}

/**
 * evg_message_editor_save:
 *
 * Records the message; on a broken rule says which, and stays open.
 *
 * Returns: whether it was recorded
 */
gboolean
evg_message_editor_save (EvgMessageEditor *self)
{
  g_autoptr(EvgRecord) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (EVG_IS_MESSAGE_EDITOR (self), FALSE);

  message = build_record (self);
  id = evg_inbox_add (self->inbox, message, &error);
  if (id == NULL)
    {
      show_problems (self, error->message);
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
  evg_message_editor_save (EVG_MESSAGE_EDITOR (widget));
}

static gboolean
evg_message_editor_close_request (GtkWindow *window)
{
  EvgMessageEditor *self = EVG_MESSAGE_EDITOR (window);

  if (self->saved || evg_discard_dialog_confirmed (window) || !has_changes (self))
    return GTK_WINDOW_CLASS (evg_message_editor_parent_class)->close_request (window);

  evg_discard_dialog_ask (window, _("Discard the message?"),
                          _("What you typed has not been recorded."));
  return TRUE;
}

static void
evg_message_editor_dispose (GObject *object)
{
  EvgMessageEditor *self = EVG_MESSAGE_EDITOR (object);

  g_clear_object (&self->inbox);
  g_clear_object (&self->initial);
  G_OBJECT_CLASS (evg_message_editor_parent_class)->dispose (object);
}

static void
evg_message_editor_class_init (EvgMessageEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_message_editor_dispose;
  GTK_WINDOW_CLASS (klass)->close_request = evg_message_editor_close_request;

  /**
   * EvgMessageEditor::saved:
   * @id: the new message's id
   *
   * Emitted once the message is recorded, just before the editor closes.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-message-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgMessageEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, EvgMessageEditor, problems_label);
  gtk_widget_class_bind_template_child (widget_class, EvgMessageEditor, form);
  gtk_widget_class_bind_template_child (widget_class, EvgMessageEditor, content_view);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
evg_message_editor_init (EvgMessageEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_form (self);
}

/**
 * evg_message_editor_new:
 *
 * A form for a message that has just come in, received now.
 */
EvgMessageEditor *
evg_message_editor_new (EvgInbox *inbox)
{
  EvgMessageEditor *self;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *received = g_date_time_format (now, "%Y-%m-%d %H:%M");

  g_return_val_if_fail (EVG_IS_INBOX (inbox), NULL);

  self = g_object_new (EVG_TYPE_MESSAGE_EDITOR, NULL);
  self->inbox = g_object_ref (inbox);
  evg_message_editor_set_text (self, EVG_FEEDBACK_RECEIVED_AT, received);
  self->initial = build_record (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->content_view));
  return self;
}

/* For tests: sets the row of @field (a choice by its code), or the
 * content. */
void
evg_message_editor_set_text (EvgMessageEditor *self,
                             EvgFeedbackField  field,
                             const char       *text)
{
  GtkWidget *row;

  g_return_if_fail (EVG_IS_MESSAGE_EDITOR (self));
  g_return_if_fail (field < EVG_FEEDBACK_N_FIELDS);

  if (field == EVG_FEEDBACK_CONTENT)
    {
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->content_view), text != NULL ? text : "", -1);
      return;
    }
  row = self->rows[field];
  g_return_if_fail (row != NULL);
  if (ADW_IS_COMBO_ROW (row))
    {
      const EvgColumnSpec *column = evg_feedback_field_get_info (field);
      guint offset = choice_optional (field) ? 1 : 0;

      if (text == NULL && choice_optional (field))
        adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0);
      for (guint k = 0; text != NULL && k < column->n_choices; k++)
        if (g_strcmp0 (column->choices[k].code, text) == 0)
          adw_combo_row_set_selected (ADW_COMBO_ROW (row), k + offset);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (row), text != NULL ? text : "");
}

/* What the service said of the last try to record, or NULL. */
const char *
evg_message_editor_get_problems (EvgMessageEditor *self)
{
  g_return_val_if_fail (EVG_IS_MESSAGE_EDITOR (self), NULL);
  if (!gtk_widget_get_visible (GTK_WIDGET (self->problems_label)))
    return NULL;
  return gtk_label_get_text (self->problems_label);
}
