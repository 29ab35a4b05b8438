/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-member-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "evg-discard-dialog.h"
#include "evg-member-editor.h"

/* Adds or edits one member.  Every change is checked as it is typed: the
 * rows at fault are marked and the reasons listed, and Save stays off until
 * the record is valid.  Closing with unsaved changes asks first.  A row the
 * secretary did not touch gives back the stored value exactly as it was,
 * even one the form would not write that way: opening a member and saving
 * must never change the record behind their back. */
struct _EvgMemberEditor
{
  AdwWindow   parent_instance;

  /* Template widgets */
  GtkWidget  *save_button;
  GtkBox     *groups_box;
  GtkLabel   *problems_label;

  /* Owned */
  EvgRoster  *roster;
  EvgMember  *original;                      /* NULL for a new member */
  GtkWidget  *rows[EVG_MEMBER_N_FIELDS];     /* borrowed from the widget tree */
  GPtrArray  *codes[EVG_MEMBER_N_FIELDS];    /* combo position → code */
  gboolean    masked[EVG_MEMBER_N_FIELDS];   /* shows a masked value, not editable */
  char       *shown_text[EVG_MEMBER_N_FIELDS];  /* an entry's text as it was filled in */
  guint       shown_state[EVG_MEMBER_N_FIELDS]; /* a combo's position, a switch's state */
  GPtrArray  *issues;
  gboolean    saved;
};

G_DEFINE_FINAL_TYPE (EvgMemberEditor, evg_member_editor, ADW_TYPE_WINDOW)

static const struct {
  const char     *title;
  EvgMemberField  fields[7];
} sections[] = {
  { N_("Basic Information"), { EVG_MEMBER_NAME, EVG_MEMBER_GENDER, EVG_MEMBER_ETHNICITY, EVG_MEMBER_ID_NUMBER,
                               EVG_MEMBER_BIRTH_DATE, EVG_MEMBER_EDUCATION, EVG_MEMBER_N_FIELDS } },
  { N_("Party Membership"), { EVG_MEMBER_CATEGORY, EVG_MEMBER_PARTY_GROUP_ID, EVG_MEMBER_JOINED_ON,
                              EVG_MEMBER_FULL_MEMBER_ON, EVG_MEMBER_STANDING, EVG_MEMBER_PARTY_POST,
                              EVG_MEMBER_N_FIELDS } },
  { N_("Work and Contact"), { EVG_MEMBER_OCCUPATION, EVG_MEMBER_WORK_UNIT, EVG_MEMBER_PHONE,
                              EVG_MEMBER_ADDRESS, EVG_MEMBER_COMMUNITY, EVG_MEMBER_N_FIELDS } },
  { N_("Mobile and Lost Contact"), { EVG_MEMBER_MOBILE_MEMBER, EVG_MEMBER_MOBILE_DESTINATION,
                                     EVG_MEMBER_LOST_CONTACT, EVG_MEMBER_LOST_CONTACT_ON,
                                     EVG_MEMBER_N_FIELDS } },
  { N_("Party Dues"), { EVG_MEMBER_DUES_MONTHLY, EVG_MEMBER_DUES_PAID_UNTIL, EVG_MEMBER_N_FIELDS } },
  { N_("Note"), { EVG_MEMBER_NOTE, EVG_MEMBER_N_FIELDS } },
};

static const char *
field_hint (EvgFieldKind kind)
{
  switch (kind)
    {
    case EVG_FIELD_KIND_DATE:
      return _("For example 2001-07-01");
    case EVG_FIELD_KIND_YEAR_MONTH:
      return _("For example 2026-06");
    case EVG_FIELD_KIND_MONEY:
      return _("In yuan, for example 12.50");
    case EVG_FIELD_KIND_ID_NUMBER:
      return _("18 characters; the last may be X");
    case EVG_FIELD_KIND_PHONE:
      return _("Mobile or landline");
    default:
      return NULL;
    }
}

