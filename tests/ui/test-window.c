/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "evg-application.h"
#include "evg-preferences-window.h"
#include "evg-window.h"
#include "../evg-test-util.h"
#include "evg-test-mnemonics.h"

/* One application per process: it exports itself on the session bus, and
 * a second registration under the same id would be refused. */
static EvgApplication *shared_app;

typedef struct
{
  char           *dir;
  EvgApplication *app;
  EvgContext     *context;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autofree char *path = NULL;

  f->dir = evg_test_make_dir ();
  path = g_build_filename (f->dir, "ui.db", NULL);
  store = evg_store_open (path, &error);
  g_assert_no_error (error);
  f->context = evg_context_new (store, &error);
  g_assert_no_error (error);

  f->app = shared_app;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->context);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
}

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static const char *
visible_name (GtkWidget  *window,
              const char *stack_name)
{
  GObject *stack = gtk_widget_get_template_child (window, EVG_TYPE_WINDOW, stack_name);

  g_assert_true (GTK_IS_STACK (stack));
  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

/* The page a slot of the window's stack holds, if it was made. */
static GtkWidget *
slot_page (EvgWindow  *window,
           const char *slot_name)
{
  GObject *slot = gtk_widget_get_template_child (GTK_WIDGET (window), EVG_TYPE_WINDOW, slot_name);

  g_assert_true (ADW_IS_BIN (slot));
  return adw_bin_get_child (ADW_BIN (slot));
}

static void
close_window (EvgWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static void
test_window_switches_pages (Fixture       *f,
                            gconstpointer  data)
{
  static const char *pages[] = { "roster", "calendar", "checkins", "inbox" };
  EvgWindow *window = evg_window_new (f->app, f->context, NULL);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_present (GTK_WINDOW (window));
  spin ();
  /* The check-ins and inbox pages are made when first shown, not with
   * the window (their widgets cost the start on the roster ~12 MiB). */
  g_assert_null (slot_page (window, "checkins_slot"));
  g_assert_null (slot_page (window, "inbox_slot"));

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *last = NULL;
      g_autofree char *action = g_strdup_printf ("win.show-%s", pages[i]);

      g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
      spin ();
      g_assert_cmpstr (evg_window_get_page (window), ==, pages[i]);
      evg_test_assert_unique_mnemonics (GTK_WIDGET (window));
      g_assert_cmpstr (visible_name (GTK_WIDGET (window), "stack"), ==, pages[i]);
      {
        /* Status pages get their icon when first shown, not when built. */
        GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), EVG_TYPE_WINDOW, "stack"));
        GtkWidget *child = gtk_stack_get_visible_child (stack);

        if (ADW_IS_STATUS_PAGE (child))
          g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (child)), ==,
                           gtk_stack_page_get_icon_name (gtk_stack_get_page (stack, child)));
      }
      last = g_settings_get_string (settings, "last-page");
      g_assert_cmpstr (last, ==, pages[i]);
    }

  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (slot_page (window, "checkins_slot"),
                                            g_type_from_name ("EvgCheckinsPage")));
  g_assert_true (G_TYPE_CHECK_INSTANCE_TYPE (slot_page (window, "inbox_slot"),
                                            g_type_from_name ("EvgInboxPage")));
  close_window (window);
  g_assert_null (window);

  /* A new window opens on the page the user left. */
  window = evg_window_new (f->app, f->context, NULL);
  g_assert_cmpstr (evg_window_get_page (window), ==, "inbox");
  close_window (window);
  g_settings_reset (settings, "last-page");
}

static gboolean
has_label (GtkWidget  *widget,
           const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, text))
      return TRUE;
  return FALSE;
}

