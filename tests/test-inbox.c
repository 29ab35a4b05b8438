/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-feedback.h"
#include "evg-inbox.h"
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

static EvgRecord *
make_event (const char *kind,
            const char *text)
{
  EvgRecord *event = evg_record_new (&evg_feedback_event_table, NULL);

  evg_record_set (event, EVG_FEEDBACK_EVENT_KIND, kind);
  evg_record_set (event, EVG_FEEDBACK_EVENT_TEXT, text);
  return event;
}

/* Records @kind (with @text) and returns whether it was taken; a refusal
 * is of @code (0 when it must be taken). */
static gboolean
record (EvgInbox   *inbox,
        const char *id,
        EvgRecord  *event,
        int         code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *event_id = evg_inbox_add_event (inbox, id, event, &error);

  g_object_unref (event);
  if (code == 0)
    g_assert_no_error (error);
  else
    g_assert_error (error, EVG_INBOX_ERROR, code);
  return event_id != NULL;
}

static void
test_service_rules (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgInbox) inbox = evg_inbox_new (f->store, &error);
  g_autoptr(EvgRecord) empty = evg_record_new (&evg_feedback_table, NULL);
  g_autoptr(EvgRecord) bad_contact = evg_record_new (&evg_feedback_table, NULL);
  g_autoptr(EvgRecord) message = evg_record_new (&evg_feedback_table, NULL);
  g_autoptr(GPtrArray) events = NULL;
  g_autofree char *id = NULL;
  EvgRecord *stored;
  EvgRecord *callback;

  /* Nothing said: refused; a contact that is no phone number: refused. */
  evg_record_set (empty, EVG_FEEDBACK_CHANNEL, "walk_in");
  evg_record_set (empty, EVG_FEEDBACK_CONTENT, "   ");
  g_assert_null (evg_inbox_add (inbox, empty, &error));
  g_assert_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "empty"));
  g_clear_error (&error);
  evg_record_set (bad_contact, EVG_FEEDBACK_CHANNEL, "phone");
  evg_record_set (bad_contact, EVG_FEEDBACK_CONTENT, "路灯不亮");
  evg_record_set (bad_contact, EVG_FEEDBACK_CONTACT, "找王阿姨");
  g_assert_null (evg_inbox_add (inbox, bad_contact, &error));
  g_assert_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID);
  g_clear_error (&error);

  /* Saved new, with its due times: a day to respond, a week to resolve. */
  evg_record_set (message, EVG_FEEDBACK_CHANNEL, "hotline");
  evg_record_set (message, EVG_FEEDBACK_CONTENT, "小区门口垃圾堆放三天无人清理");
  evg_record_set (message, EVG_FEEDBACK_CONTACT, "138-1234-5678");
  evg_record_set (message, EVG_FEEDBACK_RECEIVED_AT, "2026-12-31 20:15");
  id = evg_inbox_add (inbox, message, &error);
  g_assert_no_error (error);
  stored = evg_inbox_lookup (inbox, id);
  g_assert_cmpstr (evg_record_get (stored, EVG_FEEDBACK_STATUS), ==, "new");
  g_assert_cmpstr (evg_record_get (stored, EVG_FEEDBACK_CONTACT), ==, "13812345678");
  g_assert_cmpstr (evg_record_get (stored, EVG_FEEDBACK_RESPONSE_DUE), ==, "2027-01-01 20:15");
  g_assert_cmpstr (evg_record_get (stored, EVG_FEEDBACK_RESOLUTION_DUE), ==, "2027-01-07 20:15");
  /* Newest first, with the one made by the fixture. */
  g_assert_cmpuint (g_list_model_get_n_items (evg_inbox_get_messages (inbox)), ==, 2);

  /* No callback before a reply; no conclusion before one either. */
  callback = make_event ("callback", NULL);
  evg_record_set (callback, EVG_FEEDBACK_EVENT_RESOLVED, "yes");
  evg_record_set (callback, EVG_FEEDBACK_EVENT_SATISFIED, "yes");
  g_assert_false (record (inbox, id, callback, EVG_INBOX_ERROR_STEP));
  g_assert_false (record (inbox, id, make_event ("closed", NULL), EVG_INBOX_ERROR_STEP));
  g_assert_false (record (inbox, id, make_event ("reply", NULL), EVG_INBOX_ERROR_STEP));
  g_assert_true (record (inbox, id, make_event ("note", "物业电话无人接"), 0));
  g_assert_cmpstr (evg_record_get (stored, EVG_FEEDBACK_STATUS), ==, "new");
  g_assert_true (record (inbox, id, make_event ("contacted", NULL), 0));
  g_assert_cmpstr (evg_record_get (stored, EVG_FEEDBACK_STATUS), ==, "in_progress");
  g_assert_true (record (inbox, id, make_event ("reply", "已协调环卫，今晚清运。"), 0));
  g_assert_cmpstr (evg_record_get (stored, EVG_FEEDBACK_STATUS), ==, "replied");
  /* Assigning after the reply keeps the status where it is. */
  {
    EvgRecord *assign = make_event ("assigned", NULL);

    evg_record_set (assign, EVG_FEEDBACK_EVENT_ASSIGNEE, "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9");
    g_assert_true (record (inbox, id, assign, 0));
    g_assert_cmpstr (evg_record_get (stored, EVG_FEEDBACK_STATUS), ==, "replied");
    g_assert_cmpstr (evg_record_get (stored, EVG_FEEDBACK_ASSIGNEE), ==, "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9");
  }
  g_assert_true (record (inbox, id, make_event ("closed", NULL), 0));
  g_assert_cmpstr (evg_record_get (stored, EVG_FEEDBACK_STATUS), ==, "closed");

  /* Concluded: no more replies until the resident raises it again; a
   * callback still is recorded. */
  g_assert_false (record (inbox, id, make_event ("reply", "补充答复"), EVG_INBOX_ERROR_STEP));
  callback = make_event ("callback", NULL);
  evg_record_set (callback, EVG_FEEDBACK_EVENT_RESOLVED, "partly");
  evg_record_set (callback, EVG_FEEDBACK_EVENT_SATISFIED, "basically");
  g_assert_true (record (inbox, id, callback, 0));
  g_assert_true (record (inbox, id, make_event ("reopened", "居民反映仍有垃圾"), 0));
  g_assert_cmpstr (evg_record_get (stored, EVG_FEEDBACK_STATUS), ==, "closed");
  g_assert_false (record (inbox, id, make_event ("closed", NULL), EVG_INBOX_ERROR_STEP));
  g_assert_true (record (inbox, id, make_event ("reply", "已再次清运。"), 0));

  events = evg_inbox_list_events (inbox, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (events->len, ==, 8);
  g_assert_cmpstr (evg_record_get (g_ptr_array_index (events, 0), EVG_FEEDBACK_EVENT_KIND), ==, "note");
  g_assert_cmpstr (evg_record_get (g_ptr_array_index (events, 7), EVG_FEEDBACK_EVENT_TEXT), ==, "已再次清运。");

  {
    g_autoptr(EvgRecord) note = make_event ("note", "x");

    g_assert_null (evg_inbox_add_event (inbox, "no-such-message", note, &error));
    g_assert_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_NOT_FOUND);
  }
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
  g_test_add ("/evg/inbox/service-rules", Fixture, NULL, fixture_set_up, test_service_rules,
              fixture_tear_down);
  return g_test_run ();
}
