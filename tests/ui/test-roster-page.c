/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "evg-cell-text.h"
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
#undef ADD

  return g_test_run ();
}