static guint
count_shortcuts_without_keys (GtkWidget *widget)
{
  guint n = 0;

  if (GTK_IS_SHORTCUTS_SHORTCUT (widget))
    {
      g_autofree char *accelerator = NULL;

      g_object_get (widget, "accelerator", &accelerator, NULL);
      if (accelerator == NULL || *accelerator == '\0')
        n++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += count_shortcuts_without_keys (child);
  return n;
}

static void
test_window_shortcuts_on_demand (Fixture       *f,
                                 gconstpointer  data)
{
  EvgWindow *window = evg_window_new (f->app, f->context, NULL);
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *shortcuts = NULL;

  gtk_window_present (GTK_WINDOW (window));
  spin ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL));
  spin ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) toplevel = g_list_model_get_item (toplevels, i);

      if (GTK_IS_SHORTCUTS_WINDOW (toplevel))
        shortcuts = toplevel;
    }
  g_assert_nonnull (shortcuts);
  g_assert_true (gtk_window_get_transient_for (shortcuts) == GTK_WINDOW (window));
  /* Headed as the menu item says, and every shortcut shows its keys. */
  g_assert_true (has_label (GTK_WIDGET (shortcuts), "Keyboard Shortcuts"));
  g_assert_false (has_label (GTK_WIDGET (shortcuts), "Shortcuts"));
  g_assert_cmpuint (count_shortcuts_without_keys (GTK_WIDGET (shortcuts)), ==, 0);
  gtk_window_destroy (shortcuts);
  close_window (window);
}

static void
test_window_first_run_asks_for_branch (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  EvgWindow *window = evg_window_new (f->app, f->context, NULL);

  gtk_window_present (GTK_WINDOW (window));
  spin ();
  g_assert_cmpstr (visible_name (GTK_WIDGET (window), "roster_stack"), ==, "setup");
  {
    GtkStack *stack = GTK_STACK (gtk_widget_get_template_child (GTK_WIDGET (window), EVG_TYPE_WINDOW, "roster_stack"));

    g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (gtk_stack_get_visible_child (stack))), ==,
                     "org.evanguard.Workstation-symbolic");
  }

  g_assert_true (evg_context_set_branch (f->context, "  幸福社区第一党支部 ", "XF-001", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (visible_name (GTK_WIDGET (window), "roster_stack"), !=, "setup");
  {
    g_autofree char *name = evg_context_dup_branch_name (f->context);
    g_assert_cmpstr (name, ==, "幸福社区第一党支部");
  }
  close_window (window);
}

static void
test_window_shows_open_error (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = g_error_new_literal (EVG_STORE_ERROR, EVG_STORE_ERROR_CORRUPT,
                                                 "The database is damaged.");
  EvgWindow *window = evg_window_new (f->app, NULL, error);
  GObject *page;

  gtk_window_present (GTK_WINDOW (window));
  spin ();
  g_assert_cmpstr (visible_name (GTK_WIDGET (window), "main_stack"), ==, "error");
  page = gtk_widget_get_template_child (GTK_WIDGET (window), EVG_TYPE_WINDOW, "error_page");
  g_assert_cmpstr (adw_status_page_get_description (ADW_STATUS_PAGE (page)), ==, "The database is damaged.");
  g_assert_cmpstr (adw_status_page_get_icon_name (ADW_STATUS_PAGE (page)), ==, "dialog-error-symbolic");
  close_window (window);
}

static GtkWidget *
find_by_type (GtkWidget *widget,
              GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Tabbing through the sidebar leaves it in one step and switches no page
 * on its way. */
static void
test_window_sidebar_tab (Fixture       *f,
                         gconstpointer  data)
{
  EvgWindow *window = evg_window_new (f->app, f->context, NULL);
  GtkWidget *sidebar = find_by_type (GTK_WIDGET (window), GTK_TYPE_STACK_SIDEBAR);
  GtkRoot *root = GTK_ROOT (window);
  const char *page;
  GtkWidget *focus;

  gtk_window_present (GTK_WINDOW (window));
  spin ();
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-calendar", NULL));
  spin ();
  page = evg_window_get_page (window);
  g_assert_true (gtk_widget_child_focus (sidebar, GTK_DIR_TAB_FORWARD));
  spin ();
  focus = gtk_root_get_focus (root);
  g_assert_true (focus != NULL && gtk_widget_is_ancestor (focus, sidebar));
  gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
  spin ();
  focus = gtk_root_get_focus (root);
  g_assert_false (focus != NULL && gtk_widget_is_ancestor (focus, sidebar));
  g_assert_cmpstr (evg_window_get_page (window), ==, page);
  close_window (window);
}

static GObject *
prefs_child (EvgPreferencesWindow *prefs,
             const char           *name)
{
  return gtk_widget_get_template_child (GTK_WIDGET (prefs), EVG_TYPE_PREFERENCES_WINDOW, name);
}

/* The branch is saved as it is typed; nothing is marked until the user
 * types; a value that cannot be saved is explained, and closing with it
 * asks before the typing is thrown away. */
static void
test_preferences_validate_and_save (Fixture       *f,
                                    gconstpointer  data)
{
  EvgPreferencesWindow *prefs = evg_preferences_window_new (f->context);
  GtkEditable *name_row = GTK_EDITABLE (prefs_child (prefs, "branch_name_row"));
  GtkEditable *code_row = GTK_EDITABLE (prefs_child (prefs, "branch_code_row"));
  GtkLabel *error_label = GTK_LABEL (prefs_child (prefs, "branch_error_label"));

  gtk_window_present (GTK_WINDOW (prefs));
  spin ();

  /* Nothing typed yet: no error shouted. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (code_row), "error"));

  gtk_editable_set_text (name_row, "幸福社区第一党支部");
  gtk_editable_set_text (code_row, "XF 001");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_label (error_label), "“-”"));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (code_row), "error"));
  {
    g_autofree char *code = evg_context_dup_branch_code (f->context);
    g_assert_null (code);
  }

  gtk_editable_set_text (code_row, "XF-001");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (error_label)));
  {
    g_autofree char *name = evg_context_dup_branch_name (f->context);
    g_autofree char *code = evg_context_dup_branch_code (f->context);
    g_assert_cmpstr (name, ==, "幸福社区第一党支部");
    g_assert_cmpstr (code, ==, "XF-001");
  }

  /* An invalid code at closing: asked, not lost; discarding keeps the
   * saved one. */
  gtk_editable_set_text (code_row, "XF 002");
  gtk_window_close (GTK_WINDOW (prefs));
  spin ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (prefs)));
  {
    GtkWidget *dialog = NULL;
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
      {
        g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (window))
          dialog = GTK_WIDGET (window);
      }
    g_assert_nonnull (dialog);
    g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "“-”"));
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "discard");
    spin ();
  }
  {
    g_autofree char *code = evg_context_dup_branch_code (f->context);
    g_assert_cmpstr (code, ==, "XF-001");
  }
  spin ();
}

