/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <adwaita.h>
#include <sqlite3.h>
#include <string.h>

#include "evg-context.h"
#include "evg-kiosk-window.h"
#include "evg-member.h"
#include "evg-party-group.h"
#include "evg-preferences-window.h"
#include "../evg-test-util.h"

/* The check-in kiosk over a real store: a few letters list the members,
 * Enter checks one in, then out, then says it was done; a scanned card
 * or ID number checks in at once; a stranger, a member who left, a closed
 * whistle and a database that fails mid-write are told apart in words
 * and nothing is half-written; and leaving takes the PIN. */

#define ID_ZHANG "110105199003071239"

typedef struct
{
  char       *dir;
  EvgStore   *store;
  EvgContext *context;
  char       *zhang;
  char       *zhang_wei;
  char       *li;
  char       *wang;     /* left the branch */
  char       *whistle;
  char       *closed;
} Fixture;

static void
spin (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* A time @hours from now, as the service writes them. */
static char *
time_from_now (int hours)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) then = g_date_time_add_hours (now, hours);

  return g_date_time_format (then, "%Y-%m-%d %H:%M");
}

static char *
add_whistle (Fixture    *f,
             const char *title)
{
  g_autoptr(EvgRecord) whistle = evg_record_new (&evg_whistle_table, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *starts = time_from_now (-2);
  g_autofree char *ends = time_from_now (6);
  char *id;

  evg_record_set (whistle, EVG_WHISTLE_TITLE, title);
  evg_record_set (whistle, EVG_WHISTLE_CATEGORY, "safety");
  evg_record_set (whistle, EVG_WHISTLE_PLACE, "幸福里社区");
  evg_record_set (whistle, EVG_WHISTLE_STARTS_AT, starts);
  evg_record_set (whistle, EVG_WHISTLE_ENDS_AT, ends);
  id = evg_checkins_save_whistle (evg_context_get_checkins (f->context), whistle, &error);
  g_assert_no_error (error);
  return id;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *group = NULL;

  f->dir = evg_test_make_dir ();
  f->store = evg_test_open_store (f->dir, "k.db");
  group = EVG_TEST_ROW (f->store, &evg_party_group_table, "name", "第一党小组", "sort_order", "1");
  f->zhang = EVG_TEST_ROW (f->store, &evg_member_table, "name", "张三", "id_number", ID_ZHANG,
                           "party_group_id", group);
  f->zhang_wei = EVG_TEST_ROW (f->store, &evg_member_table, "name", "张伟", "party_group_id", group);
  f->li = EVG_TEST_ROW (f->store, &evg_member_table, "name", "李四");
  f->wang = EVG_TEST_ROW (f->store, &evg_member_table, "name", "王五", "left_reason", "transferred",
                          "left_on", "2026-02-01");
  f->context = evg_context_new (f->store, &error);
  g_assert_no_error (error);
  f->whistle = add_whistle (f, "防汛值守");
  f->closed = add_whistle (f, "清理楼道");
  g_assert_true (evg_checkins_close_whistle (evg_context_get_checkins (f->context), f->closed,
                                             "closed", &error));
  g_assert_no_error (error);
  evg_kiosk_pin_clear ();
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  evg_kiosk_pin_clear ();
  g_free (f->zhang);
  g_free (f->zhang_wei);
  g_free (f->li);
  g_free (f->wang);
  g_free (f->whistle);
  g_free (f->closed);
  g_assert_finalize_object (f->context);
  g_assert_finalize_object (f->store);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
}

/* The n-th widget of @type under @widget, depth first. */
static GtkWidget *
find_nth_widget (GtkWidget *widget,
                 GType      type,
                 guint     *n)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) && (*n)-- == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_nth_widget (child, type, n);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_widget (GtkWidget *widget,
             GType      type)
{
  guint n = 0;

  return find_nth_widget (widget, type, &n);
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, n) != NULL)
    n++;
  return n;
}

static EvgKioskWindow *
open_kiosk (Fixture    *f,
            const char *whistle_id)
{
  EvgKioskWindow *kiosk = evg_kiosk_window_new (NULL, f->context, whistle_id);

  /* The test holds its own reference, to check that nothing else does
   * once the window is gone. */
  g_object_ref (kiosk);
  gtk_window_present (GTK_WINDOW (kiosk));
  spin ();
  return kiosk;
}

static void
close_kiosk (EvgKioskWindow *kiosk)
{
  gtk_window_destroy (GTK_WINDOW (kiosk));
  spin ();
  g_assert_finalize_object (kiosk);
}

