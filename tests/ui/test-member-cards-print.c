/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "evg-context.h"
#include "evg-member-cards-print.h"
#include "evg-roster-page.h"
#include "evg-test-print.h"
#include "../evg-test-members.h"
#include "../evg-test-util.h"

/* The print dialog's member cards are the CLI's: GTK's print operation,
 * saving to a file as "Print to File" does, gives the same text on the
 * same pages as evg_pages_write_pdf() (see evg_test_print_as_saved()).
 * And the roster's menu offers them, for the party group its filter
 * shows. */

static void
test_same_pages (void)
{
  g_autofree char *dir = evg_test_make_dir ();
  g_autofree char *text = NULL, *group = NULL;
  g_autoptr(GError) error = NULL;
  EvgStore *store;
  EvgRoster *roster;
  EvgMemberCards *cards;

  if (!evg_test_have_pdftotext ())
    {
      evg_test_remove_dir (dir);
      return;
    }

  store = evg_test_open_store (dir, "m.db");
  g_assert_true (evg_store_set_meta (store, "branch_name", "幸福社区第一党支部", NULL));
  roster = evg_roster_new (store, &error);
  g_assert_no_error (error);
  group = evg_roster_add_party_group (roster, "第一党小组", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 13; i++)
    {
      g_autofree char *name = g_strdup_printf ("党员%02u", i);

      g_free (evg_test_add_member (roster, name, 10 + i, group));
    }

  cards = evg_member_cards_new (roster, NULL, &error);
  g_assert_no_error (error);
  text = evg_test_print_as_saved (EVG_PAGES (cards), dir);
  g_assert_cmpuint (evg_member_cards_get_n_pages (cards), ==, 2);
  g_assert_nonnull (strstr (text, "党员12"));

  g_assert_finalize_object (cards);
  g_assert_finalize_object (roster);
  g_assert_finalize_object (store);
  evg_test_remove_dir (dir);
}

/* Whether a menu button under @widget offers @action. */
static gboolean
menu_offers (GtkWidget  *widget,
             const char *action)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)) != NULL)
    {
      GMenuModel *menu = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget));

      for (int s = 0; s < g_menu_model_get_n_items (menu); s++)
        {
          g_autoptr(GMenuModel) section = g_menu_model_get_item_link (menu, s, G_MENU_LINK_SECTION);

          for (int i = 0; section != NULL && i < g_menu_model_get_n_items (section); i++)
            {
              g_autofree char *name = NULL;

              if (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &name) &&
                  g_str_equal (name, action))
                return TRUE;
            }
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (menu_offers (child, action))
      return TRUE;
  return FALSE;
}

/* The message dialog showing, or NULL. */
static AdwMessageDialog *
find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

/* The roster's menu prints the cards of the members the group filter
 * shows; a group without a current member is told, not printed. */
static void
test_roster_action (void)
{
  g_autofree char *dir = evg_test_make_dir ();
  g_autofree char *one = NULL, *two = NULL;
  g_autoptr(GError) error = NULL;
  EvgStore *store = evg_test_open_store (dir, "m.db");
  EvgContext *context = evg_context_new (store, &error);
  EvgRoster *roster;
  GtkWindow *window;
  EvgRosterPage *page;
  AdwMessageDialog *dialog;
  guint dialogs_seen = 0;

  g_assert_no_error (error);
  roster = evg_context_get_roster (context);
  one = evg_roster_add_party_group (roster, "第一党小组", &error);
  g_assert_no_error (error);
  two = evg_roster_add_party_group (roster, "第二党小组", &error);
  g_assert_no_error (error);
  g_free (evg_test_add_member (roster, "张三", 11, one));

  window = GTK_WINDOW (gtk_window_new ());
  page = evg_roster_page_new (context);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  g_assert_true (menu_offers (GTK_WIDGET (page), "roster.print-cards"));

  /* The print dialog opens, and cancelling it prints nothing. */
  g_timeout_add (200, evg_test_cancel_print_dialog, &dialogs_seen);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "roster.print-cards", NULL));
  g_assert_cmpuint (dialogs_seen, ==, 1);
  g_assert_null (find_message_dialog ());

  evg_member_list_set_party_group (evg_roster_page_get_list (page), two);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "roster.print-cards", NULL));
  dialog = find_message_dialog ();
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "第二党小组"));
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpuint (dialogs_seen, ==, 1);

  gtk_window_destroy (window);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (context);
  g_assert_finalize_object (store);
  evg_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/evg/members/cards-print/same-pages", test_same_pages);
  g_test_add_func ("/evg/members/cards-print/roster-action", test_roster_action);

  return g_test_run ();
}