static const char *
original_value (EvgMemberEditor *self,
                EvgMemberField   field)
{
  return self->original != NULL ? evg_member_get (self->original, field) : NULL;
}

static GtkSwitch *
row_get_switch (GtkWidget *row)
{
  return g_object_get_data (G_OBJECT (row), "switch");
}

/* Remembers what the row of @field shows now, as the state that stands for
 * the stored value. */
static void
remember_shown (EvgMemberEditor *self,
                EvgMemberField   field)
{
  GtkWidget *row = self->rows[field];

  if (ADW_IS_COMBO_ROW (row))
    self->shown_state[field] = adw_combo_row_get_selected (ADW_COMBO_ROW (row));
  else if (ADW_IS_ENTRY_ROW (row))
    {
      g_free (self->shown_text[field]);
      self->shown_text[field] = g_strdup (gtk_editable_get_text (GTK_EDITABLE (row)));
    }
  else
    self->shown_state[field] = gtk_switch_get_active (row_get_switch (row));
}

static gboolean
row_is_untouched (EvgMemberEditor *self,
                  EvgMemberField   field)
{
  GtkWidget *row = self->rows[field];

  if (ADW_IS_COMBO_ROW (row))
    return adw_combo_row_get_selected (ADW_COMBO_ROW (row)) == self->shown_state[field];
  if (ADW_IS_ENTRY_ROW (row))
    return g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), self->shown_text[field]) == 0;
  return (guint) gtk_switch_get_active (row_get_switch (row)) == self->shown_state[field];
}

/* The record as the form now says it, completed as it would be saved.  It
 * starts as a copy of the stored record, so the fields the form does not
 * show (the departure) and the rows nobody touched keep their values. */
static EvgMember *
build_member (EvgMemberEditor *self)
{
  EvgMember *member = self->original != NULL ? evg_member_copy (self->original) : evg_member_new ();

  for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
    {
      GtkWidget *row = self->rows[f];

      if (row == NULL || self->masked[f] || row_is_untouched (self, f))
        continue;

      if (ADW_IS_COMBO_ROW (row))
        {
          guint pos = adw_combo_row_get_selected (ADW_COMBO_ROW (row));
          const char *code = pos < self->codes[f]->len ? g_ptr_array_index (self->codes[f], pos) : NULL;

          evg_member_set (member, f, code);
        }
      else if (ADW_IS_ENTRY_ROW (row))
        evg_member_set_text (member, f, gtk_editable_get_text (GTK_EDITABLE (row)));
      else
        evg_member_set (member, f, gtk_switch_get_active (row_get_switch (row)) ? "1" : "0");
    }

  return member;
}

static gboolean
has_changes (EvgMemberEditor *self)
{
  g_autoptr(EvgMember) now = build_member (self);

  if (self->original == NULL)
    {
      g_autoptr(EvgMember) blank = evg_member_new ();

      /* A new form counts as changed once anything was filled in. */
      for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
        if (g_strcmp0 (evg_member_get (now, f), evg_member_get (blank, f)) != 0 &&
            !(f == EVG_MEMBER_LOST_CONTACT || f == EVG_MEMBER_MOBILE_MEMBER))
          return TRUE;
      return FALSE;
    }
  return !evg_member_equal_fields (now, self->original);
}

