/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-validate.h"
#include "evg-checkins.h"
#include "evg-member.h"
#include "evg-party-group.h"
#include "evg-store-private.h"
#include "evg-test-merge.h"
#include "evg-test-util.h"

/* 吹哨报到: whistles, checking members in and out with the rules of
 * DOMAIN.md, service hours against the yearly target, and the merge rule
 * that makes two workstations' check-ins of one member one check-in
 * (earliest arrival, latest departure) in whatever order they meet. */

#define ID_ZHANG "110105199003071239"

typedef struct
{
  char        *dir;
  EvgStore    *store;
  EvgCheckins *checkins;
  char        *group;
  char        *zhang;    /* a member */
  char        *li;       /* another */
  char        *wang;     /* one who left the branch */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = evg_test_make_dir ();
  f->store = evg_test_open_store (f->dir, "c.db");
  f->checkins = evg_checkins_new (f->store, &error);
  g_assert_no_error (error);
  f->group = EVG_TEST_ROW (f->store, &evg_party_group_table, "name", "第一党小组", "sort_order", "1");
  f->zhang = EVG_TEST_ROW (f->store, &evg_member_table, "name", "张三", "id_number", ID_ZHANG,
                           "party_group_id", f->group);
  f->li = EVG_TEST_ROW (f->store, &evg_member_table, "name", "李四");
  f->wang = EVG_TEST_ROW (f->store, &evg_member_table, "name", "王五", "left_reason", "transferred",
                          "left_on", "2026-02-01");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->group);
  g_free (f->zhang);
  g_free (f->li);
  g_free (f->wang);
  g_assert_finalize_object (f->checkins);
  g_assert_finalize_object (f->store);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
}

static char *
add_whistle (Fixture    *f,
             const char *title,
             const char *starts,
             const char *ends,
             const char *needed)
{
  g_autoptr(EvgRecord) whistle = evg_record_new (&evg_whistle_table, NULL);
  g_autoptr(GError) error = NULL;
  char *id;

  evg_record_set (whistle, EVG_WHISTLE_TITLE, title);
  evg_record_set (whistle, EVG_WHISTLE_CATEGORY, "safety");
  evg_record_set (whistle, EVG_WHISTLE_STARTS_AT, starts);
  evg_record_set (whistle, EVG_WHISTLE_ENDS_AT, ends);
  evg_record_set (whistle, EVG_WHISTLE_NEEDED, needed);
  id = evg_checkins_save_whistle (f->checkins, whistle, &error);
  g_assert_no_error (error);
  return id;
}

