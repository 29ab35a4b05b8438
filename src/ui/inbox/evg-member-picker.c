/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-member-picker"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-member-picker.h"

/* Choosing the member a message is assigned to: the current members
 * found by name, pinyin or initials as they are typed, each with a
 * button named for them.  The window closes once one is picked. */

#define N_MATCHES 8

struct _EvgMemberPicker
{
  AdwWindow parent_instance;

  /* Template widgets */
  AdwEntryRow *search_entry;
  GtkListBox  *matches;

  /* Owned */
  EvgRoster   *roster;
  GPtrArray   *found;     /* EvgMember, as the list shows them */
};

enum {
  PICKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (EvgMemberPicker, evg_member_picker, ADW_TYPE_WINDOW)

static void
on_pick_clicked (GtkButton       *button,
                 EvgMemberPicker *self)
{
  evg_member_picker_pick (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index")));
}

static void
add_note_row (EvgMemberPicker *self,
              const char      *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_add_css_class (row, "dim-label");
  gtk_list_box_append (self->matches, row);
}

static void
on_search_changed (EvgMemberPicker *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autoptr(GPtrArray) found = NULL;
  GtkWidget *child;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->matches))) != NULL)
    gtk_list_box_remove (self->matches, child);
  g_ptr_array_set_size (self->found, 0);
  if (*text == '\0')
    {
      add_note_row (self, _("Type a member’s name, its pinyin or its initials"));
      return;
    }
  found = evg_roster_search (self->roster, text, N_MATCHES, &n);
  for (guint i = 0; i < found->len; i++)
    {
      EvgMember *member = g_ptr_array_index (found, i);
      const char *name = evg_member_get_name (member);
      const char *group = evg_member_get_party_group_name (member);
      g_autofree char *accessible = g_strdup_printf (_("Assign to %s"), name);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_label (_("Assign"));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      if (group != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), group);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_object_set_data (G_OBJECT (button), "index", GUINT_TO_POINTER (i));
      g_signal_connect (button, "clicked", G_CALLBACK (on_pick_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->matches, row);
      g_ptr_array_add (self->found, g_object_ref (member));
    }
  if (n > found->len)
    {
      g_autofree char *more = g_strdup_printf (ngettext ("%u more match: type more of the name",
                                                         "%u more matches: type more of the name",
                                                         n - found->len), n - found->len);
      add_note_row (self, more);
    }
  if (n == 0)
    add_note_row (self, _("No current member matches"));
}

static void
on_search_activate (EvgMemberPicker *self)
{
  evg_member_picker_pick (self, 0);
}

static void
evg_member_picker_dispose (GObject *object)
{
  EvgMemberPicker *self = EVG_MEMBER_PICKER (object);

  g_clear_object (&self->roster);
  g_clear_pointer (&self->found, g_ptr_array_unref);
  G_OBJECT_CLASS (evg_member_picker_parent_class)->dispose (object);
}

static void
evg_member_picker_class_init (EvgMemberPickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_member_picker_dispose;

  /**
   * EvgMemberPicker::picked:
   * @member_id: the chosen member's id
   *
   * Emitted when a member is chosen, just before the window closes.
   */
  signals[PICKED] = g_signal_new ("picked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-member-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgMemberPicker, search_entry);
  gtk_widget_class_bind_template_child (widget_class, EvgMemberPicker, matches);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
evg_member_picker_init (EvgMemberPicker *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->found = g_ptr_array_new_with_free_func (g_object_unref);
  /* An entry row: quick enough for every keystroke, and screen readers
   * can fill it in. */
  g_signal_connect_swapped (self->search_entry, "changed", G_CALLBACK (on_search_changed), self);
  g_signal_connect_swapped (self->search_entry, "entry-activated", G_CALLBACK (on_search_activate), self);
}

EvgMemberPicker *
evg_member_picker_new (EvgRoster *roster)
{
  EvgMemberPicker *self;

  g_return_val_if_fail (EVG_IS_ROSTER (roster), NULL);

  self = g_object_new (EVG_TYPE_MEMBER_PICKER, NULL);
  self->roster = g_object_ref (roster);
  on_search_changed (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return self;
}

/* Types @text into the search, as a person would. */
void
evg_member_picker_search (EvgMemberPicker *self,
                          const char      *text)
{
  g_return_if_fail (EVG_IS_MEMBER_PICKER (self));
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
}

guint
evg_member_picker_get_n_matches (EvgMemberPicker *self)
{
  g_return_val_if_fail (EVG_IS_MEMBER_PICKER (self), 0);
  return self->found->len;
}

/**
 * evg_member_picker_pick:
 * @index: the match's place in the list, from 0
 *
 * Chooses a match and closes the window.
 *
 * Returns: whether there was such a match
 */
gboolean
evg_member_picker_pick (EvgMemberPicker *self,
                        guint            index)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (EVG_IS_MEMBER_PICKER (self), FALSE);

  if (index >= self->found->len)
    return FALSE;
  id = g_strdup (evg_member_get_id (g_ptr_array_index (self->found, index)));
  g_signal_emit (self, signals[PICKED], 0, id);
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}
