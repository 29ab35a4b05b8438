/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-party-groups-window"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-party-groups-window.h"

/* Manages the branch's 党小组: add, rename, merge one into another, and
 * delete one that no member belongs to. */
struct _EvgPartyGroupsWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Owned */
  EvgRoster            *roster;
  AdwPreferencesGroup  *group;
  AdwEntryRow          *add_row;
  GPtrArray            *rows;     /* the rows built for the current groups */
};

G_DEFINE_FINAL_TYPE (EvgPartyGroupsWindow, evg_party_groups_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
report (EvgPartyGroupsWindow *self,
        const GError         *error)
{
  if (error != NULL)
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
}

static void
on_add (AdwEntryRow          *row,
        EvgPartyGroupsWindow *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = evg_roster_add_party_group (self->roster, gtk_editable_get_text (GTK_EDITABLE (row)), &error);

  if (id == NULL)
    report (self, error);
  else
    gtk_editable_set_text (GTK_EDITABLE (row), "");
}

static void
on_rename (AdwEntryRow          *row,
           EvgPartyGroupsWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!evg_roster_rename_party_group (self->roster, g_object_get_data (G_OBJECT (row), "group-id"),
                                      gtk_editable_get_text (GTK_EDITABLE (row)), &error))
    report (self, error);
}

static void
on_delete (GtkButton            *button,
           EvgPartyGroupsWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!evg_roster_delete_party_group (self->roster, g_object_get_data (G_OBJECT (button), "group-id"), &error))
    report (self, error);
}

static void
on_merge (GtkButton            *button,
          EvgPartyGroupsWindow *self)
{
  g_autoptr(GError) error = NULL;
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_POPOVER);

  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  if (!evg_roster_merge_party_groups (self->roster,
                                      g_object_get_data (G_OBJECT (button), "from-id"),
                                      g_object_get_data (G_OBJECT (button), "into-id"),
                                      &error))
    report (self, error);
}

static GtkWidget *
merge_button (EvgPartyGroupsWindow *self,
              GListModel           *groups,
              EvgPartyGroup        *from)
{
  GtkWidget *menu = gtk_menu_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *heading = gtk_label_new (_("Move its members into:"));
  guint n = g_list_model_get_n_items (groups);

  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (box), heading);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgPartyGroup) into = g_list_model_get_item (groups, i);
      GtkWidget *item;

      if (into == from)
        continue;
      item = gtk_button_new_with_label (evg_party_group_get_name (into));
      gtk_widget_add_css_class (item, "flat");
      g_object_set_data_full (G_OBJECT (item), "from-id", g_strdup (evg_party_group_get_id (from)), g_free);
      g_object_set_data_full (G_OBJECT (item), "into-id", g_strdup (evg_party_group_get_id (into)), g_free);
      g_signal_connect_object (item, "clicked", G_CALLBACK (on_merge), self, 0);
      gtk_box_append (GTK_BOX (box), item);
    }

  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (menu), popover);
  gtk_menu_button_set_label (GTK_MENU_BUTTON (menu), _("Merge"));
  gtk_widget_set_valign (menu, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (menu, n > 1);
  gtk_widget_set_tooltip_text (menu, _("Move all its members into another group and remove it"));
  return menu;
}

static void
rebuild (EvgPartyGroupsWindow *self)
{
  GListModel *groups = evg_roster_get_party_groups (self->roster);
  guint n = g_list_model_get_n_items (groups);

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgPartyGroup) group = g_list_model_get_item (groups, i);
      guint members = evg_party_group_get_n_members (group);
      GtkWidget *row = adw_entry_row_new ();
      GtkWidget *count, *delete;
      g_autofree char *count_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u member",
                                                                  "%u members", members), members);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Group name"));
      gtk_editable_set_text (GTK_EDITABLE (row), evg_party_group_get_name (group));
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "group-id", g_strdup (evg_party_group_get_id (group)), g_free);
      g_signal_connect_object (row, "apply", G_CALLBACK (on_rename), self, 0);

      count = gtk_label_new (count_text);
      gtk_widget_add_css_class (count, "dim-label");
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), count);
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), merge_button (self, groups, group));

      delete = gtk_button_new_from_icon_name ("user-trash-symbolic");
      gtk_widget_set_valign (delete, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (delete, "flat");
      gtk_widget_set_sensitive (delete, members == 0);
      gtk_widget_set_tooltip_text (delete, members == 0 ? _("Delete this group")
                                                        : _("Only an empty group can be deleted; merge it instead"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (delete), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Delete this group"), -1);
      g_object_set_data_full (G_OBJECT (delete), "group-id", g_strdup (evg_party_group_get_id (group)), g_free);
      g_signal_connect_object (delete, "clicked", G_CALLBACK (on_delete), self, 0);
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), delete);

      adw_preferences_group_add (self->group, row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
evg_party_groups_window_dispose (GObject *object)
{
  EvgPartyGroupsWindow *self = (EvgPartyGroupsWindow *)object;

  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_object (&self->roster);

  G_OBJECT_CLASS (evg_party_groups_window_parent_class)->dispose (object);
}

static void
evg_party_groups_window_class_init (EvgPartyGroupsWindowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = evg_party_groups_window_dispose;
}

static void
evg_party_groups_window_init (EvgPartyGroupsWindow *self)
{
  AdwPreferencesPage *page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  AdwPreferencesGroup *add_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  self->rows = g_ptr_array_new ();
  gtk_window_set_title (GTK_WINDOW (self), _("Party Groups"));
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  adw_preferences_window_set_search_enabled (ADW_PREFERENCES_WINDOW (self), FALSE);

  self->add_row = ADW_ENTRY_ROW (adw_entry_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->add_row), _("New group name"));
  adw_entry_row_set_show_apply_button (self->add_row, TRUE);
  g_signal_connect_object (self->add_row, "apply", G_CALLBACK (on_add), self, 0);
  adw_preferences_group_set_title (add_group, _("Add a Group"));
  adw_preferences_group_add (add_group, GTK_WIDGET (self->add_row));

  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("The Branch’s Party Groups"));
  adw_preferences_group_set_description (self->group,
                                         _("Rename a group and press Enter. A group with members "
                                           "can be merged into another; only an empty one can be deleted."));

  adw_preferences_page_add (page, add_group);
  adw_preferences_page_add (page, self->group);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), page);
}

EvgPartyGroupsWindow *
evg_party_groups_window_new (EvgRoster *roster)
{
  EvgPartyGroupsWindow *self = g_object_new (EVG_TYPE_PARTY_GROUPS_WINDOW, NULL);

  self->roster = g_object_ref (roster);
  g_signal_connect_object (evg_roster_get_party_groups (roster), "items-changed",
                           G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
  rebuild (self);
  return self;
}