static void
validate (EvgMemberEditor *self)
{
  g_autoptr(EvgMember) member = build_member (self);
  g_autoptr(GString) text = g_string_new (NULL);

  evg_member_complete (member);
  g_clear_pointer (&self->issues, g_ptr_array_unref);
  self->issues = evg_roster_validate (self->roster, member);

  for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
    if (self->rows[f] != NULL)
      {
        gtk_widget_remove_css_class (self->rows[f], "error");
        gtk_widget_set_tooltip_text (self->rows[f], NULL);
      }

  for (guint i = 0; i < self->issues->len; i++)
    {
      EvgValidationIssue *issue = g_ptr_array_index (self->issues, i);
      int field = evg_member_field_from_name (issue->field);
      const char *label = field >= 0 ? _(evg_member_field_get_info (field)->label) : issue->field;

      if (field >= 0 && self->rows[field] != NULL)
        {
          gtk_widget_add_css_class (self->rows[field], "error");
          gtk_widget_set_tooltip_text (self->rows[field], issue->message);
        }
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, _("%s: %s"), label, issue->message);
    }

  /* An untouched new form has nothing wrong yet: do not greet it in red. */
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label),
                          text->len > 0 && (self->original != NULL || has_changes (self)));
  gtk_label_set_label (self->problems_label, text->str);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 self->issues->len == 0 && has_changes (self));
}

static void
on_reveal_clicked (GtkButton       *button,
                   EvgMemberEditor *self)
{
  EvgMemberField field = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "field"));
  GtkWidget *row = self->rows[field];

  self->masked[field] = FALSE;
  gtk_editable_set_text (GTK_EDITABLE (row), original_value (self, field));
  remember_shown (self, field);
  gtk_editable_set_editable (GTK_EDITABLE (row), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (button), FALSE);
  gtk_widget_grab_focus (row);
}

static GtkWidget *
make_choice_row (EvgMemberEditor *self,
                 EvgMemberField   field)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  const char *current = original_value (self, field);
  GtkWidget *row = adw_combo_row_new ();
  guint selected = 0;

  self->codes[field] = g_ptr_array_new_with_free_func (g_free);
  gtk_string_list_append (strings, _("Not recorded"));
  g_ptr_array_add (self->codes[field], NULL);

  if (field == EVG_MEMBER_PARTY_GROUP_ID)
    {
      GListModel *groups = evg_roster_get_party_groups (self->roster);

      for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
        {
          g_autoptr(EvgPartyGroup) group = g_list_model_get_item (groups, i);

          gtk_string_list_append (strings, evg_party_group_get_name (group));
          g_ptr_array_add (self->codes[field], g_strdup (evg_party_group_get_id (group)));
          if (g_strcmp0 (current, evg_party_group_get_id (group)) == 0)
            selected = i + 1;
        }
    }
  else
    {
      guint n;
      const EvgChoice *choices = evg_member_field_get_choices (field, &n);

      for (guint i = 0; i < n; i++)
        {
          gtk_string_list_append (strings, _(choices[i].label));
          g_ptr_array_add (self->codes[field], g_strdup (choices[i].code));
          if (g_strcmp0 (current, choices[i].code) == 0)
            selected = i + 1;
        }
    }

  /* A value the list does not know (a party group deleted elsewhere, a code
   * from a newer version, text a sync brought) is offered as it is rather
   * than shown as "Not recorded" and blanked by the next save.  The check
   * as the secretary types says what is wrong with it. */
  if (current != NULL && selected == 0)
    {
      g_autofree char *label = NULL;

      if (field == EVG_MEMBER_PARTY_GROUP_ID)
        label = g_strdup (evg_member_get_party_group_name (self->original) != NULL
                          ? evg_member_get_party_group_name (self->original)
                          : _("Unknown party group"));
      else
        /* Translators: a stored value the drop-down does not offer, such
         * as an ethnic group's name written another way. */
        label = g_strdup_printf (_("%s (not in the list)"), current);
      gtk_string_list_append (strings, label);
      g_ptr_array_add (self->codes[field], g_strdup (current));
      selected = self->codes[field]->len - 1;
    }

  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (strings));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  if (field == EVG_MEMBER_ETHNICITY)
    adw_combo_row_set_use_subtitle (ADW_COMBO_ROW (row), FALSE);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  return row;
}

static GtkWidget *
make_switch_row (EvgMemberEditor *self,
                 EvgMemberField   field)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), g_strcmp0 (original_value (self, field), "1") == 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  g_object_set_data (G_OBJECT (row), "switch", toggle);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _(evg_member_field_get_info (field)->label), -1);
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  return row;
}

