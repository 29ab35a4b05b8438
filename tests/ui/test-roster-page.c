/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "evg-cell-text.h"
#include "evg-member-detail.h"
#include "evg-member-editor.h"
#include "evg-roster-page.h"
#include "../evg-test-util.h"

typedef struct
{
  char          *dir;
  EvgContext    *context;
  GtkWindow     *window;
  EvgRosterPage *page;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autofree char *path = NULL;

  f->dir = evg_test_make_dir ();
  path = g_build_filename (f->dir, "roster.db", NULL);
  store = evg_store_open (path, &error);
  g_assert_no_error (error);
  f->context = evg_context_new (store, &error);
  g_assert_no_error (error);

  f->window = GTK_WINDOW (gtk_window_new ());
  f->page = evg_roster_page_new (f->context);
  gtk_window_set_child (f->window, GTK_WIDGET (f->page));
  gtk_window_present (f->window);
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (f->window);
  spin ();
  g_assert_finalize_object (f->context);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
}

static const char *
page_state (EvgRosterPage *page)
{
  GObject *stack = gtk_widget_get_template_child (GTK_WIDGET (page), EVG_TYPE_ROSTER_PAGE, "content_stack");

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static const char *
visible_state (Fixture *f)
{
  return page_state (f->page);
}

/* Waits out the search entry's typing delay. */
static void
search (Fixture    *f,
        const char *text)
{
  GObject *entry = gtk_widget_get_template_child (GTK_WIDGET (f->page), EVG_TYPE_ROSTER_PAGE, "search_entry");
  gint64 end = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  while (g_strcmp0 (evg_member_list_get_search_text (evg_roster_page_get_list (f->page)), text) != 0 &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  spin ();
}

/* The texts of the column view's cells that show something, in widget
 * order: what the rows say on screen. */
static void
collect_cells (GtkWidget *widget,
               GPtrArray *texts)
{
  if (EVG_IS_CELL_TEXT (widget))
    {
      const char *text = evg_cell_text_get_text (EVG_CELL_TEXT (widget));

      if (text != NULL && gtk_widget_get_child_visible (gtk_widget_get_parent (widget)))
        g_ptr_array_add (texts, (gpointer) text);
      return;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_cells (child, texts);
}

static gboolean
cells_show (Fixture    *f,
            const char *text)
{
  GObject *view = gtk_widget_get_template_child (GTK_WIDGET (f->page), EVG_TYPE_ROSTER_PAGE, "column_view");
  g_autoptr(GPtrArray) texts = g_ptr_array_new ();

  collect_cells (GTK_WIDGET (view), texts);
  for (guint i = 0; i < texts->len; i++)
    if (g_str_equal (g_ptr_array_index (texts, i), text))
      return TRUE;
  return FALSE;
}

static void
fill_zhang_san (EvgMemberEditor *editor,
                const char      *id_number)
{
  evg_member_editor_set_text (editor, EVG_MEMBER_NAME, "张三");
  evg_member_editor_set_text (editor, EVG_MEMBER_GENDER, "男");
  evg_member_editor_set_text (editor, EVG_MEMBER_ID_NUMBER, id_number);
  evg_member_editor_set_text (editor, EVG_MEMBER_BIRTH_DATE, "1990-03-07");
  evg_member_editor_set_text (editor, EVG_MEMBER_CATEGORY, "正式党员");
  evg_member_editor_set_text (editor, EVG_MEMBER_JOINED_ON, "2015-07-01");
  evg_member_editor_set_text (editor, EVG_MEMBER_FULL_MEMBER_ON, "2016-07-01");
  evg_member_editor_set_text (editor, EVG_MEMBER_PHONE, "13812345678");
}

static void
test_roster_add_and_find_by_pinyin (Fixture       *f,
                                    gconstpointer  data)
{
  EvgRoster *roster = evg_context_get_roster (f->context);
  EvgMemberList *list = evg_roster_page_get_list (f->page);
  EvgMemberEditor *editor;
  g_autofree char *problems = NULL;
  g_autoptr(EvgMember) found = NULL;

  spin ();
  g_assert_cmpstr (visible_state (f), ==, "empty");

  editor = evg_member_editor_new (roster, NULL);
  g_object_add_weak_pointer (G_OBJECT (editor), (gpointer *) &editor);
  gtk_window_present (GTK_WINDOW (editor));
  g_assert_false (evg_member_editor_can_save (editor));

  /* A wrong check digit is caught as it is typed, with the reason. */
  fill_zhang_san (editor, "110105199003071234");
  g_assert_false (evg_member_editor_can_save (editor));
  problems = evg_member_editor_dup_problems (editor);
  g_assert_cmpstr (problems, !=, "");
  g_assert_false (evg_member_editor_save (editor));
  g_assert_cmpuint (evg_roster_get_n_members (roster), ==, 0);

  /* 11010519900307123 has check digit 9. */
  evg_member_editor_set_text (editor, EVG_MEMBER_ID_NUMBER, "110105199003071239");
  g_assert_true (evg_member_editor_can_save (editor));
  g_assert_true (evg_member_editor_save (editor));
  spin ();
  g_assert_null (editor);

  g_assert_cmpuint (evg_roster_get_n_members (roster), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpstr (visible_state (f), ==, "list");

  /* Full pinyin and initials both find 张三; a stranger's name does not. */
  search (f, "zhangsan");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  found = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (evg_member_get_name (found), ==, "张三");
  /* The row on screen shows the name and the phone, masked. */
  g_assert_true (cells_show (f, "张三"));
  g_assert_true (cells_show (f, "138****5678"));
  g_assert_false (cells_show (f, "13812345678"));

  search (f, "zs");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);

  search (f, "lisi");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_cmpstr (visible_state (f), ==, "no-results");

  search (f, "");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
}

static void
test_roster_delete_and_undo (Fixture       *f,
                             gconstpointer  data)
{
  EvgRoster *roster = evg_context_get_roster (f->context);
  EvgMemberList *list = evg_roster_page_get_list (f->page);
  EvgMemberEditor *editor = evg_member_editor_new (roster, NULL);
  GObject *view = gtk_widget_get_template_child (GTK_WIDGET (f->page), EVG_TYPE_ROSTER_PAGE, "column_view");
  g_autoptr(EvgMember) member = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  fill_zhang_san (editor, "110105199003071239");
  g_assert_true (evg_member_editor_save (editor));
  spin ();

  gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)), 0, TRUE);
  member = g_list_model_get_item (G_LIST_MODEL (list), 0);
  id = g_strdup (evg_member_get_id (member));
  g_clear_object (&member);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "roster.delete", NULL));
  spin ();
  g_assert_cmpuint (evg_roster_get_n_members (roster), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  member = evg_roster_lookup_id_number (roster, "110105199003071239");
  g_assert_null (member);

  /* The toast's Undo restores the same record, which shows again. */
  g_assert_true (evg_roster_restore (roster, id, &error));
  g_assert_no_error (error);
  spin ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  member = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (evg_member_get_id (member), ==, id);
}

