/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-roster-page"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-cell-text.h"
#include "evg-member-cards-print.h"
#include "evg-member-detail.h"
#include "evg-member-editor.h"
#include "evg-accessible.h"
#include "evg-list-focus.h"
#include "evg-roster-page.h"
#include "evg-page-keys.h"
#include "evg-import-dialog.h"
#include "evg-member-io.h"
#include "evg-party-groups-window.h"
#include "evg-stack-icons.h"

/* The member roster: a search entry and filters over a lazy list of the
 * branch's members, with the selected member's details beside it. */
struct _EvgRosterPage
{
  GtkWidget          parent_instance;

  /* Template widgets */
  GtkSearchEntry    *search_entry;
  GtkDropDown       *scope_dropdown;
  GtkDropDown       *category_dropdown;
  GtkDropDown       *group_dropdown;
  GtkDropDown       *standing_dropdown;
  GtkCheckButton    *mobile_check;
  GtkCheckButton    *lost_check;
  GtkMenuButton     *filter_button;
  GtkButton         *clear_filters_button;
  GtkStack          *content_stack;
  GtkColumnView     *column_view;
  EvgMemberDetail   *detail;
  AdwLeaflet        *leaflet;
  GtkWidget         *detail_box;
  GtkWidget         *back_button;
  GtkLabel          *count_label;

  /* Owned */
  EvgContext        *context;
  EvgMemberList     *list;
  GtkSingleSelection *selection;
  GPtrArray         *category_codes;   /* NULL entry = any */
  GPtrArray         *standing_codes;
  GPtrArray         *group_ids;
  GDate              today;
  int                probed_sort;       /* set while asking the view's sorter */
  gboolean           syncing_sort;
  char              *reselect_id;       /* the member selected while the list changes */
};

G_DEFINE_FINAL_TYPE (EvgRosterPage, evg_roster_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum
{
  COLUMN_NAME,
  COLUMN_GENDER,
  COLUMN_AGE,
  COLUMN_CATEGORY,
  COLUMN_PARTY_GROUP,
  COLUMN_PARTY_AGE,
  COLUMN_PHONE,
  N_COLUMNS
} Column;

static const struct {
  const char    *title;
  EvgMemberSort  sort;      /* meaningful when sortable */
  gboolean       sortable;
  gboolean       expand;
  guint          chars;     /* width, in average characters (a hanzi is two) */
} columns[N_COLUMNS] = {
  [COLUMN_NAME]        = { N_("Name"), EVG_MEMBER_SORT_NAME, TRUE, TRUE, 8 },
  [COLUMN_GENDER]      = { N_("Gender"), EVG_MEMBER_SORT_GENDER, TRUE, FALSE, 2 },
  [COLUMN_AGE]         = { N_("Age"), EVG_MEMBER_SORT_AGE, TRUE, FALSE, 3 },
  [COLUMN_CATEGORY]    = { N_("Category"), EVG_MEMBER_SORT_CATEGORY, TRUE, FALSE, 8 },
  [COLUMN_PARTY_GROUP] = { N_("Party Group"), EVG_MEMBER_SORT_PARTY_GROUP, TRUE, TRUE, 14 },
  [COLUMN_PARTY_AGE]   = { N_("Party Age"), EVG_MEMBER_SORT_PARTY_AGE, TRUE, FALSE, 3 },
  /* 138****5678: digits are wider than the average character. */
  [COLUMN_PHONE]       = { N_("Phone"), 0, FALSE, FALSE, 14 },
};

static char *
cell_text (EvgRosterPage *self,
           EvgMember     *member,
           Column         column)
{
  int years;

  switch (column)
    {
    case COLUMN_NAME:
      return g_strdup (evg_member_get_name (member));
    case COLUMN_GENDER:
      return evg_member_dup_display (member, EVG_MEMBER_GENDER);
    case COLUMN_AGE:
      years = evg_member_get_age (member, &self->today);
      return years == EVG_MEMBER_NONE ? g_strdup ("") : g_strdup_printf ("%d", years);
    case COLUMN_CATEGORY:
      return evg_member_dup_display (member, EVG_MEMBER_CATEGORY);
    case COLUMN_PARTY_GROUP:
      return g_strdup (evg_member_get_party_group_name (member) != NULL
                       ? evg_member_get_party_group_name (member) : "");
    case COLUMN_PARTY_AGE:
      years = evg_member_get_party_age (member, &self->today);
      return years == EVG_MEMBER_NONE ? g_strdup ("—") : g_strdup_printf ("%d", years);
    case COLUMN_PHONE:
      return evg_member_dup_masked_phone (member);
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

/* Cells are EvgCellTexts: GTK 4.8's column view keeps about 200 rows of
 * widgets, and a cell's size comes from its column's width in characters,
 * so the 1,400 cells are neither measured by their text nor hold a layout
 * for it until they are drawn. */
static void
setup_cell (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));

  gtk_list_item_set_child (item, evg_cell_text_new (columns[column].chars));
}

static void
bind_cell (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           EvgRosterPage            *self)
{
  Column column = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (factory), "column"));
  EvgMember *member = gtk_list_item_get_item (item);
  g_autofree char *text = member != NULL ? cell_text (self, member, column) : NULL;

  evg_cell_text_set_text (EVG_CELL_TEXT (gtk_list_item_get_child (item)), text);
}