/* Enter in any field saves, when the record may be saved. */
static void
on_entry_activated (EvgMemberEditor *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "editor.save", NULL);
}

static GtkWidget *
make_entry_row (EvgMemberEditor *self,
                EvgMemberField   field)
{
  const EvgMemberFieldInfo *info = evg_member_field_get_info (field);
  const char *value = original_value (self, field);
  GtkWidget *row = adw_entry_row_new ();
  const char *hint = field_hint (info->kind);

  /* Personal numbers of a saved member start masked (PIPL); "Show" makes
   * them readable and editable. */
  if (value != NULL && (info->kind == EVG_FIELD_KIND_ID_NUMBER || info->kind == EVG_FIELD_KIND_PHONE))
    {
      g_autofree char *masked = info->kind == EVG_FIELD_KIND_ID_NUMBER
                                ? evg_member_dup_masked_id_number (self->original)
                                : evg_member_dup_masked_phone (self->original);
      GtkWidget *reveal = gtk_button_new_with_mnemonic (_("Sho_w"));

      gtk_widget_set_valign (reveal, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (reveal, "flat");
      g_object_set_data (G_OBJECT (reveal), "field", GUINT_TO_POINTER (field));
      g_signal_connect_object (reveal, "clicked", G_CALLBACK (on_reveal_clicked), self, 0);
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), reveal);
      gtk_editable_set_text (GTK_EDITABLE (row), masked);
      gtk_editable_set_editable (GTK_EDITABLE (row), FALSE);
      self->masked[field] = TRUE;
    }
  else if (value != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (row), value);
    }

  if (hint != NULL)
    gtk_widget_set_tooltip_text (row, hint);
  if (info->kind == EVG_FIELD_KIND_PHONE)
    adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_PHONE);
  g_signal_connect_object (row, "changed", G_CALLBACK (validate), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (row, "entry-activated", G_CALLBACK (on_entry_activated),
                           self, G_CONNECT_SWAPPED);
  return row;
}

static void
build_form (EvgMemberEditor *self)
{
  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      GtkWidget *group = adw_preferences_group_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _(sections[s].title));
      for (guint i = 0; sections[s].fields[i] != EVG_MEMBER_N_FIELDS; i++)
        {
          EvgMemberField field = sections[s].fields[i];
          const EvgMemberFieldInfo *info = evg_member_field_get_info (field);
          GtkWidget *row;

          switch (info->kind)
            {
            case EVG_FIELD_KIND_CHOICE:
            case EVG_FIELD_KIND_PARTY_GROUP:
              row = make_choice_row (self, field);
              break;
            case EVG_FIELD_KIND_BOOLEAN:
              row = make_switch_row (self, field);
              break;
            default:
              row = make_entry_row (self, field);
              break;
            }

          adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                         field == EVG_MEMBER_NAME
                                         ? _("Name (required)") : _(info->label));
          self->rows[field] = row;
          remember_shown (self, field);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
      gtk_box_append (self->groups_box, group);
    }
}

static void
show_save_error (EvgMemberEditor *self,
                 const GError    *error)
{
  gtk_label_set_label (self->problems_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->problems_label), TRUE);
}

gboolean
evg_member_editor_save (EvgMemberEditor *self)
{
  g_autoptr(EvgMember) member = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (EVG_IS_MEMBER_EDITOR (self), FALSE);

  validate (self);
  if (!evg_member_editor_can_save (self))
    return FALSE;

  member = build_member (self);
  evg_member_complete (member);
  id = evg_roster_save (self->roster, member, &error);
  if (id == NULL)
    {
      show_save_error (self, error);
      return FALSE;
    }

  self->saved = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  evg_member_editor_save (EVG_MEMBER_EDITOR (widget));
}