static GObject *
child (Fixture    *f,
       const char *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (f->page), EVG_TYPE_ROSTER_PAGE, name);
}

/* Saves a member through the editor, as the user would. */
static void
add_member (Fixture    *f,
            const char *name,
            const char *id_number,
            gboolean    full)
{
  EvgMemberEditor *editor = evg_member_editor_new (evg_context_get_roster (f->context), NULL);
  g_autofree char *birth = g_strdup_printf ("%.4s-%.2s-%.2s", id_number + 6, id_number + 10, id_number + 12);

  fill_zhang_san (editor, id_number);
  evg_member_editor_set_text (editor, EVG_MEMBER_NAME, name);
  evg_member_editor_set_text (editor, EVG_MEMBER_BIRTH_DATE, birth);
  evg_member_editor_set_text (editor, EVG_MEMBER_GENDER, (id_number[16] - '0') % 2 == 1 ? "男" : "女");
  if (!full)
    {
      evg_member_editor_set_text (editor, EVG_MEMBER_CATEGORY, "预备党员");
      evg_member_editor_set_text (editor, EVG_MEMBER_JOINED_ON, "2024-09-01");
      evg_member_editor_set_text (editor, EVG_MEMBER_FULL_MEMBER_ON, "");
    }
  if (!evg_member_editor_can_save (editor))
    {
      g_autofree char *problems = evg_member_editor_dup_problems (editor);

      g_test_message ("%s: %s", name, problems);
    }
  g_assert_true (evg_member_editor_save (editor));
  spin ();
}