/* GTK 4.8 cannot say which column the user sorted by, and our list sorts
 * itself (sorting 100,000 materialised rows in GTK would defeat the lazy
 * model).  So each column gets a sorter that only records that it was asked;
 * asking the view's sorter to compare two items then tells which column is
 * primary, and the sign of its answer tells the direction. */
static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  EvgRosterPage *self = g_object_get_data (G_OBJECT (user_data), "page");

  if (self->probed_sort < 0)
    self->probed_sort = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (user_data), "sort"));
  return -1;
}

static void
on_sorter_changed (EvgRosterPage *self)
{
  g_autoptr(GObject) probe = NULL;
  g_autoptr(GObject) other = NULL;
  GtkSorter *sorter;
  GtkOrdering order;

  /* The view also reports changes while it is being torn down. */
  if (self->syncing_sort || self->list == NULL || self->column_view == NULL)
    return;

  sorter = gtk_column_view_get_sorter (self->column_view);
  /* Two objects: a sorter answers "equal" for an item and itself without
   * asking its columns. */
  probe = g_object_new (G_TYPE_OBJECT, NULL);
  other = g_object_new (G_TYPE_OBJECT, NULL);

  self->probed_sort = -1;
  order = gtk_sorter_compare (sorter, probe, other);
  if (self->probed_sort < 0)
    evg_member_list_set_sort (self->list, EVG_MEMBER_SORT_NAME, FALSE);
  else
    evg_member_list_set_sort (self->list, self->probed_sort, order == GTK_ORDERING_LARGER);
}

static void
build_columns (EvgRosterPage *self)
{
  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_object_set_data (G_OBJECT (factory), "column", GUINT_TO_POINTER (i));
      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell), NULL);
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell), self);

      column = gtk_column_view_column_new (_(columns[i].title), g_object_ref (factory));
      gtk_column_view_column_set_expand (column, columns[i].expand);
      gtk_column_view_column_set_resizable (column, TRUE);
      if (columns[i].sortable)
        {
          GtkSorter *sorter = GTK_SORTER (gtk_custom_sorter_new (NULL, NULL, NULL));

          /* The sorter is its own user data, so it can say which it is. */
          gtk_custom_sorter_set_sort_func (GTK_CUSTOM_SORTER (sorter), probe_compare, sorter, NULL);
          g_object_set_data (G_OBJECT (sorter), "page", self);
          g_object_set_data (G_OBJECT (sorter), "sort", GINT_TO_POINTER (columns[i].sort));
          gtk_column_view_column_set_sorter (column, sorter);
          g_object_unref (sorter);
        }
      gtk_column_view_append_column (self->column_view, column);
    }

  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (on_sorter_changed), self, G_CONNECT_SWAPPED);
}

