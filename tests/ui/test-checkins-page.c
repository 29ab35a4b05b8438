/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "evg-validate.h"
#include "evg-checkins-page.h"
#include "evg-context.h"
#include "evg-kiosk-window.h"
#include "evg-whistle-editor.h"
#include "../evg-test-util.h"

/* The 吹哨报到 page over a real store: a member found by pinyin is
 * checked in and out with Enter, a second time changes nothing, a code
 * that is no member says so, a closed whistle takes no check-in, the
 * editor refuses what is missing and saves the rest, and the hours view
 * lists every member from a worker. */

typedef struct
{
  char       *dir;
  EvgStore   *store;
  EvgContext *context;
  char       *whistle;
} Fixture;

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgRecord) whistle = evg_record_new (&evg_whistle_table, NULL);
  g_autofree char *now = evg_dup_now_minute ();
  g_autofree char *today = g_strndup (now, 10);
  g_autofree char *starts = g_strconcat (today, " 00:00", NULL);
  g_autofree char *ends = g_strconcat (today, " 23:59", NULL);

  f->dir = evg_test_make_dir ();
  f->store = evg_test_open_store (f->dir, "c.db");
  g_free (EVG_TEST_ROW (f->store, &evg_member_table, "name", "张三", "id_number", "110105198001010016"));
  g_free (EVG_TEST_ROW (f->store, &evg_member_table, "name", "李四"));
  g_free (EVG_TEST_ROW (f->store, &evg_member_table, "name", "张珊珊", "left_reason", "died",
                        "left_on", "2025-01-01"));
  f->context = evg_context_new (f->store, &error);
  g_assert_no_error (error);
  /* Today, all day: whatever the clock, the member is checked in and out
   * within it. */
  evg_record_set (whistle, EVG_WHISTLE_TITLE, "防汛值守");
  evg_record_set (whistle, EVG_WHISTLE_CATEGORY, "safety");
  evg_record_set (whistle, EVG_WHISTLE_STARTS_AT, starts);
  evg_record_set (whistle, EVG_WHISTLE_ENDS_AT, ends);
  f->whistle = evg_checkins_save_whistle (evg_context_get_checkins (f->context), whistle, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->context);
  g_clear_object (&f->store);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->whistle);
}

static EvgCheckinsPage *
show_page (GtkWidget **window,
           Fixture    *f)
{
  EvgCheckinsPage *page = g_object_new (EVG_TYPE_CHECKINS_PAGE, NULL);

  *window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (*window), 1200, 800);
  gtk_window_set_child (GTK_WINDOW (*window), GTK_WIDGET (page));
  evg_checkins_page_set_context (page, f->context);
  gtk_window_present (GTK_WINDOW (*window));
  spin ();
  return page;
}

static void
type_and_enter (EvgCheckinsPage *page,
                const char      *text)
{
  GtkWidget *entry = evg_checkins_page_get_checkin_entry (page);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  g_signal_emit_by_name (entry, "entry-activated");
  spin ();
}