/* An active filter shows on its button, which says how many are on; one
 * click clears them; the footer says the list is filtered and how many it
 * shows. */
static void
test_roster_filters_visible (Fixture       *f,
                             gconstpointer  data)
{
  GtkMenuButton *button = GTK_MENU_BUTTON (child (f, "filter_button"));
  GtkWidget *clear = GTK_WIDGET (child (f, "clear_filters_button"));
  GtkLabel *footer = GTK_LABEL (child (f, "count_label"));
  EvgMemberList *list = evg_roster_page_get_list (f->page);

  add_member (f, "张三", "110105198001010016", TRUE);
  add_member (f, "李四", "110105198001010024", FALSE);
  add_member (f, "王五", "11010519491231002X", TRUE);
  g_assert_cmpstr (gtk_label_get_label (footer), ==, "3 members");
  g_assert_cmpstr (gtk_menu_button_get_label (button), ==, "Filters");
  g_assert_false (gtk_widget_get_visible (clear));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (button), "accent"));

  /* 正式党员 only, and then mobile members only as well. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child (f, "category_dropdown")), 1);
  spin ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  g_assert_cmpstr (gtk_menu_button_get_label (button), ==, "Filters (1)");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (button), "accent"));
  g_assert_true (gtk_widget_get_visible (clear));
  g_assert_cmpstr (gtk_label_get_label (footer), ==, "Filtered: 2 members shown · 3 in all");

  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (f, "mobile_check")), TRUE);
  spin ();
  g_assert_cmpstr (gtk_menu_button_get_label (button), ==, "Filters (2)");
  g_assert_cmpstr (visible_state (f), ==, "no-results");
  g_assert_cmpstr (gtk_label_get_label (footer), ==, "Filtered: 0 members shown · 3 in all");

  /* The clear button is one click. */
  g_signal_emit_by_name (clear, "clicked");
  spin ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
  g_assert_cmpstr (gtk_menu_button_get_label (button), ==, "Filters");
  g_assert_false (gtk_widget_get_visible (clear));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (button), "accent"));
  g_assert_cmpstr (gtk_label_get_label (footer), ==, "3 members");
  g_assert_cmpstr (visible_state (f), ==, "list");

  /* A search filters too, and the footer says so for one member. */
  search (f, "lisi");
  g_assert_cmpstr (gtk_label_get_label (footer), ==, "Filtered: 1 member shown · 3 in all");
  search (f, "");
}

/* A click on a column's header sorts the rows by it; a second click
 * turns the order round. */
static void
test_roster_sort_by_column (Fixture       *f,
                            gconstpointer  data)
{
  GtkColumnView *view = GTK_COLUMN_VIEW (child (f, "column_view"));
  EvgMemberList *list = evg_roster_page_get_list (f->page);
  GListModel *columns = gtk_column_view_get_columns (view);
  GtkColumnViewColumn *age = NULL;

  add_member (f, "张三", "110105198001010016", TRUE);
  add_member (f, "李四", "110105200001010024", FALSE);
  add_member (f, "王五", "11010519491231002X", TRUE);
  for (guint i = 0; i < g_list_model_get_n_items (columns) && age == NULL; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Age") == 0)
        age = column;
    }
  g_assert_nonnull (age);

  gtk_column_view_sort_by_column (view, age, GTK_SORT_ASCENDING);
  spin ();
  g_assert_cmpint (evg_member_list_get_sort (list), ==, EVG_MEMBER_SORT_AGE);
  g_assert_false (evg_member_list_get_sort_descending (list));
  {
    g_autoptr(EvgMember) first = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_cmpstr (evg_member_get (first, EVG_MEMBER_NAME), ==, "李四");
  }
  gtk_column_view_sort_by_column (view, age, GTK_SORT_DESCENDING);
  spin ();
  g_assert_true (evg_member_list_get_sort_descending (list));
  {
    g_autoptr(EvgMember) first = g_list_model_get_item (G_LIST_MODEL (list), 0);

    g_assert_cmpstr (evg_member_get (first, EVG_MEMBER_NAME), ==, "王五");
  }
}