/* The filters in the Filters popover that narrow the list; the scope
 * drop-down beside it chooses which list, and is not counted. */
static guint
count_active_filters (EvgRosterPage *self)
{
  return (gtk_drop_down_get_selected (self->category_dropdown) > 0) +
         (gtk_drop_down_get_selected (self->group_dropdown) > 0) +
         (gtk_drop_down_get_selected (self->standing_dropdown) > 0) +
         gtk_check_button_get_active (self->mobile_check) +
         gtk_check_button_get_active (self->lost_check);
}

/* A filter left on from yesterday must not pass unnoticed: the button
 * says how many are on, in the accent colour, and a button beside it
 * clears them. */
static void
update_filter_button (EvgRosterPage *self)
{
  guint n = count_active_filters (self);
  g_autofree char *label = NULL;

  if (n > 0)
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Filters (%u)", "Filters (%u)", n), n);
  else
    label = g_strdup (_("Filters"));
  gtk_menu_button_set_label (self->filter_button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->filter_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  if (n > 0)
    gtk_widget_add_css_class (GTK_WIDGET (self->filter_button), "accent");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->filter_button), "accent");
  gtk_widget_set_visible (GTK_WIDGET (self->clear_filters_button), n > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.clear-filters", n > 0);
}

/* Whether the list shows fewer than all the members of its scope, or
 * could: a search or a filter is on. */
static gboolean
is_filtered (EvgRosterPage *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->list)) != evg_member_list_get_n_total (self->list) ||
         count_active_filters (self) > 0 ||
         *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0';
}

static void
update_count (EvgRosterPage *self)
{
  guint shown, total;
  g_autofree char *text = NULL;
  gboolean filtered, loading;

  if (self->list == NULL)
    return;

  /* Until the roster's worker has read the index the list is empty: say
   * that it is loading, not that there are no members. */
  loading = evg_roster_get_loading (evg_context_get_roster (self->context));
  /* Cards are made from the roster as read, so not before it is. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.print-cards", !loading);
  if (loading)
    {
      gtk_label_set_label (self->count_label, "");
      gtk_stack_set_visible_child_name (self->content_stack, "loading");
      return;
    }

  shown = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  total = evg_member_list_get_n_total (self->list);
  filtered = is_filtered (self);

  /* A filtered list says so, with the number it shows first: it is what
   * an export writes and what a secretary counts. */
  if (filtered)
    {
      g_autofree char *shown_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Filtered: %u member shown",
                                                                  "Filtered: %u members shown", shown), shown);
      g_autofree char *total_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u in all",
                                                                  "%u in all", total), total);

      text = g_strdup_printf ("%s · %s", shown_text, total_text);
    }
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u member", "%u members", total), total);
  gtk_label_set_label (self->count_label, text);

  if (evg_roster_get_n_members (evg_context_get_roster (self->context)) == 0 &&
      evg_member_list_get_scope (self->list) == EVG_MEMBER_SCOPE_CURRENT)
    gtk_stack_set_visible_child_name (self->content_stack, "empty");
  else if (shown == 0)
    gtk_stack_set_visible_child_name (self->content_stack, "no-results");
  else
    gtk_stack_set_visible_child_name (self->content_stack, "list");
}

static void
on_search_changed (EvgRosterPage *self)
{
  if (self->list == NULL)
    return;
  evg_member_list_set_search_text (self->list, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  update_count (self);
  /* A search that finds one member (an ID number, a full name) shows them. */
  if (g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 1 && self->selection != NULL &&
      gtk_single_selection_get_selected_item (self->selection) == NULL &&
      *gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), 0, TRUE);
}

static const char *
selected_code (GtkDropDown *dropdown,
               GPtrArray   *codes)
{
  guint pos = gtk_drop_down_get_selected (dropdown);

  return codes != NULL && pos < codes->len ? g_ptr_array_index (codes, pos) : NULL;
}