static void
test_whistle_rules (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(EvgRecord) whistle = evg_record_new (&evg_whistle_table, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *later = NULL;
  g_autofree char *earlier = NULL;
  g_autofree char *done = NULL;
  g_autofree char *id = NULL;
  g_autoptr(EvgRecord) edit = NULL;
  GListModel *list;

  /* Nothing entered: every missing field is named. */
  id = evg_checkins_save_whistle (f->checkins, whistle, &error);
  g_assert_null (id);
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "Say what the whistle is for."));
  g_assert_nonnull (strstr (error->message, "Choose the service category."));
  g_clear_error (&error);

  evg_record_set (whistle, EVG_WHISTLE_TITLE, "清理楼道杂物");
  evg_record_set (whistle, EVG_WHISTLE_CATEGORY, "governance");
  evg_record_set (whistle, EVG_WHISTLE_STARTS_AT, "2026-03-05 14:00");
  evg_record_set (whistle, EVG_WHISTLE_ENDS_AT, "2026-03-05 09:00");
  g_assert_null (evg_checkins_save_whistle (f->checkins, whistle, &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "must end after it starts"));
  g_clear_error (&error);

  evg_record_set (whistle, EVG_WHISTLE_ENDS_AT, "2026-03-05 25:00");
  g_assert_null (evg_checkins_save_whistle (f->checkins, whistle, &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID);
  g_clear_error (&error);

  /* Saved open; listed open ones first, soonest first, then the rest. */
  later = add_whistle (f, "巡逻", "2026-06-01 08:00", "2026-06-01 12:00", NULL);
  earlier = add_whistle (f, "义诊", "2026-05-01 08:00", "2026-05-01 12:00", NULL);
  done = add_whistle (f, "普法", "2026-04-01 08:00", "2026-04-01 12:00", NULL);
  g_assert_true (evg_checkins_close_whistle (f->checkins, done, "closed", &error));
  g_assert_no_error (error);
  list = evg_checkins_get_whistles (f->checkins);
  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  {
    g_autoptr(EvgRecord) first = g_list_model_get_item (list, 0);
    g_autoptr(EvgRecord) second = g_list_model_get_item (list, 1);
    g_autoptr(EvgRecord) third = g_list_model_get_item (list, 2);

    g_assert_cmpstr (evg_record_get_id (first), ==, earlier);
    g_assert_cmpstr (evg_record_get_id (second), ==, later);
    g_assert_cmpstr (evg_record_get_id (third), ==, done);
    g_assert_cmpstr (evg_record_get (first, EVG_WHISTLE_STATUS), ==, "open");
    g_assert_cmpstr (evg_record_get (third, EVG_WHISTLE_STATUS), ==, "closed");
  }

  /* A closed whistle is final: no edit, no second closing. */
  edit = evg_record_copy (evg_checkins_lookup_whistle (f->checkins, done));
  evg_record_set (edit, EVG_WHISTLE_TITLE, "改名");
  g_assert_null (evg_checkins_save_whistle (f->checkins, edit, &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_CLOSED);
  g_clear_error (&error);
  g_assert_false (evg_checkins_close_whistle (f->checkins, done, "cancelled", &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_CLOSED);
}

static void
test_check_in_and_out (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *whistle = add_whistle (f, "防汛值守", "2026-07-10 08:00", "2026-07-10 18:00", NULL);
  g_auto(EvgCheckinResult) result = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *by_card = NULL;
  g_autofree char *by_number = NULL;
  g_autofree char *upper = g_ascii_strup (f->zhang, -1);

  /* A member is found by the code on their card (their id, in whatever
   * case the scanner types it) or their ID number; not one who left. */
  by_card = evg_checkins_find_member (f->checkins, upper, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_card, ==, f->zhang);
  by_number = evg_checkins_find_member (f->checkins, " " ID_ZHANG "\n", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_number, ==, f->zhang);
  g_assert_null (evg_checkins_find_member (f->checkins, f->wang, &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_NOT_MEMBER);
  g_assert_nonnull (strstr (error->message, "王五"));
  g_clear_error (&error);
  g_assert_null (evg_checkins_find_member (f->checkins, "not-a-member", &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_NOT_MEMBER);
  g_clear_error (&error);
  g_assert_false (evg_checkins_check_in (f->checkins, whistle, f->wang, "2026-07-10 08:00", "manual",
                                         NULL, &result, &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_NOT_MEMBER);
  g_clear_error (&error);

  /* Checking out before checking in. */
  g_assert_false (evg_checkins_check_out (f->checkins, whistle, f->zhang, "2026-07-10 09:00",
                                          &result, &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_NOT_CHECKED_IN);
  g_clear_error (&error);

  g_assert_true (evg_checkins_check_in (f->checkins, whistle, f->zhang, "2026-07-10 08:05", "kiosk",
                                        NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_false (result.already);
  g_assert_false (result.left);
  g_assert_cmpstr (result.name, ==, "张三");
  g_assert_cmpint (result.minutes, ==, -1);
  g_assert_cmpuint (evg_checkins_count_reported (f->checkins, whistle), ==, 1);

  /* A second check-in says since when, and changes nothing. */
  g_assert_true (evg_checkins_check_in (f->checkins, whistle, f->zhang, "2026-07-10 07:00", "kiosk",
                                        NULL, &result, &error));
  g_assert_no_error (error);
  g_assert_true (result.already);
  g_assert_cmpstr (result.arrived_at, ==, "2026-07-10 08:05");
  g_assert_cmpuint (evg_checkins_count_reported (f->checkins, whistle), ==, 1);

  /* Leaving before arriving, or after more than a day. */
  g_assert_false (evg_checkins_check_out (f->checkins, whistle, f->zhang, "2026-07-10 08:00",
                                          &result, &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (evg_checkins_check_out (f->checkins, whistle, f->zhang, "2026-07-11 08:06",
                                          &result, &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "24"));
  g_clear_error (&error);
  g_assert_false (evg_checkins_check_out (f->checkins, whistle, f->zhang, "2026-07-10 8:30",
                                          &result, &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (evg_checkins_check_out (f->checkins, whistle, f->zhang, "2026-07-10 11:35",
                                         &result, &error));
  g_assert_no_error (error);
  g_assert_true (result.left);
  g_assert_cmpint (result.minutes, ==, 210);
  g_assert_cmpint (result.year_minutes, ==, 210);
  g_assert_cmpuint (result.target_hours, ==, 50);

  /* Out again earlier: nothing changes; later: the departure moves. */
  g_assert_true (evg_checkins_check_out (f->checkins, whistle, f->zhang, "2026-07-10 10:00",
                                         &result, &error));
  g_assert_true (result.already);
  g_assert_cmpstr (result.left_at, ==, "2026-07-10 11:35");
  g_assert_true (evg_checkins_check_out (f->checkins, whistle, f->zhang, "2026-07-10 12:05",
                                         &result, &error));
  g_assert_false (result.already);
  g_assert_cmpint (result.minutes, ==, 240);

  /* The kiosk checks in, then out, then only says so. */
  g_assert_true (evg_checkins_kiosk (f->checkins, whistle, f->li, "2026-07-10 09:00", &result, &error));
  g_assert_no_error (error);
  g_assert_false (result.left);
  g_assert_true (evg_checkins_kiosk (f->checkins, whistle, f->li, "2026-07-10 10:30", &result, &error));
  g_assert_true (result.left);
  g_assert_false (result.already);
  g_assert_cmpint (result.minutes, ==, 90);
  g_assert_true (evg_checkins_kiosk (f->checkins, whistle, f->li, "2026-07-10 11:00", &result, &error));
  g_assert_true (result.already);
  g_assert_cmpstr (result.left_at, ==, "2026-07-10 10:30");

  /* Once it is closed, or when it was cancelled, nobody checks in. */
  g_assert_true (evg_checkins_close_whistle (f->checkins, whistle, "closed", &error));
  g_assert_false (evg_checkins_check_in (f->checkins, whistle, f->li, NULL, "kiosk", NULL, &result,
                                         &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_CLOSED);
  g_clear_error (&error);
  {
    g_autofree char *cancelled = add_whistle (f, "取消的", "2026-07-12 08:00", "2026-07-12 10:00", NULL);

    g_assert_true (evg_checkins_close_whistle (f->checkins, cancelled, "cancelled", &error));
    g_assert_false (evg_checkins_check_in (f->checkins, cancelled, f->li, NULL, "kiosk", NULL,
                                           &result, &error));
    g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_CLOSED);
    g_clear_error (&error);
  }
  g_assert_false (evg_checkins_check_in (f->checkins, "no-such-whistle", f->li, NULL, "kiosk", NULL,
                                         &result, &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_NOT_FOUND);
}

static void
test_fills_up (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *whistle = add_whistle (f, "助老送餐", "2026-08-01 08:00", "2026-08-01 12:00", "2");
  g_autoptr(GError) error = NULL;
  EvgRecord *record;

  g_assert_true (evg_checkins_check_in (f->checkins, whistle, f->zhang, "2026-08-01 08:00", "manual",
                                        "书记", NULL, &error));
  record = evg_checkins_lookup_whistle (f->checkins, whistle);
  g_assert_cmpstr (evg_record_get (record, EVG_WHISTLE_STATUS), ==, "open");
  g_assert_true (evg_checkins_check_in (f->checkins, whistle, f->li, "2026-08-01 08:10", "manual",
                                        "书记", NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (evg_record_get (record, EVG_WHISTLE_STATUS), ==, "full");
  g_assert_cmpuint (evg_checkins_count_reported (f->checkins, whistle), ==, 2);

  /* Taken off by mistake: open again; back on: arrives anew. */
  g_assert_true (evg_checkins_remove (f->checkins, whistle, f->li, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (evg_record_get (record, EVG_WHISTLE_STATUS), ==, "open");
  g_assert_cmpuint (evg_checkins_count_reported (f->checkins, whistle), ==, 1);
  g_assert_true (evg_checkins_check_in (f->checkins, whistle, f->li, "2026-08-01 09:30", "manual",
                                        NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (evg_record_get (record, EVG_WHISTLE_STATUS), ==, "full");
  {
    g_autoptr(GListModel) rows = evg_checkins_list (f->checkins, whistle, "2026-08-01 10:00", &error);
    g_autoptr(EvgCheckinRow) second = g_list_model_get_item (rows, 1);

    g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
    g_assert_cmpstr (evg_checkin_row_get_name (second), ==, "李四");
    g_assert_cmpstr (evg_checkin_row_get (second, EVG_CHECKIN_ARRIVED_AT), ==, "2026-08-01 09:30");
  }
}

static void
test_forgotten_check_out (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *whistle = add_whistle (f, "文明劝导", "2026-09-01 08:00", "2026-09-01 11:00", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) during = NULL;
  g_autoptr(GListModel) after = NULL;
  g_autoptr(GListModel) confirmed = NULL;
  g_autoptr(EvgCheckinRow) row = NULL;

  g_assert_true (evg_checkins_check_in (f->checkins, whistle, f->zhang, "2026-09-01 08:30", "kiosk",
                                        NULL, NULL, &error));
  g_assert_no_error (error);

  /* Still there: no time yet. */
  during = evg_checkins_list (f->checkins, whistle, "2026-09-01 10:00", &error);
  row = g_list_model_get_item (during, 0);
  g_assert_cmpint (evg_checkin_row_get_minutes (row), ==, -1);
  g_assert_false (evg_checkin_row_get_flagged (row));
  g_clear_object (&row);
  g_assert_cmpint (evg_checkins_member_minutes (f->checkins, f->zhang, 2026, "2026-09-01 10:00",
                                                &error), ==, 0);

  /* Over, never checked out: counted up to the end, and flagged. */
  after = evg_checkins_list (f->checkins, whistle, "2026-09-02 09:00", &error);
  row = g_list_model_get_item (after, 0);
  g_assert_cmpint (evg_checkin_row_get_minutes (row), ==, 150);
  g_assert_true (evg_checkin_row_get_flagged (row));
  g_clear_object (&row);
  g_assert_cmpuint (evg_checkins_count_unconfirmed (f->checkins, whistle, "2026-09-02 09:00"), ==, 1);
  g_assert_cmpint (evg_checkins_member_minutes (f->checkins, f->zhang, 2026, "2026-09-02 09:00",
                                                &error), ==, 150);

  /* Closed, then confirmed by the secretary with the real departure:
   * what is put right after the work stays writable. */
  g_assert_true (evg_checkins_close_whistle (f->checkins, whistle, "closed", &error));
  g_assert_true (evg_checkins_confirm (f->checkins, whistle, f->zhang, "2026-09-01 10:30", &error));
  g_assert_no_error (error);
  confirmed = evg_checkins_list (f->checkins, whistle, "2026-09-02 09:00", &error);
  row = g_list_model_get_item (confirmed, 0);
  g_assert_cmpint (evg_checkin_row_get_minutes (row), ==, 120);
  g_assert_false (evg_checkin_row_get_flagged (row));
  g_assert_cmpstr (evg_checkin_row_get (row, EVG_CHECKIN_CONFIRMED), ==, "1");
  g_assert_cmpuint (evg_checkins_count_unconfirmed (f->checkins, whistle, "2026-09-02 09:00"), ==, 0);

  /* A departure only moves later. */
  g_assert_false (evg_checkins_confirm (f->checkins, whistle, f->zhang, "2026-09-01 09:00", &error));
  g_assert_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  *(GAsyncResult **) data = g_object_ref (result);
}

static void
test_year_hours (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *one = add_whistle (f, "一", "2026-01-10 08:00", "2026-01-10 18:00", NULL);
  g_autofree char *two = add_whistle (f, "二", "2026-02-10 08:00", "2026-02-10 18:00", NULL);
  g_autofree char *gone = add_whistle (f, "取消", "2026-02-11 08:00", "2026-02-11 18:00", NULL);
  g_autofree char *last_year = add_whistle (f, "去年", "2025-12-30 08:00", "2025-12-30 18:00", NULL);
  g_autoptr(GPtrArray) ranking = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgCheckins) again = NULL;
  EvgServiceHours *first, *second;

  g_assert_true (evg_checkins_check_in (f->checkins, one, f->zhang, "2026-01-10 08:00", "kiosk", NULL, NULL, &error));
  g_assert_true (evg_checkins_check_out (f->checkins, one, f->zhang, "2026-01-10 18:00", NULL, &error));
  g_assert_true (evg_checkins_check_in (f->checkins, two, f->zhang, "2026-02-10 08:00", "kiosk", NULL, NULL, &error));
  g_assert_true (evg_checkins_check_out (f->checkins, two, f->zhang, "2026-02-10 10:30", NULL, &error));
  g_assert_true (evg_checkins_check_in (f->checkins, two, f->li, "2026-02-10 08:00", "kiosk", NULL, NULL, &error));
  g_assert_true (evg_checkins_check_out (f->checkins, two, f->li, "2026-02-10 09:00", NULL, &error));
  /* Cancelled work and last year's do not count. */
  g_assert_true (evg_checkins_check_in (f->checkins, gone, f->li, "2026-02-11 08:00", "kiosk", NULL, NULL, &error));
  g_assert_true (evg_checkins_check_out (f->checkins, gone, f->li, "2026-02-11 18:00", NULL, &error));
  g_assert_true (evg_checkins_close_whistle (f->checkins, gone, "cancelled", &error));
  g_assert_true (evg_checkins_check_in (f->checkins, last_year, f->li, "2025-12-30 08:00", "kiosk", NULL, NULL, &error));
  g_assert_true (evg_checkins_check_out (f->checkins, last_year, f->li, "2025-12-30 18:00", NULL, &error));
  g_assert_no_error (error);

  /* On 1 July (half the year gone, 25 of 50 hours due): 张三 has 12.5
   * hours, 李四 1; the member who left and never served is not listed. */
  ranking = evg_checkins_year_hours (f->checkins, 2026, "2026-07-02 12:00", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ranking->len, ==, 2);
  first = g_ptr_array_index (ranking, 0);
  second = g_ptr_array_index (ranking, 1);
  g_assert_cmpstr (first->name, ==, "张三");
  g_assert_cmpint (first->minutes, ==, 750);
  g_assert_cmpstr (first->id_number, ==, ID_ZHANG);
  g_assert_cmpstr (first->party_group, ==, "第一党小组");
  g_assert_true (first->behind);
  g_assert_cmpstr (second->name, ==, "李四");
  g_assert_cmpint (second->minutes, ==, 60);
  g_clear_pointer (&ranking, g_ptr_array_unref);

  /* The same from a worker, on its own connection. */
  {
    g_autoptr(GAsyncResult) done = NULL;

    evg_checkins_year_hours_async (f->checkins, 2026, "2026-07-02 12:00", NULL, store_result, &done);
    while (done == NULL)
      g_main_context_iteration (NULL, TRUE);
    ranking = evg_checkins_year_hours_finish (f->checkins, done, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (ranking->len, ==, 2);
    g_assert_cmpint (((EvgServiceHours *) g_ptr_array_index (ranking, 0))->minutes, ==, 750);
    g_assert_true (((EvgServiceHours *) g_ptr_array_index (ranking, 0))->behind);
    g_clear_pointer (&ranking, g_ptr_array_unref);
  }
  evg_test_wait_for_workers (f->checkins);

  /* In early January nobody is behind yet; with a target of 10 hours,
   * 张三 is ahead on 1 July. */
  ranking = evg_checkins_year_hours (f->checkins, 2026, "2026-01-01 00:00", &error);
  g_assert_false (((EvgServiceHours *) g_ptr_array_index (ranking, 0))->behind);
  g_assert_false (((EvgServiceHours *) g_ptr_array_index (ranking, 1))->behind);
  g_clear_pointer (&ranking, g_ptr_array_unref);
  evg_checkins_set_target_hours (f->checkins, 10);
  g_assert_false (evg_checkins_is_behind (f->checkins, 750, 2026, "2026-07-02 12:00"));
  g_assert_true (evg_checkins_is_behind (f->checkins, 60, 2026, "2026-07-02 12:00"));
  g_assert_true (evg_checkins_is_behind (f->checkins, 599, 2026, "2027-01-01 00:00"));

  /* The target is kept in the database. */
  again = evg_checkins_new (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (evg_checkins_get_target_hours (again), ==, 10);

  g_assert_cmpint (evg_checkins_member_minutes (f->checkins, f->li, 2025, "2026-07-02 12:00", &error),
                   ==, 600);

  /* A member whose id is no UUID (made by hand elsewhere) is summed too. */
  {
    g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_member_table);
    g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);
    g_autofree char *id = NULL;

    evg_field_set_set (fields, "name", "赵六");
    id = evg_txn_insert (txn, fields, "legacy-member-1", &error);
    g_assert_no_error (error);
    g_assert_true (evg_txn_commit (txn, &error));
    g_assert_true (evg_checkins_check_in (f->checkins, one, "legacy-member-1", "2026-01-10 09:00", "manual",
                                          NULL, NULL, &error));
    g_assert_true (evg_checkins_check_out (f->checkins, one, "legacy-member-1", "2026-01-10 09:45", NULL,
                                           &error));
    g_assert_no_error (error);
    ranking = evg_checkins_year_hours (f->checkins, 2026, "2026-07-02 12:00", &error);
    for (guint i = 0; i < ranking->len; i++)
      {
        EvgServiceHours *hours = g_ptr_array_index (ranking, i);

        if (g_str_equal (hours->member_id, "legacy-member-1"))
          g_assert_cmpint (hours->minutes, ==, 45);
        else if (g_str_equal (hours->member_id, f->zhang))
          g_assert_cmpint (hours->minutes, ==, 750);
      }
    g_assert_cmpuint (ranking->len, ==, 3);
  }
}

static void
test_minutes (void)
{
  g_assert_cmpint (evg_checkin_count_minutes ("2026-03-01 23:30", "2026-03-02 01:00", NULL), ==, 90);
  g_assert_cmpint (evg_checkin_count_minutes ("2024-02-28 12:00", "2024-03-01 11:00", NULL), ==, 1440);
  g_assert_cmpint (evg_checkin_count_minutes ("2026-03-01 10:00", NULL, "2026-03-01 12:00"), ==, 120);
  g_assert_cmpint (evg_checkin_count_minutes ("2026-03-01 10:00", "2026-03-01 09:00", NULL), ==, 0);
  g_assert_cmpint (evg_checkin_count_minutes ("2026-03-01 10:00", NULL, NULL), ==, -1);
  g_assert_cmpint (evg_checkin_count_minutes (NULL, "2026-03-01 10:00", NULL), ==, -1);
  g_assert_cmpint (evg_parse_minute ("2026-13-01 10:00"), ==, -1);
  g_assert_cmpint (evg_parse_minute ("1970-01-02 00:01"), ==, 1441);
}

/* A local edit may move an arrival only earlier, a departure only later:
 * the merge keeps the earliest and latest on every other replica. */
static void
test_one_way_edits (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *whistle = add_whistle (f, "值守", "2026-10-01 08:00", "2026-10-01 18:00", NULL);
  g_autofree char *id = evg_checkin_make_id (whistle, f->zhang);
  g_autoptr(EvgFieldSet) later = evg_field_set_new (&evg_checkin_table);
  g_autoptr(EvgFieldSet) earlier = evg_field_set_new (&evg_checkin_table);
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = NULL;

  g_assert_true (evg_checkins_check_in (f->checkins, whistle, f->zhang, "2026-10-01 09:00", "kiosk",
                                        NULL, NULL, &error));
  txn = evg_store_begin (f->store, &error);
  evg_field_set_set_index (later, EVG_CHECKIN_ARRIVED_AT, "2026-10-01 09:30");
  g_assert_false (evg_txn_update (txn, id, later, &error));
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID);
  g_clear_error (&error);
  evg_field_set_set_index (earlier, EVG_CHECKIN_ARRIVED_AT, "2026-10-01 08:45");
  g_assert_true (evg_txn_update (txn, id, earlier, &error));
  g_assert_no_error (error);
  g_assert_true (evg_txn_commit (txn, &error));
}

/* ------------------------------------------------------------ the merge */

#define ROW_ID "0b5c6f32-1d2e-8a4b-9c6d-7e8f9a0b1c2d"

/* Two workstations check 张三 in to one whistle offline; one checks him
 * out, the other takes a later departure; the restore after a removal. */
static const EvgTestChange changes[] = {
  { "0001700000000000-0000", "site-a", "insert",
    "{\"whistle_id\":\"w\",\"member_id\":\"m\",\"arrived_at\":\"2026-07-10 09:00\",\"source\":\"kiosk\"}" },
  { "0001700000001000-0000", "site-b", "insert",
    "{\"whistle_id\":\"w\",\"member_id\":\"m\",\"arrived_at\":\"2026-07-10 08:30\",\"source\":\"manual\"}" },
  { "0001700000002000-0000", "site-a", "update", "{\"left_at\":\"2026-07-10 11:00\"}" },
  { "0001700000003000-0000", "site-b", "update", "{\"left_at\":\"2026-07-10 10:00\"}" },
};

static void
merge_in_order (const guint *order,
                guint        n,
                JsonObject **values)
{
  *values = evg_test_merge_in_order (&evg_checkin_table, ROW_ID, changes, order, n);
}

static void
test_merge_one_way (void)
{
  /* Every order of the four changes in which each site's insert comes
   * before its own update, as a log delivers them. */
  static const guint orders[][4] = {
    { 0, 1, 2, 3 }, { 1, 0, 3, 2 }, { 0, 2, 1, 3 }, { 1, 3, 0, 2 },
    { 0, 1, 3, 2 }, { 1, 0, 2, 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    {
      g_autoptr(JsonObject) values = NULL;

      merge_in_order (orders[i], 4, &values);
      g_assert_cmpstr (json_object_get_string_member (values, "arrived_at"), ==, "2026-07-10 08:30");
      g_assert_cmpstr (json_object_get_string_member (values, "left_at"), ==, "2026-07-10 11:00");
      /* Other fields: last writer wins, as for any record. */
      g_assert_cmpstr (json_object_get_string_member (values, "source"), ==, "manual");
    }
}

/* A restore (after a check-in was taken off) starts over: its arrival is
 * taken as written. */
static void
test_merge_restore (void)
{
  static const EvgTestChange restore = {
    "0001700000009000-0000", "site-a", "update",
    "{\"deleted\":0,\"arrived_at\":\"2026-07-10 13:00\",\"left_at\":null}"
  };
  g_autoptr(JsonObject) values = NULL;
  g_autoptr(EvgSyncPullResponse) page = evg_test_pull_page ("checkin", ROW_ID, &restore, 9);
  EvgSyncRecord record = { 0 };
  EvgSyncMergeResult result;
  const guint order[] = { 0, 2 };

  merge_in_order (order, 2, &values);
  record.values = g_steal_pointer (&values);
  record.clocks = json_object_new ();
  json_object_set_string_member (record.clocks, "*", "0001700000000000-0000@site-a");
  record.exists = TRUE;
  evg_sync_merge (&evg_checkin_table, &record, g_ptr_array_index (page->changes, 0), "here", &result);
  g_assert_cmpstr (json_object_get_string_member (record.values, "arrived_at"), ==, "2026-07-10 13:00");
  g_assert_true (json_object_get_null_member (record.values, "left_at"));
  evg_sync_merge_result_clear (&result);
  json_object_unref (record.values);
  json_object_unref (record.clocks);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add ("/evg/checkins/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("whistle-rules", test_whistle_rules);
  ADD ("check-in-and-out", test_check_in_and_out);
  ADD ("fills-up", test_fills_up);
  ADD ("forgotten-check-out", test_forgotten_check_out);
  ADD ("year-hours", test_year_hours);
  ADD ("one-way-edits", test_one_way_edits);
#undef ADD
  g_test_add_func ("/evg/checkins/minutes", test_minutes);
  g_test_add_func ("/evg/checkins/merge-one-way", test_merge_one_way);
  g_test_add_func ("/evg/checkins/merge-restore", test_merge_restore);

  return g_test_run ();
}