/* Types @text as a keyboard or a scanner would, then presses Enter. */
static void
enter (EvgKioskWindow *kiosk,
       const char     *text)
{
  GtkWidget *entry = find_widget (GTK_WIDGET (kiosk), GTK_TYPE_ENTRY);

  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  spin ();
  g_signal_emit_by_name (entry, "activate");
  spin ();
}

static gboolean
message_has (EvgKioskWindow *kiosk,
             const char     *text)
{
  const char *message = evg_kiosk_window_get_message (kiosk);

  if (message == NULL || strstr (message, text) == NULL)
    {
      g_test_message ("message: %s; expected: %s", message, text);
      return FALSE;
    }
  return TRUE;
}

static guint
count_checkins (Fixture    *f,
                const char *whistle_id)
{
  return evg_checkins_count_reported (evg_context_get_checkins (f->context), whistle_id);
}

static void
test_search_and_check_in (Fixture       *f,
                          gconstpointer  data)
{
  EvgKioskWindow *kiosk = open_kiosk (f, f->whistle);
  GtkWidget *entry = find_widget (GTK_WIDGET (kiosk), GTK_TYPE_ENTRY);
  GtkListBox *list = GTK_LIST_BOX (find_widget (GTK_WIDGET (kiosk), GTK_TYPE_LIST_BOX));
  const char *title;

  g_assert_nonnull (entry);
  title = gtk_window_get_title (GTK_WINDOW (kiosk));
  g_assert_nonnull (strstr (title, "防汛值守"));
  g_assert_null (evg_kiosk_window_get_message (kiosk));

  /* Two members are 张; the one who left is never listed. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "张");
  spin ();
  g_assert_cmpuint (count_rows (list), ==, 2);
  gtk_editable_set_text (GTK_EDITABLE (entry), "王");
  spin ();
  g_assert_cmpuint (count_rows (list), ==, 0);
  /* One letter would list too many in a large branch. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "z");
  spin ();
  g_assert_cmpuint (count_rows (list), ==, 0);
  gtk_editable_set_text (GTK_EDITABLE (entry), "zw");
  spin ();
  g_assert_cmpuint (count_rows (list), ==, 1);

  /* Enter with two names listed could pick the wrong one: nothing
   * happens until the member taps theirs. */
  enter (kiosk, "张");
  g_assert_null (evg_kiosk_window_get_message (kiosk));
  g_assert_cmpuint (count_checkins (f, f->whistle), ==, 0);

  /* Pinyin initials find one member; Enter checks them in. */
  enter (kiosk, "zs");
  g_assert_true (message_has (kiosk, "张三"));
  g_assert_true (message_has (kiosk, "checked in at"));
  g_assert_true (message_has (kiosk, "/ 50 hours"));
  g_assert_false (evg_kiosk_window_get_message_is_error (kiosk));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_cmpuint (count_checkins (f, f->whistle), ==, 1);

  /* The next person starts typing: the confirmation goes. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "张");
  spin ();
  g_assert_null (evg_kiosk_window_get_message (kiosk));

  /* A tap on a row: the second time is the check-out. */
  for (guint i = 0; i < count_rows (list); i++)
    {
      GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, i);
      const char *label = gtk_label_get_label (GTK_LABEL (find_widget (GTK_WIDGET (row), GTK_TYPE_LABEL)));

      if (g_str_equal (label, "张三"))
        {
          gtk_widget_activate (GTK_WIDGET (row));
          break;
        }
    }
  spin ();
  g_assert_true (message_has (kiosk, "张三"));
  g_assert_true (message_has (kiosk, "checked out"));
  g_assert_true (message_has (kiosk, "hours of service this time"));

  /* A third time changes nothing and says so. */
  enter (kiosk, "zs");
  g_assert_true (message_has (kiosk, "already checked out"));
  g_assert_false (evg_kiosk_window_get_message_is_error (kiosk));

  /* The arrow keys choose among several; Enter takes the choice. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "张");
  spin ();
  gtk_list_box_select_row (list, gtk_list_box_get_row_at_index (list, 0));
  {
    GtkEventController *keys = NULL;
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (entry);
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers) && keys == NULL; i++)
      {
        g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller) &&
            g_signal_has_handler_pending (controller, g_signal_lookup ("key-pressed", GTK_TYPE_EVENT_CONTROLLER_KEY),
                                          0, FALSE))
          keys = controller;
      }
    g_assert_nonnull (keys);
    g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Down, 0, 0, &handled);
    g_assert_true (handled);
  }
  g_signal_emit_by_name (entry, "activate");
  spin ();
  g_assert_nonnull (evg_kiosk_window_get_message (kiosk));
  g_assert_cmpuint (count_checkins (f, f->whistle), ==, 2);

  close_kiosk (kiosk);
}

static void
test_scanned_codes (Fixture       *f,
                    gconstpointer  data)
{
  EvgKioskWindow *kiosk = open_kiosk (f, f->whistle);

  /* The card holds the member's id; a scanner types it and Enter. */
  enter (kiosk, f->li);
  g_assert_true (message_has (kiosk, "李四"));
  g_assert_true (message_has (kiosk, "checked in at"));
  g_assert_cmpuint (count_checkins (f, f->whistle), ==, 1);

  /* An ID card's number works as well. */
  enter (kiosk, ID_ZHANG);
  g_assert_true (message_has (kiosk, "张三"));
  g_assert_true (message_has (kiosk, "checked in at"));

  /* A card nobody in the branch has. */
  enter (kiosk, "0f8fad5b-d9cb-469f-a165-70867728950e");
  g_assert_true (evg_kiosk_window_get_message_is_error (kiosk));
  g_assert_true (message_has (kiosk, "Please ask the staff for help."));

  /* The card of a member who left the branch. */
  enter (kiosk, f->wang);
  g_assert_true (evg_kiosk_window_get_message_is_error (kiosk));
  g_assert_true (message_has (kiosk, "王五"));
  g_assert_cmpuint (count_checkins (f, f->whistle), ==, 2);

  close_kiosk (kiosk);
}