static gboolean
focus_is_inside (GtkWidget *widget,
                 GtkRoot   *root)
{
  GtkWidget *focus = gtk_root_get_focus (root);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

/* Enter in the search field selects the first member found. */
static void
test_roster_search_enter (Fixture       *f,
                          gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (child (f, "column_view"));
  GtkSingleSelection *selection;

  add_member (f, "张三", "110105198001010016", TRUE);
  add_member (f, "李四", "110105200001010024", FALSE);
  selection = GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)));
  gtk_editable_set_text (GTK_EDITABLE (child (f, "search_entry")), "lisi");
  g_signal_emit_by_name (child (f, "search_entry"), "activate");
  spin ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (evg_roster_page_get_list (f->page))), ==, 1);
  {
    EvgMember *member = gtk_single_selection_get_selected_item (selection);

    g_assert_nonnull (member);
    g_assert_cmpstr (evg_member_get (member, EVG_MEMBER_NAME), ==, "李四");
  }
}

/* Whether the focus comes to be inside @widget (or not), as the list
 * scrolls to its row in its own time. */
static gboolean
wait_focus_inside (GtkWidget *widget,
                   GtkRoot   *root,
                   gboolean   inside)
{
  gint64 until = g_get_monotonic_time () + 3 * G_USEC_PER_SEC;

  while (focus_is_inside (widget, root) != inside && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  return focus_is_inside (widget, root) == inside;
}

/* Tab leaves the member list in one step instead of walking its rows,
 * and Shift+Tab comes back into it at the selected row. */
static void
test_roster_tab_leaves_list (Fixture       *f,
                             gconstpointer  data)
{
  GtkWidget *view = GTK_WIDGET (child (f, "column_view"));
  GtkRoot *root = GTK_ROOT (f->window);

  add_member (f, "张三", "110105198001010016", TRUE);
  add_member (f, "李四", "110105200001010024", FALSE);
  add_member (f, "王五", "11010519491231002X", TRUE);
  gtk_selection_model_select_item (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)), 1, TRUE);
  spin ();
  g_assert_true (gtk_widget_child_focus (view, GTK_DIR_TAB_FORWARD));
  g_assert_true (focus_is_inside (view, root));

  gtk_widget_child_focus (GTK_WIDGET (f->window), GTK_DIR_TAB_FORWARD);
  g_assert_true (wait_focus_inside (view, root, FALSE));
  gtk_widget_child_focus (GTK_WIDGET (f->window), GTK_DIR_TAB_BACKWARD);
  g_assert_true (wait_focus_inside (view, root, TRUE));
  gtk_widget_child_focus (GTK_WIDGET (f->window), GTK_DIR_TAB_BACKWARD);
  g_assert_true (wait_focus_inside (view, root, FALSE));
}

/* Narrow, the details fold away: a row shows them alone, with a way
 * back; wide, they sit beside the list. */