static void
on_filters_changed (EvgRosterPage *self)
{
  static const EvgMemberScope scopes[] = {
    EVG_MEMBER_SCOPE_CURRENT, EVG_MEMBER_SCOPE_FORMER, EVG_MEMBER_SCOPE_ALL,
  };
  guint scope = gtk_drop_down_get_selected (self->scope_dropdown);

  if (self->list == NULL)
    return;

  evg_member_list_set_scope (self->list, scopes[MIN (scope, G_N_ELEMENTS (scopes) - 1)]);
  evg_member_list_set_category (self->list, selected_code (self->category_dropdown, self->category_codes));
  evg_member_list_set_party_group (self->list, selected_code (self->group_dropdown, self->group_ids));
  evg_member_list_set_standing (self->list, selected_code (self->standing_dropdown, self->standing_codes));
  evg_member_list_set_only_mobile (self->list, gtk_check_button_get_active (self->mobile_check));
  evg_member_list_set_only_lost_contact (self->list, gtk_check_button_get_active (self->lost_check));
  update_filter_button (self);
  update_count (self);
}

static void
clear_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  EvgRosterPage *self = EVG_ROSTER_PAGE (widget);

  /* One refilter, not five. */
  g_signal_handlers_block_by_func (self->category_dropdown, on_filters_changed, self);
  g_signal_handlers_block_by_func (self->group_dropdown, on_filters_changed, self);
  g_signal_handlers_block_by_func (self->standing_dropdown, on_filters_changed, self);
  g_signal_handlers_block_by_func (self->mobile_check, on_filters_changed, self);
  g_signal_handlers_block_by_func (self->lost_check, on_filters_changed, self);
  gtk_drop_down_set_selected (self->category_dropdown, 0);
  gtk_drop_down_set_selected (self->group_dropdown, 0);
  gtk_drop_down_set_selected (self->standing_dropdown, 0);
  gtk_check_button_set_active (self->mobile_check, FALSE);
  gtk_check_button_set_active (self->lost_check, FALSE);
  g_signal_handlers_unblock_by_func (self->category_dropdown, on_filters_changed, self);
  g_signal_handlers_unblock_by_func (self->group_dropdown, on_filters_changed, self);
  g_signal_handlers_unblock_by_func (self->standing_dropdown, on_filters_changed, self);
  g_signal_handlers_unblock_by_func (self->mobile_check, on_filters_changed, self);
  g_signal_handlers_unblock_by_func (self->lost_check, on_filters_changed, self);
  on_filters_changed (self);
}

/* Fills a filter drop-down with "Any" and the labels of a choice field. */
static GPtrArray *
fill_choice_dropdown (GtkDropDown    *dropdown,
                      EvgMemberField  field)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  GPtrArray *codes = g_ptr_array_new ();
  const EvgChoice *choices;
  guint n;

  gtk_string_list_append (strings, _("Any"));
  g_ptr_array_add (codes, NULL);
  choices = evg_member_field_get_choices (field, &n);
  for (guint i = 0; i < n; i++)
    {
      gtk_string_list_append (strings, _(choices[i].label));
      g_ptr_array_add (codes, (gpointer) choices[i].code);
    }
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (strings));
  return codes;
}

static void
fill_group_dropdown (EvgRosterPage *self)
{
  g_autoptr(GtkStringList) strings = gtk_string_list_new (NULL);
  GListModel *groups = evg_roster_get_party_groups (evg_context_get_roster (self->context));
  const char *current = selected_code (self->group_dropdown, self->group_ids);
  guint selected = 0;

  g_clear_pointer (&self->group_ids, g_ptr_array_unref);
  self->group_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_string_list_append (strings, _("Any"));
  g_ptr_array_add (self->group_ids, NULL);
  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(EvgPartyGroup) group = g_list_model_get_item (groups, i);

      gtk_string_list_append (strings, evg_party_group_get_name (group));
      if (g_strcmp0 (current, evg_party_group_get_id (group)) == 0)
        selected = i + 1;
      g_ptr_array_add (self->group_ids, g_strdup (evg_party_group_get_id (group)));
    }

  g_signal_handlers_block_by_func (self->group_dropdown, on_filters_changed, self);
  gtk_drop_down_set_model (self->group_dropdown, G_LIST_MODEL (strings));
  gtk_drop_down_set_selected (self->group_dropdown, selected);
  g_signal_handlers_unblock_by_func (self->group_dropdown, on_filters_changed, self);
}