/* Stopping sync asks first and says the token is forgotten; an address
 * typed without its scheme is the https:// one. */
static void
test_preferences_stop_sync (Fixture       *f,
                            gconstpointer  data)
{
  EvgSyncClient *client = evg_context_get_sync_client (f->context);
  EvgPreferencesWindow *prefs;
  g_autoptr(GError) error = NULL;
  GtkEditable *url_row, *token_row;
  GtkWidget *dialog = NULL;

  /* A port nothing listens on: the window's question about the public
   * page is answered at once. */
  g_assert_true (evg_sync_client_configure (client, "https://127.0.0.1:9", "evg_token", &error));
  g_assert_no_error (error);
  prefs = evg_preferences_window_new (f->context);
  url_row = GTK_EDITABLE (prefs_child (prefs, "server_url_row"));
  token_row = GTK_EDITABLE (prefs_child (prefs, "token_row"));
  gtk_window_present (GTK_WINDOW (prefs));
  spin ();

  g_signal_emit_by_name (prefs_child (prefs, "forget_button"), "clicked");
  spin ();
  {
    GListModel *toplevels = gtk_window_get_toplevels ();

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && dialog == NULL; i++)
      {
        g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (window))
          dialog = GTK_WIDGET (window);
      }
  }
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "token"));
  /* Not yet: still syncing. */
  g_assert_true (evg_sync_client_get_configured (client));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "stop");
  spin ();
  g_assert_false (evg_sync_client_get_configured (client));

  gtk_editable_set_text (url_row, "127.0.0.1:9");
  gtk_editable_set_text (token_row, "evg_token");
  g_signal_emit_by_name (prefs_child (prefs, "sync_save_button"), "clicked");
  g_assert_cmpstr (gtk_editable_get_text (url_row), ==, "https://127.0.0.1:9");
  g_assert_cmpstr (evg_sync_client_get_server_url (client), ==, "https://127.0.0.1:9");
  /* The public page's switch asks the server, which is not there: it is
   * told in a toast, and the switch can be tried again. */
  {
    GtkWidget *row = GTK_WIDGET (prefs_child (prefs, "public_page_row"));
    gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

    while (!gtk_widget_get_sensitive (row) && g_get_monotonic_time () < until)
      g_main_context_iteration (NULL, FALSE);
    g_assert_true (gtk_widget_get_sensitive (row));
  }

  gtk_window_destroy (GTK_WINDOW (prefs));
  spin ();
}