static void
test_roster_narrow (Fixture       *f,
                    gconstpointer  data)
{
  AdwLeaflet *leaflet = ADW_LEAFLET (child (f, "leaflet"));
  GtkWidget *view = GTK_WIDGET (child (f, "column_view"));
  GtkWidget *back = GTK_WIDGET (child (f, "back_button"));
  gint64 until;

  add_member (f, "张三", "110105198001010016", TRUE);
  add_member (f, "李四", "110105200001010024", FALSE);
  spin ();
  g_assert_false (adw_leaflet_get_folded (leaflet));
  g_assert_false (gtk_widget_get_visible (back));

  /* Into a narrow window (without a window manager, a shown window keeps
   * its size). */
  {
    GtkWindow *narrow = GTK_WINDOW (gtk_window_new ());

    g_object_ref (f->page);
    gtk_window_set_child (f->window, NULL);
    gtk_window_destroy (f->window);
    f->window = narrow;
    gtk_window_set_default_size (narrow, 460, 700);
    gtk_window_set_child (narrow, GTK_WIDGET (f->page));
    g_object_unref (f->page);
    gtk_window_present (narrow);
  }
  until = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!adw_leaflet_get_folded (leaflet) && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (adw_leaflet_get_folded (leaflet));
  g_assert_true (gtk_widget_get_visible (back));
  g_assert_true (gtk_column_view_get_single_click_activate (GTK_COLUMN_VIEW (view)));

  g_signal_emit_by_name (view, "activate", 1);
  spin ();
  g_assert_true (adw_leaflet_get_visible_child (leaflet) == GTK_WIDGET (child (f, "detail_box")));
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (gtk_column_view_get_model (GTK_COLUMN_VIEW (view)))), ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "roster.back", NULL));
  spin ();
  g_assert_false (adw_leaflet_get_visible_child (leaflet) == GTK_WIDGET (child (f, "detail_box")));
}

static void
find_widgets (GtkWidget *widget,
              GType      type,
              GPtrArray *found)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (found, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    find_widgets (c, type, found);
}

static GtkWidget *
find_action_button (GtkWidget  *root,
                    const char *action)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  find_widgets (root, GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), action) == 0)
      return g_ptr_array_index (buttons, i);
  return NULL;
}

static AdwActionRow *
find_row (GtkWidget  *root,
          const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  find_widgets (root, ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), title) == 0)
      return g_ptr_array_index (rows, i);
  return NULL;
}

/* The member's actions come first in the detail pane, before the rows of
 * values; revealing the numbers keeps the pane where it was scrolled to;
 * after an edit is saved the member stays selected and shown. */