static EvgMember *
selected_member (EvgRosterPage *self)
{
  return self->selection != NULL ? gtk_single_selection_get_selected_item (self->selection) : NULL;
}

static void
on_selection_changed (EvgRosterPage *self)
{
  EvgMember *member = selected_member (self);

  /* While the list changes the selection may drop for a moment; the
   * detail pane waits for restore_selection() rather than flicker. */
  if (member == NULL && self->reselect_id != NULL)
    return;

  evg_member_detail_set_member (self->detail, member);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.delete", member != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "roster.edit", member != NULL);
}

/* Saving an edit replaces the member's row (its item is a new object, and
 * it may move as the sort puts it), which drops a GtkSingleSelection's
 * selection.  The member stays selected: the id is noted before the
 * selection sees the change, and selected again after. */
static void
remember_selection (EvgRosterPage *self)
{
  EvgMember *member = selected_member (self);

  g_clear_pointer (&self->reselect_id, g_free);
  if (member != NULL)
    self->reselect_id = g_strdup (evg_member_get_id (member));
}

static void
restore_selection (EvgRosterPage *self)
{
  g_autofree char *id = g_steal_pointer (&self->reselect_id);
  guint position;

  if (id == NULL || selected_member (self) != NULL)
    return;
  position = evg_member_list_find (self->list, id);
  if (position != G_MAXUINT)
    gtk_single_selection_set_selected (self->selection, position);
  else
    on_selection_changed (self);
}

static void
open_editor (EvgRosterPage *self,
             EvgMember     *member)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  EvgMemberEditor *editor = evg_member_editor_new (evg_context_get_roster (self->context), member);

  gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (editor));
}

/* Wide, the details sit beside the list and a row opens the editor;
 * narrow, the list and the details are shown one at a time and a row
 * (a click, or Enter) shows its details, with a way back. */
static void
on_row_activated (EvgRosterPage *self,
                  guint          position)
{
  g_autoptr(EvgMember) member = g_list_model_get_item (G_LIST_MODEL (self->list), position);

  if (member == NULL)
    return;
  if (adw_leaflet_get_folded (self->leaflet))
    {
      gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), position, TRUE);
      adw_leaflet_set_visible_child (self->leaflet, self->detail_box);
      return;
    }
  open_editor (self, member);
}

/* Enter in the search field goes to the first member found: selected,
 * with the focus on its row, where Enter opens it. */
static void
on_search_activate (EvgRosterPage *self)
{
  /* The search runs after a short pause; Enter does not wait for it. */
  on_search_changed (self);
  if (self->list == NULL || g_list_model_get_n_items (G_LIST_MODEL (self->list)) == 0)
    return;
  gtk_selection_model_select_item (GTK_SELECTION_MODEL (self->selection), 0, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (self->column_view), "list.scroll-to-item", "u", 0);
}

static void
on_folded_changed (EvgRosterPage *self)
{
  gboolean folded = adw_leaflet_get_folded (self->leaflet);

  gtk_widget_set_visible (self->back_button, folded);
  gtk_column_view_set_single_click_activate (self->column_view, folded);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EvgRosterPage *self = EVG_ROSTER_PAGE (widget);

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_editor (EVG_ROSTER_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  EvgRosterPage *self = EVG_ROSTER_PAGE (widget);
  EvgMember *member = selected_member (self);

  if (member != NULL)
    open_editor (self, member);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  evg_roster_page_focus_search (EVG_ROSTER_PAGE (widget));
}

static void
show_toast (EvgRosterPage *self,
            AdwToast      *toast)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (g_object_ref_sink (toast));
}