static void
test_closed_whistle (Fixture       *f,
                     gconstpointer  data)
{
  EvgKioskWindow *kiosk = open_kiosk (f, f->closed);

  enter (kiosk, "zs");
  g_assert_true (evg_kiosk_window_get_message_is_error (kiosk));
  g_assert_true (message_has (kiosk, "清理楼道"));
  g_assert_true (message_has (kiosk, "Please ask the staff for help."));
  g_assert_cmpuint (count_checkins (f, f->closed), ==, 0);

  close_kiosk (kiosk);
}

/* Runs @sql on a connection of the test's own to the kiosk's database. */
static void
run_sql (Fixture    *f,
         const char *sql)
{
  g_autofree char *path = g_build_filename (f->dir, "k.db", NULL);
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static guint
count_rows_in_db (Fixture    *f,
                  const char *sql)
{
  g_autofree char *path = g_build_filename (f->dir, "k.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  guint n;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static void
test_database_failure (Fixture       *f,
                       gconstpointer  data)
{
  EvgKioskWindow *kiosk = open_kiosk (f, f->whistle);
  guint outbox_before = count_rows_in_db (f, "SELECT count(*) FROM outbox");

  /* The disk fails after the check-in row is written and before its
   * outbox entry is: the whole check-in must go. */
  run_sql (f, "CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox WHEN NEW.tbl = 'checkin' "
              "BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END");
  enter (kiosk, "zs");
  g_assert_true (evg_kiosk_window_get_message_is_error (kiosk));
  g_assert_true (message_has (kiosk, "nothing was recorded"));
  g_assert_true (message_has (kiosk, "Please ask the staff for help."));
  g_assert_cmpuint (count_rows_in_db (f, "SELECT count(*) FROM checkin"), ==, 0);
  g_assert_cmpuint (count_rows_in_db (f, "SELECT count(*) FROM outbox"), ==, outbox_before);
  g_assert_cmpuint (count_checkins (f, f->whistle), ==, 0);

  /* Once the disk is back, the same member checks in. */
  run_sql (f, "DROP TRIGGER fail_outbox");
  enter (kiosk, "zs");
  g_assert_false (evg_kiosk_window_get_message_is_error (kiosk));
  g_assert_true (message_has (kiosk, "checked in at"));
  g_assert_cmpuint (count_rows_in_db (f, "SELECT count(*) FROM checkin"), ==, 1);

  close_kiosk (kiosk);
}

static void
test_database_locked (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "k.db", NULL);
  EvgKioskWindow *kiosk = open_kiosk (f, f->whistle);
  sqlite3 *db = NULL;

  /* Another program (a backup, a second copy of the app) holds the
   * database: after the store's wait, the kiosk says it saved nothing. */
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN EXCLUSIVE", NULL, NULL, NULL), ==, SQLITE_OK);
  enter (kiosk, "zs");
  g_assert_true (evg_kiosk_window_get_message_is_error (kiosk));
  g_assert_true (message_has (kiosk, "nothing was recorded"));
  g_assert_cmpint (sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpuint (count_rows_in_db (f, "SELECT count(*) FROM checkin"), ==, 0);

  close_kiosk (kiosk);
}

static void
test_pin (Fixture       *f,
          gconstpointer  data)
{
  EvgKioskWindow *kiosk;
  GtkWidget *pin_entry;
  GWeakRef ref;
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *stored = NULL;

  /* The PIN is kept salted and hashed, never as typed. */
  g_assert_false (evg_kiosk_pin_is_set ());
  g_assert_false (evg_kiosk_pin_set ("12a4"));
  g_assert_false (evg_kiosk_pin_set ("123"));
  g_assert_false (evg_kiosk_pin_set ("123456789"));
  g_assert_false (evg_kiosk_pin_is_set ());
  g_assert_true (evg_kiosk_pin_set ("2468"));
  g_assert_true (evg_kiosk_pin_is_set ());
  stored = g_settings_get_string (settings, "kiosk-pin");
  g_assert_null (strstr (stored, "2468"));
  g_assert_cmpuint (strlen (stored), ==, 32 + 1 + 64);
  g_assert_true (evg_kiosk_pin_check ("2468"));
  g_assert_false (evg_kiosk_pin_check ("2469"));
  g_assert_false (evg_kiosk_pin_check (""));

  kiosk = open_kiosk (f, f->whistle);
  g_weak_ref_init (&ref, kiosk);
  pin_entry = find_widget (GTK_WIDGET (kiosk), GTK_TYPE_PASSWORD_ENTRY);

  /* Alt+F4 or the window manager's close: refused, the PIN is asked. */
  gtk_window_close (GTK_WINDOW (kiosk));
  spin ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (kiosk)));
  g_assert_true (gtk_widget_get_mapped (pin_entry));

  /* A wrong PIN: still there. */
  gtk_editable_set_text (GTK_EDITABLE (pin_entry), "1111");
  gtk_widget_activate_action (GTK_WIDGET (kiosk), "kiosk.unlock", NULL);
  spin ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (kiosk)));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (pin_entry)), ==, "");

  /* Back to the kiosk; then Exit and the right PIN close it. */
  gtk_widget_activate_action (GTK_WIDGET (kiosk), "kiosk.stay", NULL);
  spin ();
  g_assert_false (gtk_widget_get_mapped (pin_entry));
  gtk_widget_activate_action (GTK_WIDGET (kiosk), "kiosk.leave", NULL);
  spin ();
  g_assert_true (gtk_widget_get_mapped (pin_entry));
  gtk_editable_set_text (GTK_EDITABLE (pin_entry), "2468");
  gtk_widget_activate_action (GTK_WIDGET (kiosk), "kiosk.unlock", NULL);
  spin ();
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (kiosk)));
  g_object_unref (kiosk);
  spin ();
  g_assert_null (g_weak_ref_get (&ref));
  g_weak_ref_clear (&ref);

  evg_kiosk_pin_clear ();
  g_assert_false (evg_kiosk_pin_is_set ());
}

