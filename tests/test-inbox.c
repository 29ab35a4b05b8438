/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-feedback.h"
#include "evg-test-merge.h"
#include "evg-test-util.h"

/* The feedback inbox's records (issue #10): a message whose content never
 * changes and whose status only moves forward, on this replica (EvgTxn
 * refuses a step back) and in the merge (a step back merges away, in
 * whatever order the changes meet); its events are only ever added. The
 * service, the rates and the page come on top of these. */

#define MESSAGE_ID "5d0c1f0e-6b1a-4c55-9e2f-3a7d0c9b5e07"

typedef struct
{
  char     *dir;
  EvgStore *store;
  char     *message;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = evg_test_make_dir ();
  f->store = evg_test_open_store (f->dir, "i.db");
  f->message = EVG_TEST_ROW (f->store, &evg_feedback_table,
                             "received_at", "2026-12-01 09:30", "channel", "phone",
                             "from_name", "王阿姨", "contact", "13812345678",
                             "content", "楼道灯坏了一个月", "place", "幸福里3号楼", "status", "new");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->message);
  g_assert_finalize_object (f->store);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
}

static gboolean
update (Fixture     *f,
        const char  *column,
        const char  *value,
        GError     **error)
{
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_feedback_table);
  g_autoptr(EvgTxn) txn = evg_store_begin (f->store, error);

  g_assert_nonnull (txn);
  g_assert_true (evg_field_set_set (fields, column, value));
  return evg_txn_update (txn, f->message, fields, error) && evg_txn_commit (txn, error);
}

static void
test_forward_only (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (update (f, "status", "replied", &error));
  g_assert_no_error (error);
  /* A step back is refused here, as the merge would drop it everywhere. */
  g_assert_false (update (f, "status", "assigned", &error));
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (update (f, "status", "closed", &error));
  g_assert_no_error (error);
  /* The message itself never changes. */
  g_assert_false (update (f, "content", "改过的内容", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  /* A contact that is no phone number is refused. */
  g_assert_false (update (f, "contact", "call me", &error));
  g_assert_nonnull (error);
}

static void
test_events_append_only (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *reply = EVG_TEST_ROW (f->store, &evg_feedback_event_table,
                                         "feedback_id", f->message, "at", "2026-12-01 10:00",
                                         "kind", "reply", "text", "已联系物业，明天更换。");
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_feedback_event_table);
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);

  g_assert_true (evg_field_set_set (fields, "text", "改口"));
  g_assert_false (evg_txn_update (txn, reply, fields, &error));
  g_assert_nonnull (error);
}

/* Two devices: one replies (status replied), the other assigns then
 * closes; offline, in every order the server may deliver them. */
static const EvgTestChange changes[] = {
  { "0001700000000000-0000", "site-a", "insert",
    "{\"received_at\":\"2026-12-01 09:30\",\"channel\":\"phone\",\"content\":\"x\",\"status\":\"new\"}" },
  { "0001700000001000-0000", "site-b", "update", "{\"status\":\"assigned\"}" },
  { "0001700000002000-0000", "site-a", "update", "{\"status\":\"replied\"}" },
  { "0001700000003000-0000", "site-b", "update", "{\"status\":\"closed\"}" },
  { "0001700000004000-0000", "site-c", "update", "{\"status\":\"in_progress\"}" },
};

static void
test_merge_furthest (void)
{
  static const guint orders[][5] = {
    { 0, 1, 2, 3, 4 }, { 0, 4, 3, 2, 1 }, { 0, 2, 4, 1, 3 }, { 0, 3, 1, 4, 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (orders); i++)
    {
      g_autoptr(JsonObject) values = evg_test_merge_in_order (&evg_feedback_table, MESSAGE_ID, changes,
                                                              orders[i], 5);

      g_assert_cmpstr (json_object_get_string_member (values, "status"), ==, "closed");
      g_assert_cmpstr (json_object_get_string_member (values, "content"), ==, "x");
    }
  g_assert_cmpint (evg_feedback_status_rank ("new"), <, evg_feedback_status_rank ("closed"));
  g_assert_cmpint (evg_feedback_status_rank ("nonsense"), ==, -1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/evg/inbox/forward-only", Fixture, NULL, fixture_set_up, test_forward_only,
              fixture_tear_down);
  g_test_add ("/evg/inbox/events-append-only", Fixture, NULL, fixture_set_up, test_events_append_only,
              fixture_tear_down);
  g_test_add_func ("/evg/inbox/merge-furthest", test_merge_furthest);
  return g_test_run ();
}