static void
undo_delete (AdwToast      *toast,
             EvgRosterPage *self)
{
  const char *id = g_object_get_data (G_OBJECT (toast), "member-id");
  g_autoptr(GError) error = NULL;

  if (!evg_roster_restore (evg_context_get_roster (self->context), id, &error))
    show_toast (self, adw_toast_new (error->message));
}

/* Deleting is for entry mistakes: it asks nothing, and Undo brings the
 * record back.  A member who leaves the branch is recorded, not deleted. */
static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EvgRosterPage *self = EVG_ROSTER_PAGE (widget);
  EvgMember *member = selected_member (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (member == NULL)
    return;

  id = g_strdup (evg_member_get_id (member));
  title = g_strdup_printf (_("“%s” deleted"), evg_member_get_name (member));
  if (!evg_roster_delete (evg_context_get_roster (self->context), id, &error))
    {
      show_toast (self, adw_toast_new (error->message));
      return;
    }

  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "member-id", g_steal_pointer (&id), g_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_delete), self, 0);
  show_toast (self, toast);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EvgRosterPage *self = EVG_ROSTER_PAGE (widget);

  EvgImportDialog *dialog = evg_import_dialog_new (evg_context_get_roster (self->context));

  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (widget)));
  evg_import_dialog_choose_file (dialog);
}

static void
export_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(EvgRosterPage) self = user_data;
  g_autoptr(GError) error = NULL;
  GFile *file = g_object_get_data (G_OBJECT (self), "export-file");

  if (!evg_roster_export_finish (EVG_ROSTER (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_toast (self, adw_toast_new (error->message));
      return;
    }

  {
    g_autofree char *name = file != NULL ? g_file_get_basename (file) : g_strdup ("");
    guint n = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self), "export-filtered"));
    g_autofree char *text = NULL;

    /* n is 1 + the members written when the list was filtered. */
    if (n > 0)
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Saved only the %u filtered member to “%s”",
                                           "Saved only the %u filtered members to “%s”", n - 1),
                              n - 1, name);
    else
      text = g_strdup_printf (_("Saved the list to “%s”"), name);
    show_toast (self, adw_toast_new (text));
  }
}

/* Reading 100,000 members takes a second or two, so it runs in a worker;
 * the toast says when the file is ready. */
static void
on_export_chosen (GtkNativeDialog *chooser,
                  int              response,
                  EvgRosterPage   *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autofree char *name = g_file_get_basename (file);
      g_autofree char *text = NULL;
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));

      if (is_filtered (self))
        text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                             "Exporting only the %u filtered member to “%s”…",
                                             "Exporting only the %u filtered members to “%s”…", n),
                                n, name);
      else
        text = g_strdup_printf (_("Exporting to “%s”…"), name);
      g_object_set_data (G_OBJECT (self), "export-filtered",
                         GUINT_TO_POINTER (is_filtered (self) ? n + 1 : 0));
      g_object_set_data_full (G_OBJECT (self), "export-file", g_object_ref (file), g_object_unref);
      show_toast (self, adw_toast_new (text));
      evg_roster_export_async (evg_context_get_roster (self->context), self->list, path,
                               NULL, export_done, g_object_ref (self));
    }
  g_object_unref (chooser);
}

/* Exports what the list shows (search and filters applied) as a workbook
 * (the name offered, as branches work in WPS) or, when the name the user
 * gives ends in .csv, as a CSV file; Excel and WPS open either directly. */
static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  EvgRosterPage *self = EVG_ROSTER_PAGE (widget);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d");
  g_autofree char *name = g_strdup_printf (_("member-roster-%s.xlsx"), stamp);
  g_autoptr(GtkFileFilter) xlsx = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) csv = gtk_file_filter_new ();
  g_autofree char *title = NULL;
  GtkFileChooserNative *chooser;
  guint n;

  if (self->list == NULL)
    return;
  n = g_list_model_get_n_items (G_LIST_MODEL (self->list));

  /* The dialog says before anything is written that a filter is on. */
  if (is_filtered (self))
    title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Export Only the %u Filtered Member",
                                          "Export Only the %u Filtered Members", n), n);
  else
    title = g_strdup (_("Export the Member Roster"));

  gtk_file_filter_set_name (xlsx, _("Excel workbook (.xlsx)"));
  gtk_file_filter_add_pattern (xlsx, "*.xlsx");
  gtk_file_filter_set_name (csv, _("CSV, UTF-8 (.csv)"));
  gtk_file_filter_add_pattern (csv, "*.csv");

  chooser = gtk_file_chooser_native_new (title,
                                         GTK_WINDOW (gtk_widget_get_root (widget)),
                                         GTK_FILE_CHOOSER_ACTION_SAVE,
                                         _("_Export"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), xlsx);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), csv);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_export_chosen), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