static GtkWidget *
find_button (GtkWidget  *widget,
             const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child, label);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_preferences (Fixture       *f,
                  gconstpointer  data)
{
  EvgCheckins *checkins = evg_context_get_checkins (f->context);
  EvgPreferencesWindow *window = evg_preferences_window_new (f->context);
  GtkSpinButton *spin_button;
  GtkWidget *pin;
  GtkWidget *again;
  guint n;

  gtk_window_present (GTK_WINDOW (window));
  spin ();

  /* The target shows the stored one and applies as it changes. */
  n = 0;
  spin_button = GTK_SPIN_BUTTON (find_nth_widget (GTK_WIDGET (window), GTK_TYPE_SPIN_BUTTON, &n));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (spin_button), ==, 50);
  gtk_spin_button_set_value (spin_button, 80);
  g_assert_cmpuint (evg_checkins_get_target_hours (checkins), ==, 80);
  gtk_spin_button_set_value (spin_button, 5000);
  g_assert_cmpuint (evg_checkins_get_target_hours (checkins), ==, 1000);

  /* The inbox's due times and weights show the stored ones and apply as
   * they change; a time to respond longer than the time to resolve is
   * refused and the stored one shown again. */
  {
    EvgInbox *inbox = evg_context_get_inbox (f->context);
    GtkSpinButton *respond, *resolve, *partly;
    EvgRateWeights weights;
    guint respond_hours, resolve_hours;

    n = 1;
    respond = GTK_SPIN_BUTTON (find_nth_widget (GTK_WIDGET (window), GTK_TYPE_SPIN_BUTTON, &n));
    n = 2;
    resolve = GTK_SPIN_BUTTON (find_nth_widget (GTK_WIDGET (window), GTK_TYPE_SPIN_BUTTON, &n));
    n = 3;
    partly = GTK_SPIN_BUTTON (find_nth_widget (GTK_WIDGET (window), GTK_TYPE_SPIN_BUTTON, &n));
    g_assert_cmpint (gtk_spin_button_get_value_as_int (respond), ==, 24);
    g_assert_cmpint (gtk_spin_button_get_value_as_int (resolve), ==, 168);
    g_assert_cmpfloat_with_epsilon (gtk_spin_button_get_value (partly), 0.6, 1e-9);
    gtk_spin_button_set_value (respond, 48);
    gtk_spin_button_set_value (partly, 0.5);
    evg_inbox_get_due_hours (inbox, &respond_hours, &resolve_hours);
    evg_inbox_get_weights (inbox, &weights);
    g_assert_cmpuint (respond_hours, ==, 48);
    g_assert_cmpfloat_with_epsilon (weights.partly_resolved, 0.5, 1e-9);
    gtk_spin_button_set_value (resolve, 24);
    evg_inbox_get_due_hours (inbox, &respond_hours, &resolve_hours);
    g_assert_cmpuint (resolve_hours, ==, 168);
    g_assert_cmpint (gtk_spin_button_get_value_as_int (resolve), ==, 168);
  }

  /* The PIN is saved once typed twice alike, and only then. */
  n = 0;
  pin = find_nth_widget (GTK_WIDGET (window), ADW_TYPE_PASSWORD_ENTRY_ROW, &n);
  n = 1;
  again = find_nth_widget (GTK_WIDGET (window), ADW_TYPE_PASSWORD_ENTRY_ROW, &n);
  g_assert_nonnull (pin);
  g_assert_nonnull (again);
  gtk_editable_set_text (GTK_EDITABLE (pin), "13579");
  gtk_editable_set_text (GTK_EDITABLE (again), "135");
  g_assert_false (evg_kiosk_pin_is_set ());
  gtk_editable_set_text (GTK_EDITABLE (again), "13570");
  g_assert_false (evg_kiosk_pin_is_set ());
  g_assert_true (gtk_widget_has_css_class (again, "error"));
  gtk_editable_set_text (GTK_EDITABLE (pin), "12");
  gtk_editable_set_text (GTK_EDITABLE (again), "12");
  g_assert_false (evg_kiosk_pin_is_set ());
  gtk_editable_set_text (GTK_EDITABLE (pin), "13579");
  gtk_editable_set_text (GTK_EDITABLE (again), "13579");
  g_assert_true (evg_kiosk_pin_is_set ());
  g_assert_true (evg_kiosk_pin_check ("13579"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (pin)), ==, "");

  /* Clear forgets it. */
  {
    GtkWidget *button = find_button (GTK_WIDGET (window), "C_lear");

    g_assert_nonnull (button);
    g_assert_true (gtk_widget_get_visible (button));
    g_signal_emit_by_name (button, "clicked");
  }
  g_assert_false (evg_kiosk_pin_is_set ());

  gtk_window_destroy (GTK_WINDOW (window));
  spin ();
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Pages switch at once, so that what is mapped is what is shown. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);

  g_test_add ("/evg/ui/kiosk/search-and-check-in", Fixture, NULL, fixture_set_up,
              test_search_and_check_in, fixture_tear_down);
  g_test_add ("/evg/ui/kiosk/scanned-codes", Fixture, NULL, fixture_set_up,
              test_scanned_codes, fixture_tear_down);
  g_test_add ("/evg/ui/kiosk/closed-whistle", Fixture, NULL, fixture_set_up,
              test_closed_whistle, fixture_tear_down);
  g_test_add ("/evg/ui/kiosk/database-failure", Fixture, NULL, fixture_set_up,
              test_database_failure, fixture_tear_down);
  g_test_add ("/evg/ui/kiosk/database-locked", Fixture, NULL, fixture_set_up,
              test_database_locked, fixture_tear_down);
  g_test_add ("/evg/ui/kiosk/pin", Fixture, NULL, fixture_set_up, test_pin, fixture_tear_down);
  g_test_add ("/evg/ui/kiosk/preferences", Fixture, NULL, fixture_set_up,
              test_preferences, fixture_tear_down);
  return g_test_run ();
}