static void
test_check_in_by_name (Fixture       *f,
                       gconstpointer  data)
{
  GtkWidget *window;
  EvgCheckinsPage *page = show_page (&window, f);
  GtkWidget *entry = evg_checkins_page_get_checkin_entry (page);

  g_assert_true (evg_checkins_page_select_whistle (page, f->whistle));
  spin ();
  g_assert_cmpstr (evg_checkins_page_get_selected (page), ==, f->whistle);
  g_assert_cmpuint (evg_checkins_page_get_n_checkins (page), ==, 0);

  /* Initials find 张三 and not 张珊珊, who died. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "zs");
  g_assert_cmpuint (evg_checkins_page_get_n_matches (page), ==, 1);

  type_and_enter (page, "zs");
  g_assert_nonnull (strstr (evg_checkins_page_get_status_text (page), "张三 checked in at"));
  g_assert_cmpuint (evg_checkins_page_get_n_checkins (page), ==, 1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");

  type_and_enter (page, "zhangsan");
  g_assert_nonnull (strstr (evg_checkins_page_get_status_text (page), "张三 checked out at"));
  type_and_enter (page, "zhangsan");
  g_assert_nonnull (strstr (evg_checkins_page_get_status_text (page), "nothing was changed"));
  g_assert_cmpuint (evg_checkins_page_get_n_checkins (page), ==, 1);

  /* An ID number that is nobody's. */
  type_and_enter (page, "110105199001010012");
  g_assert_nonnull (strstr (evg_checkins_page_get_status_text (page), "is not a member of this branch"));
  /* The initials of the member who died match nobody current. */
  type_and_enter (page, "zss");
  g_assert_nonnull (strstr (evg_checkins_page_get_status_text (page), "No current member matches"));

  /* By his ID number 张三 is found too: he is out already. */
  type_and_enter (page, "110105198001010016");
  g_assert_nonnull (strstr (evg_checkins_page_get_status_text (page), "nothing was changed"));

  /* Closed: the check-in field goes. */
  g_assert_true (evg_checkins_close_whistle (evg_context_get_checkins (f->context), f->whistle, "closed",
                                             NULL));
  spin ();
  g_assert_false (gtk_widget_is_visible (entry));
  g_assert_cmpuint (evg_checkins_page_get_n_checkins (page), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static void
on_saved (EvgWhistleEditor *editor,
          const char       *id,
          char            **saved)
{
  *saved = g_strdup (id);
}

static void
test_editor (Fixture       *f,
             gconstpointer  data)
{
  GtkWidget *window;
  EvgCheckinsPage *page = show_page (&window, f);
  EvgWhistleEditor *editor = evg_whistle_editor_new (evg_context_get_checkins (f->context), NULL);
  g_autofree char *saved = NULL;

  g_object_ref_sink (editor);
  g_signal_connect (editor, "saved", G_CALLBACK (on_saved), &saved);
  gtk_window_present (GTK_WINDOW (editor));
  spin ();

  /* No title: refused, and the editor stays. */
  g_assert_false (evg_whistle_editor_save (editor));
  g_assert_null (saved);
  evg_whistle_editor_set_text (editor, EVG_WHISTLE_TITLE, "义诊进社区");
  evg_whistle_editor_set_text (editor, EVG_WHISTLE_ENDS_AT, "2026-13-01 10:00");
  g_assert_false (evg_whistle_editor_save (editor));
  evg_whistle_editor_set_text (editor, EVG_WHISTLE_STARTS_AT, "2026-12-20 08:30");
  evg_whistle_editor_set_text (editor, EVG_WHISTLE_ENDS_AT, "2026-12-20 11:30");
  evg_whistle_editor_set_text (editor, EVG_WHISTLE_CATEGORY, "health");
  evg_whistle_editor_set_text (editor, EVG_WHISTLE_NEEDED, "3");
  g_assert_true (evg_whistle_editor_save (editor));
  g_assert_nonnull (saved);
  g_object_unref (editor);
  spin ();
  {
    EvgRecord *whistle = evg_checkins_lookup_whistle (evg_context_get_checkins (f->context), saved);

    g_assert_cmpstr (evg_record_get (whistle, EVG_WHISTLE_CATEGORY), ==, "health");
    g_assert_cmpstr (evg_record_get (whistle, EVG_WHISTLE_NEEDED), ==, "3");
    g_assert_cmpstr (evg_record_get (whistle, EVG_WHISTLE_STATUS), ==, "open");
  }
  g_assert_true (evg_checkins_page_select_whistle (page, saved));
  g_clear_pointer (&saved, g_free);

  /* Raised from the page (Ctrl+N): the new whistle is shown at once, and
   * a member can be checked in to it. */
  gtk_widget_activate_action (GTK_WIDGET (page), "checkins.add", NULL);
  spin ();
  {
    g_autoptr(GList) windows = gtk_window_list_toplevels ();

    editor = NULL;
    for (GList *l = windows; l != NULL; l = l->next)
      if (EVG_IS_WHISTLE_EDITOR (l->data))
        editor = l->data;
  }
  g_assert_nonnull (editor);
  evg_whistle_editor_set_text (editor, EVG_WHISTLE_TITLE, "巡逻");
  g_assert_true (evg_whistle_editor_save (editor));
  spin ();
  g_assert_nonnull (evg_checkins_page_get_selected (page));
  g_assert_cmpstr (evg_record_get (evg_checkins_lookup_whistle (evg_context_get_checkins (f->context),
                                                                evg_checkins_page_get_selected (page)),
                                   EVG_WHISTLE_TITLE), ==, "巡逻");
  type_and_enter (page, "zhangsan");
  g_assert_nonnull (strstr (evg_checkins_page_get_status_text (page), "张三 checked in at"));
  g_assert_cmpuint (evg_checkins_page_get_n_checkins (page), ==, 1);
  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

static void
test_hours (Fixture       *f,
            gconstpointer  data)
{
  GtkWidget *window;
  EvgCheckinsPage *page = show_page (&window, f);
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  evg_checkins_page_show_hours (page);
  while (evg_checkins_page_get_hours_loading (page) && g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (evg_checkins_page_get_hours_loading (page));
  /* The two current members; the one who died served no hours. */
  g_assert_cmpuint (evg_checkins_page_get_n_hours (page), ==, 2);
  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
  evg_test_wait_for_workers (evg_context_get_checkins (f->context));
}

static guint
count_toplevels (GType type)
{
  g_autoptr(GList) windows = gtk_window_list_toplevels ();
  guint n = 0;

  for (GList *l = windows; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      n++;
  return n;
}

static void
test_kiosk (Fixture       *f,
            gconstpointer  data)
{
  GtkWidget *window;
  EvgCheckinsPage *page = show_page (&window, f);
  g_autoptr(GList) windows = NULL;

  g_assert_true (evg_checkins_page_select_whistle (page, f->whistle));
  spin ();

  /* Without a PIN the kiosk is not opened: the user is asked to set one. */
  evg_kiosk_pin_clear ();
  gtk_widget_activate_action (GTK_WIDGET (page), "checkins.kiosk", NULL);
  spin ();
  g_assert_cmpuint (count_toplevels (EVG_TYPE_KIOSK_WINDOW), ==, 0);
  g_assert_cmpuint (count_toplevels (ADW_TYPE_MESSAGE_DIALOG), ==, 1);

  /* With one, it opens on the shown whistle. */
  g_assert_true (evg_kiosk_pin_set ("2468"));
  gtk_widget_activate_action (GTK_WIDGET (page), "checkins.kiosk", NULL);
  spin ();
  g_assert_cmpuint (count_toplevels (EVG_TYPE_KIOSK_WINDOW), ==, 1);
  windows = gtk_window_list_toplevels ();
  for (GList *l = windows; l != NULL; l = l->next)
    {
      if (EVG_IS_KIOSK_WINDOW (l->data))
        {
          g_assert_cmpstr (evg_kiosk_window_get_whistle_id (l->data), ==, f->whistle);
          gtk_window_destroy (l->data);
        }
      else if (ADW_IS_MESSAGE_DIALOG (l->data))
        gtk_window_destroy (l->data);
    }
  evg_kiosk_pin_clear ();
  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

/* A whistle raised for a resident's message leads back to it. */
static void
test_linked_message (Fixture       *f,
                     gconstpointer  data)
{
  GtkWidget *window;
  EvgCheckinsPage *page = show_page (&window, f);
  g_autoptr(EvgRecord) message = evg_record_new (&evg_feedback_table, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *message_id = NULL;
  g_autofree char *whistle_id = NULL;
  GtkWidget *button;
  GVariant *target;

  button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (page), EVG_TYPE_CHECKINS_PAGE, "message_button"));
  g_assert_true (evg_checkins_page_select_whistle (page, f->whistle));
  spin ();
  g_assert_false (gtk_widget_get_visible (button));

  evg_record_set (message, EVG_FEEDBACK_CHANNEL, "phone");
  evg_record_set (message, EVG_FEEDBACK_CONTENT, "小区门口积水，老人过不去");
  message_id = evg_inbox_add (evg_context_get_inbox (f->context), message, &error);
  g_assert_no_error (error);
  whistle_id = evg_context_raise_whistle_for (f->context, message_id, &error);
  g_assert_no_error (error);
  spin ();
  g_assert_true (evg_checkins_page_select_whistle (page, whistle_id));
  spin ();
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "win.show-message");
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button));
  g_assert_cmpstr (g_variant_get_string (target, NULL), ==, message_id);
  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/checkins-page/check-in-by-name", Fixture, NULL, fixture_set_up, test_check_in_by_name,
              fixture_tear_down);
  g_test_add ("/checkins-page/editor", Fixture, NULL, fixture_set_up, test_editor, fixture_tear_down);
  g_test_add ("/checkins-page/hours", Fixture, NULL, fixture_set_up, test_hours, fixture_tear_down);
  g_test_add ("/checkins-page/kiosk", Fixture, NULL, fixture_set_up, test_kiosk, fixture_tear_down);
  g_test_add ("/checkins-page/linked-message", Fixture, NULL, fixture_set_up, test_linked_message,
              fixture_tear_down);
  return g_test_run ();
}