party_groups_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  EvgRosterPage *self = EVG_ROSTER_PAGE (widget);

  EvgPartyGroupsWindow *window = evg_party_groups_window_new (evg_context_get_roster (self->context));

  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (gtk_widget_get_root (widget)));
  gtk_window_present (GTK_WINDOW (window));
}

/* Cards for the current members of the party group the filter shows, or
 * of the whole branch. */
static void
print_cards_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  EvgRosterPage *self = EVG_ROSTER_PAGE (widget);

  if (self->list == NULL)
    return;
  evg_member_cards_print_run (GTK_WINDOW (gtk_widget_get_root (widget)), evg_context_get_roster (self->context),
                              evg_member_list_get_party_group (self->list));
}

static void
attach_list (EvgRosterPage *self)
{
  EvgRoster *roster = evg_context_get_roster (self->context);

  self->list = evg_member_list_new (roster);
  /* Before the selection model connects, so it runs first. */
  g_signal_connect_object (self->list, "items-changed", G_CALLBACK (remember_selection), self, G_CONNECT_SWAPPED);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->list, "items-changed", G_CALLBACK (restore_selection), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "items-changed", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (roster, "notify::loading", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (on_selection_changed), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (evg_roster_get_party_groups (roster), "items-changed",
                           G_CALLBACK (fill_group_dropdown), self, G_CONNECT_SWAPPED);

  evg_member_detail_set_roster (self->detail, roster);
  evg_member_detail_set_calendar (self->detail, evg_context_get_calendar (self->context));
  evg_member_detail_set_checkins (self->detail, evg_context_get_checkins (self->context));
  fill_group_dropdown (self);
  {
    g_autoptr(GtkColumnViewColumn) first = g_list_model_get_item (gtk_column_view_get_columns (self->column_view), 0);

    /* Show the order the list starts in: by name. */
    self->syncing_sort = TRUE;
    gtk_column_view_sort_by_column (self->column_view, first, GTK_SORT_ASCENDING);
    self->syncing_sort = FALSE;
  }
  on_selection_changed (self);
  update_filter_button (self);
  update_count (self);
}

static void
evg_roster_page_dispose (GObject *object)
{
  EvgRosterPage *self = (EvgRosterPage *)object;

  if (self->column_view != NULL)
    gtk_column_view_set_model (self->column_view, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_ROSTER_PAGE);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->context);
  g_clear_pointer (&self->category_codes, g_ptr_array_unref);
  g_clear_pointer (&self->standing_codes, g_ptr_array_unref);
  g_clear_pointer (&self->group_ids, g_ptr_array_unref);
  g_clear_pointer (&self->reselect_id, g_free);

  G_OBJECT_CLASS (evg_roster_page_parent_class)->dispose (object);
}

static void
evg_roster_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  EvgRosterPage *self = EVG_ROSTER_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_roster_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  EvgRosterPage *self = EVG_ROSTER_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      evg_roster_page_set_context (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_roster_page_class_init (EvgRosterPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_roster_page_dispose;
  object_class->get_property = evg_roster_page_get_property;
  object_class->set_property = evg_roster_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         EVG_TYPE_CONTEXT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/org/evanguard/Workstation/ui/evg-roster-page.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, scope_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, category_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, group_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, standing_dropdown);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, mobile_check);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, lost_check);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, filter_button);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, clear_filters_button);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, detail);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, detail_box);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, EvgRosterPage, count_label);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_filters_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_row_activated);
  gtk_widget_class_bind_template_callback (widget_class, on_folded_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_search_activate);

  gtk_widget_class_install_action (widget_class, "roster.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "roster.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "roster.edit", NULL, edit_action);
  gtk_widget_class_install_action (widget_class, "roster.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "roster.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "roster.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "roster.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "roster.print-cards", NULL, print_cards_action);
  gtk_widget_class_install_action (widget_class, "roster.party-groups", NULL, party_groups_action);
  gtk_widget_class_install_action (widget_class, "roster.clear-filters", NULL, clear_filters_action);


  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