/* The 同步 page takes no address that would send the token in clear, and
 * says at once why a stored one no longer syncs. */
static void
test_preferences_sync_in_clear (Fixture       *f,
                                gconstpointer  data)
{
  EvgStore *store = evg_context_get_store (f->context);
  EvgSyncClient *client = evg_context_get_sync_client (f->context);
  g_autoptr(GError) error = NULL;
  EvgPreferencesWindow *prefs;
  GtkEditable *url_row, *token_row;
  GtkLabel *result;
  g_autofree char *stored = NULL;
  gint64 deadline;

  /* As an older version stored it. */
  g_assert_true (evg_store_set_meta (store, "sync_url", "http://sync.example.org:8443", &error));
  evg_sync_client_refresh (client);

  prefs = evg_preferences_window_new (f->context);
  url_row = GTK_EDITABLE (prefs_child (prefs, "server_url_row"));
  token_row = GTK_EDITABLE (prefs_child (prefs, "token_row"));
  result = GTK_LABEL (prefs_child (prefs, "sync_result_label"));
  gtk_window_present (GTK_WINDOW (prefs));
  spin ();

  g_assert_cmpstr (gtk_editable_get_text (url_row), ==, "http://sync.example.org:8443");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (url_row), "error"));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (result)));
  g_assert_nonnull (strstr (gtk_label_get_label (result), "https://"));

  /* Save refuses it and keeps nothing. */
  gtk_editable_set_text (url_row, "http://192.0.2.2:8443");
  gtk_editable_set_text (token_row, "evg_token");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (url_row), "error"));
  g_signal_emit_by_name (prefs_child (prefs, "sync_save_button"), "clicked");
  g_assert_nonnull (strstr (gtk_label_get_label (result), "https://"));
  stored = evg_store_get_meta (store, "sync_url");
  g_assert_cmpstr (stored, ==, "http://sync.example.org:8443");

  /* Test says the same, without a connection. */
  gtk_editable_set_text (token_row, "evg_token2");
  g_assert_null (strstr (gtk_label_get_label (result), "https://"));
  g_signal_emit_by_name (prefs_child (prefs, "test_button"), "clicked");
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (strstr (gtk_label_get_label (result), "https://") == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (strstr (gtk_label_get_label (result), "192.0.2.2"));
  g_assert_nonnull (strstr (gtk_label_get_label (result), "https://"));

  /* Addresses the client takes are not marked. */
  gtk_editable_set_text (url_row, "https://sync.example.org:8443");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (url_row), "error"));
  gtk_editable_set_text (url_row, "http://127.0.0.1:8443");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (url_row), "error"));
  gtk_editable_set_text (url_row, "http://localhost:8443");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (url_row), "error"));

  gtk_window_destroy (GTK_WINDOW (prefs));
  spin ();
}

int
main (int    argc,
      char **argv)
{
  /* The Flatpak SDK runs the tests without a display server. */
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display to test widgets on\n");
      return 0;
    }

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  {
    g_autoptr(GError) error = NULL;

    shared_app = evg_application_new ();
    g_application_set_flags (G_APPLICATION (shared_app), G_APPLICATION_NON_UNIQUE);
    g_application_register (G_APPLICATION (shared_app), NULL, &error);
    g_assert_no_error (error);
  }

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/evg/ui/window/pages", test_window_switches_pages);
  ADD ("/evg/ui/window/first-run", test_window_first_run_asks_for_branch);
  ADD ("/evg/ui/window/shortcuts", test_window_shortcuts_on_demand);
  ADD ("/evg/ui/window/open-error", test_window_shows_open_error);
  ADD ("/evg/ui/window/sidebar-tab", test_window_sidebar_tab);
  ADD ("/evg/ui/preferences/branch", test_preferences_validate_and_save);
  ADD ("/evg/ui/preferences/stop-sync", test_preferences_stop_sync);
  ADD ("/evg/ui/preferences/sync-in-clear", test_preferences_sync_in_clear);
#undef ADD

  {
    int status = g_test_run ();

    g_clear_object (&shared_app);
    return status;
  }
}