/* What the secretary typed is never thrown away without asking. */
static gboolean
evg_member_editor_close_request (GtkWindow *window)
{
  EvgMemberEditor *self = EVG_MEMBER_EDITOR (window);

  if (self->saved || evg_discard_dialog_confirmed (window) || !has_changes (self))
    return GTK_WINDOW_CLASS (evg_member_editor_parent_class)->close_request (window);

  evg_discard_dialog_ask (window, _("Discard the Changes?"),
                          _("What you entered for this member has not been saved."));
  return TRUE;
}

static void
evg_member_editor_dispose (GObject *object)
{
  EvgMemberEditor *self = (EvgMemberEditor *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_MEMBER_EDITOR);
  memset (self->rows, 0, sizeof self->rows);
  for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
    {
      g_clear_pointer (&self->codes[f], g_ptr_array_unref);
      g_clear_pointer (&self->shown_text[f], g_free);
    }
  g_clear_pointer (&self->issues, g_ptr_array_unref);
  g_clear_object (&self->original);
  g_clear_object (&self->roster);

  G_OBJECT_CLASS (evg_member_editor_parent_class)->dispose (object);
}

static void
evg_member_editor_class_init (EvgMemberEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = evg_member_editor_dispose;
  window_class->close_request = evg_member_editor_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-member-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgMemberEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, EvgMemberEditor, groups_box);
  gtk_widget_class_bind_template_child (widget_class, EvgMemberEditor, problems_label);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
evg_member_editor_init (EvgMemberEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * evg_member_editor_new:
 * @member: (nullable): the member to edit, or %NULL to add one
 */
EvgMemberEditor *
evg_member_editor_new (EvgRoster *roster,
                       EvgMember *member)
{
  EvgMemberEditor *self = g_object_new (EVG_TYPE_MEMBER_EDITOR, NULL);

  self->roster = g_object_ref (roster);
  self->original = member != NULL ? evg_member_copy (member) : NULL;
  gtk_window_set_title (GTK_WINDOW (self), member != NULL ? _("Edit Member") : _("New Member"));
  build_form (self);
  validate (self);
  gtk_widget_grab_focus (self->rows[EVG_MEMBER_NAME]);
  return self;
}

/* For tests and scripted use: types @text into the row of @field. */
void
evg_member_editor_set_text (EvgMemberEditor *self,
                            EvgMemberField   field,
                            const char      *text)
{
  GtkWidget *row;

  g_return_if_fail (EVG_IS_MEMBER_EDITOR (self));
  g_return_if_fail (field < EVG_MEMBER_N_FIELDS);

  row = self->rows[field];
  g_return_if_fail (row != NULL);

  if (ADW_IS_COMBO_ROW (row))
    {
      const char *code = evg_member_choice_parse (field, text);

      for (guint i = 0; i < self->codes[field]->len; i++)
        if (g_strcmp0 (g_ptr_array_index (self->codes[field], i), code) == 0)
          adw_combo_row_set_selected (ADW_COMBO_ROW (row), i);
    }
  else if (ADW_IS_ENTRY_ROW (row))
    {
      self->masked[field] = FALSE;
      gtk_editable_set_editable (GTK_EDITABLE (row), TRUE);
      gtk_editable_set_text (GTK_EDITABLE (row), text);
    }
  else
    gtk_switch_set_active (row_get_switch (row), g_strcmp0 (text, "1") == 0);
}

gboolean
evg_member_editor_can_save (EvgMemberEditor *self)
{
  g_return_val_if_fail (EVG_IS_MEMBER_EDITOR (self), FALSE);
  return self->issues != NULL && self->issues->len == 0 && has_changes (self);
}

char *
evg_member_editor_dup_problems (EvgMemberEditor *self)
{
  g_return_val_if_fail (EVG_IS_MEMBER_EDITOR (self), NULL);
  return g_strdup (gtk_label_get_label (self->problems_label));
}