/* Delete removes the selected member unless the focus is in a text field,
 * where it deletes text as always. */
static gboolean
delete_shortcut (GtkWidget *widget,
                 GVariant  *args,
                 gpointer   user_data)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus)))
    return FALSE;
  return gtk_widget_activate_action (widget, "roster.delete", NULL);
}

/* The page's keys work wherever the focus is in the window while the page
 * shows (the sidebar, the header, the detail pane), not only in the list. */
static void
add_shortcuts (EvgRosterPage *self)
{
  static const EvgPageKey keys[] = {
    { GDK_KEY_n, GDK_CONTROL_MASK, "roster.add" },
    { GDK_KEY_f, GDK_CONTROL_MASK, "roster.search" },
  };
  GtkShortcutController *controller = evg_page_add_keys (GTK_WIDGET (self), keys, G_N_ELEMENTS (keys));

  /* Delete asks first and may not act: a callback, not an action. */
  for (guint i = 0; i < 2; i++)
    gtk_shortcut_controller_add_shortcut (controller,
                                          gtk_shortcut_new (gtk_keyval_trigger_new (i == 0 ? GDK_KEY_Delete
                                                                                           : GDK_KEY_KP_Delete, 0),
                                                            gtk_callback_action_new (delete_shortcut, NULL, NULL)));
}

static void
evg_roster_page_init (EvgRosterPage *self)
{
  g_type_ensure (EVG_TYPE_MEMBER_DETAIL);
  g_type_ensure (EVG_TYPE_LIST_FOCUS);
  gtk_widget_init_template (GTK_WIDGET (self));

  evg_date_set_today (&self->today);
  self->category_codes = fill_choice_dropdown (self->category_dropdown, EVG_MEMBER_CATEGORY);
  self->standing_codes = fill_choice_dropdown (self->standing_dropdown, EVG_MEMBER_STANDING);
  evg_drop_down_set_accessible_name (self->scope_dropdown, _("Which members to list"));
  evg_drop_down_set_accessible_name (self->category_dropdown, _("Category"));
  evg_drop_down_set_accessible_name (self->group_dropdown, _("Party group"));
  evg_drop_down_set_accessible_name (self->standing_dropdown, _("Standing"));
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self->column_view));
  build_columns (self);
  evg_stack_defer_status_icons (self->content_stack);
  add_shortcuts (self);
}

EvgRosterPage *
evg_roster_page_new (EvgContext *context)
{
  return g_object_new (EVG_TYPE_ROSTER_PAGE, "context", context, NULL);
}

EvgContext *
evg_roster_page_get_context (EvgRosterPage *self)
{
  g_return_val_if_fail (EVG_IS_ROSTER_PAGE (self), NULL);
  return self->context;
}

void
evg_roster_page_set_context (EvgRosterPage *self,
                             EvgContext    *context)
{
  g_return_if_fail (EVG_IS_ROSTER_PAGE (self));

  if (self->context == context)
    return;

  /* The context is set once, by the window; the list follows it. */
  g_return_if_fail (self->context == NULL);
  self->context = g_object_ref (context);
  attach_list (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTEXT]);
}

EvgMemberList *
evg_roster_page_get_list (EvgRosterPage *self)
{
  g_return_val_if_fail (EVG_IS_ROSTER_PAGE (self), NULL);
  return self->list;
}

void
evg_roster_page_focus_search (EvgRosterPage *self)
{
  g_return_if_fail (EVG_IS_ROSTER_PAGE (self));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}