static void
test_roster_detail_pane (Fixture       *f,
                         gconstpointer  data)
{
  GtkWidget *detail = GTK_WIDGET (child (f, "detail"));
  GtkSelectionModel *selection = gtk_column_view_get_model (GTK_COLUMN_VIEW (child (f, "column_view")));
  EvgMemberList *list = evg_roster_page_get_list (f->page);
  g_autoptr(EvgMember) member = NULL;
  g_autofree char *id = NULL;
  GtkWidget *box, *edit, *reveal = NULL, *scrolled;
  AdwActionRow *id_row;
  GtkAdjustment *adjustment;
  EvgMemberEditor *editor;
  double value;
  int actions_at = -1, rows_at = -1, i = 0;

  add_member (f, "张三", "110105198001010016", TRUE);
  add_member (f, "李四", "110105198001010024", FALSE);
  gtk_window_set_default_size (f->window, 900, 360);
  gtk_selection_model_select_item (selection, 1, TRUE);
  spin ();
  member = g_object_ref (evg_member_detail_get_member (EVG_MEMBER_DETAIL (detail)));
  id = g_strdup (evg_member_get_id (member));
  g_assert_cmpstr (evg_member_get_name (member), ==, "张三");

  /* The box the pane scrolls: its children are the name, the category,
   * the actions, the rows. */
  scrolled = gtk_widget_get_first_child (detail);
  box = gtk_widget_get_first_child (gtk_widget_get_first_child (scrolled));
  if (GTK_IS_VIEWPORT (box))
    box = gtk_widget_get_first_child (box);
  edit = find_action_button (detail, "roster.edit");
  g_assert_nonnull (edit);
  g_assert_nonnull (find_action_button (detail, "roster.delete"));
  for (GtkWidget *c = gtk_widget_get_first_child (box); c != NULL; c = gtk_widget_get_next_sibling (c), i++)
    {
      if (actions_at < 0 && gtk_widget_is_ancestor (edit, c))
        actions_at = i;
      if (rows_at < 0 && GTK_IS_LIST_BOX (c))
        rows_at = i;
    }
  g_assert_cmpint (actions_at, >=, 0);
  g_assert_cmpint (actions_at, <, rows_at);
  g_assert_cmpint (actions_at, <=, 2);

  /* Values are the normal text, labels the small one. */
  id_row = find_row (detail, "ID Number");
  g_assert_nonnull (id_row);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (id_row), "property"));
  g_assert_cmpstr (adw_action_row_get_subtitle (id_row), !=, "110105198001010016");

  /* Scrolled down, revealing changes the values in place. */
  {
    g_autoptr(GPtrArray) toggles = g_ptr_array_new ();

    find_widgets (detail, GTK_TYPE_TOGGLE_BUTTON, toggles);
    g_assert_cmpuint (toggles->len, ==, 1);
    reveal = g_ptr_array_index (toggles, 0);
  }
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  for (gint64 end = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;
       gtk_adjustment_get_upper (adjustment) <= gtk_adjustment_get_page_size (adjustment) + 1 &&
       g_get_monotonic_time () < end;)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment) + 1);
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment));
  value = gtk_adjustment_get_value (adjustment);
  g_assert_cmpfloat (value, >, 0);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (reveal), TRUE);
  spin ();
  g_assert_true (find_row (detail, "ID Number") == id_row);
  g_assert_cmpstr (adw_action_row_get_subtitle (id_row), ==, "110105198001010016");
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), ==, value);

  /* Renamed so that the sort moves the row; it stays selected. */
  editor = evg_member_editor_new (evg_context_get_roster (f->context), member);
  evg_member_editor_set_text (editor, EVG_MEMBER_NAME, "阿三");
  g_assert_true (evg_member_editor_save (editor));
  spin ();
  g_clear_object (&member);
  member = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (selection));
  g_assert_nonnull (member);
  g_object_ref (member);
  g_assert_cmpstr (evg_member_get_id (member), ==, id);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (selection)), ==,
                    evg_member_list_find (list, id));
  g_assert_cmpstr (evg_member_get_name (evg_member_detail_get_member (EVG_MEMBER_DETAIL (detail))), ==, "阿三");
}

/* While the app's worker reads the roster, the page says it is loading:
 * "no members" must not flash before the members show. */
static void
test_roster_loading_state (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  EvgContext *context;
  EvgRosterPage *page;
  GtkWindow *window;

  evg_roster_set_background_load (TRUE);
  context = evg_context_new (evg_context_get_store (f->context), &error);
  evg_roster_set_background_load (FALSE);
  g_assert_no_error (error);

  window = GTK_WINDOW (gtk_window_new ());
  page = evg_roster_page_new (context);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  g_assert_true (evg_roster_get_loading (evg_context_get_roster (context)));
  g_assert_cmpstr (page_state (page), ==, "loading");

  while (evg_roster_get_loading (evg_context_get_roster (context)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (page_state (page), ==, "empty");

  gtk_window_destroy (window);
  spin ();
  g_assert_finalize_object (context);
}

int
main (int    argc,
      char **argv)
{
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display to test widgets on\n");
      return 0;
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/evg/ui/roster/add-find-pinyin", test_roster_add_and_find_by_pinyin);
  ADD ("/evg/ui/roster/delete", test_roster_delete_and_undo);
  ADD ("/evg/ui/roster/loading", test_roster_loading_state);
  ADD ("/evg/ui/roster/filters-visible", test_roster_filters_visible);
  ADD ("/evg/ui/roster/detail-pane", test_roster_detail_pane);
  ADD ("/evg/ui/roster/sort-by-column", test_roster_sort_by_column);
  ADD ("/evg/ui/roster/tab-leaves-list", test_roster_tab_leaves_list);
  ADD ("/evg/ui/roster/narrow", test_roster_narrow);
  ADD ("/evg/ui/roster/search-enter", test_roster_search_enter);
#undef ADD

  return g_test_run ();
}
