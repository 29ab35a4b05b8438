/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-feedback.h"
#include "evg-feedback-list.h"
#include "evg-inbox.h"
#include "evg-store-private.h"
#include "evg-test-merge.h"
#include "evg-test-util.h"
#include "evg-validate.h"

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

static void
assert_field (EvgInbox   *inbox,
              const char *id,
              guint       field,
              const char *expected)
{
  g_autoptr(EvgRecord) message = evg_inbox_dup_message (inbox, id);

  g_assert_nonnull (message);
  g_assert_cmpstr (evg_record_get (message, field), ==, expected);
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

/* Which steps a message may take after its events: the rule the service
 * checks and the view offers by.  Each case: the events so far, then the
 * steps refused ('-') and allowed ('+'). */
static void
test_progress (void)
{
  static const struct {
    const char *events;
    gboolean    merged;
    const char *steps;
  } cases[] = {
    { "", FALSE, "+assigned +contacted +waiting +reply +note +excluded +whistle +agenda "
                 "-resumed -callback -closed -reopened" },
    { "waiting", FALSE, "-waiting +resumed +contacted +reply" },
    /* A reply ends the wait, as the clocks count it. */
    { "waiting reply", FALSE, "+waiting -resumed +callback +closed +reopened" },
    { "reply closed", FALSE, "-reply -assigned -waiting -closed +callback +note +excluded +reopened" },
    { "reply closed reopened", FALSE, "+reply -callback -closed -reopened +waiting" },
    { "excluded", FALSE, "-excluded +reply" },
    { "reply", TRUE, "-reply -closed -callback -reopened -excluded -assigned +note" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) events = g_strsplit (cases[i].events, " ", -1);
      g_auto(GStrv) steps = g_strsplit (cases[i].steps, " ", -1);
      g_autoptr(EvgRecord) message = evg_record_new (&evg_feedback_table, NULL);
      EvgFeedbackProgress progress;

      if (cases[i].merged)
        evg_record_set (message, EVG_FEEDBACK_MERGED_INTO, MESSAGE_ID);
      evg_feedback_progress_init (&progress, message);
      for (guint k = 0; events[k] != NULL; k++)
        if (*events[k] != '\0')
          evg_feedback_progress_add (&progress, events[k]);
      for (guint k = 0; steps[k] != NULL; k++)
        {
          const char *problem = evg_feedback_progress_check (&progress, steps[k] + 1);

          if ((steps[k][0] == '+') != (problem == NULL))
            g_error ("after “%s”, %s: %s", cases[i].events, steps[k], problem != NULL ? problem : "allowed");
        }
    }
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
  assert_field (inbox, id, EVG_FEEDBACK_STATUS, "new");
  assert_field (inbox, id, EVG_FEEDBACK_CONTACT, "13812345678");
  assert_field (inbox, id, EVG_FEEDBACK_RESPONSE_DUE, "2027-01-01 20:15");
  assert_field (inbox, id, EVG_FEEDBACK_RESOLUTION_DUE, "2027-01-07 20:15");
  /* Newest first, with the one made by the fixture. */
  {
    g_autoptr(EvgFeedbackList) list = evg_feedback_list_new (inbox);
    g_autoptr(EvgRecord) first = NULL;

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
    first = g_list_model_get_item (G_LIST_MODEL (list), 0);
    g_assert_cmpstr (evg_record_get_id (first), ==, id);
  }

  /* No callback before a reply; no conclusion before one either. */
  callback = make_event ("callback", NULL);
  evg_record_set (callback, EVG_FEEDBACK_EVENT_RESOLVED, "yes");
  evg_record_set (callback, EVG_FEEDBACK_EVENT_SATISFIED, "yes");
  g_assert_false (record (inbox, id, callback, EVG_INBOX_ERROR_STEP));
  g_assert_false (record (inbox, id, make_event ("closed", NULL), EVG_INBOX_ERROR_STEP));
  g_assert_false (record (inbox, id, make_event ("reply", NULL), EVG_INBOX_ERROR_STEP));
  g_assert_true (record (inbox, id, make_event ("note", "物业电话无人接"), 0));
  assert_field (inbox, id, EVG_FEEDBACK_STATUS, "new");
  g_assert_true (record (inbox, id, make_event ("contacted", NULL), 0));
  assert_field (inbox, id, EVG_FEEDBACK_STATUS, "in_progress");
  g_assert_true (record (inbox, id, make_event ("reply", "已协调环卫，今晚清运。"), 0));
  assert_field (inbox, id, EVG_FEEDBACK_STATUS, "replied");
  /* Assigning after the reply keeps the status where it is. */
  {
    EvgRecord *assign = make_event ("assigned", NULL);

    evg_record_set (assign, EVG_FEEDBACK_EVENT_ASSIGNEE, "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9");
    g_assert_true (record (inbox, id, assign, 0));
    assert_field (inbox, id, EVG_FEEDBACK_STATUS, "replied");
    assert_field (inbox, id, EVG_FEEDBACK_ASSIGNEE, "1b2c3d4e-5f60-4718-8293-a4b5c6d7e8f9");
  }
  g_assert_true (record (inbox, id, make_event ("closed", NULL), 0));
  assert_field (inbox, id, EVG_FEEDBACK_STATUS, "closed");

  /* Concluded: no more replies until the resident raises it again; a
   * callback still is recorded. */
  g_assert_false (record (inbox, id, make_event ("reply", "补充答复"), EVG_INBOX_ERROR_STEP));
  callback = make_event ("callback", NULL);
  evg_record_set (callback, EVG_FEEDBACK_EVENT_RESOLVED, "partly");
  evg_record_set (callback, EVG_FEEDBACK_EVENT_SATISFIED, "basically");
  g_assert_true (record (inbox, id, callback, 0));
  g_assert_true (record (inbox, id, make_event ("reopened", "居民反映仍有垃圾"), 0));
  assert_field (inbox, id, EVG_FEEDBACK_STATUS, "closed");
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

static char *
add_message (EvgInbox   *inbox,
             const char *received_at,
             const char *category,
             const char *place,
             const char *content)
{
  g_autoptr(EvgRecord) message = evg_record_new (&evg_feedback_table, NULL);
  g_autoptr(GError) error = NULL;
  char *id;

  evg_record_set (message, EVG_FEEDBACK_CHANNEL, "walk_in");
  evg_record_set (message, EVG_FEEDBACK_RECEIVED_AT, received_at);
  evg_record_set (message, EVG_FEEDBACK_CATEGORY, category);
  evg_record_set (message, EVG_FEEDBACK_PLACE, place);
  evg_record_set (message, EVG_FEEDBACK_CONTENT, content);
  id = evg_inbox_add (inbox, message, &error);
  g_assert_no_error (error);
  return id;
}

/* Records @kind at @at; a callback takes its two answers in @text as
 * "resolved/satisfied". */
static void
add_at (EvgInbox   *inbox,
        const char *id,
        const char *kind,
        const char *at,
        const char *text)
{
  g_autoptr(EvgRecord) event = evg_record_new (&evg_feedback_event_table, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *event_id = NULL;

  evg_record_set (event, EVG_FEEDBACK_EVENT_KIND, kind);
  evg_record_set (event, EVG_FEEDBACK_EVENT_AT, at);
  if (g_str_equal (kind, "callback"))
    {
      g_auto(GStrv) answers = g_strsplit (text, "/", 2);

      evg_record_set (event, EVG_FEEDBACK_EVENT_RESOLVED, answers[0]);
      evg_record_set (event, EVG_FEEDBACK_EVENT_SATISFIED, answers[1]);
    }
  else
    evg_record_set (event, EVG_FEEDBACK_EVENT_TEXT, text);
  event_id = evg_inbox_add_event (inbox, id, event, &error);
  g_assert_no_error (error);
}

/* November 2026, worked out by hand (due in 24 h):
 *   A sanitation  contacted after 1 h, replied; callback resolved/satisfied
 *   B sanitation  first reply after 48 h (late); callback partly/basically
 *   C property    never answered
 *   D property    left out of the rates, with a reason
 *   E property    waited for the resident after 3 h (the response), replied,
 *                 callback no/no, reopened, replied, callback yes/yes (the
 *                 latest counts)
 *   F sanitation  merged into A: left out
 *   G property    received in December: not November's
 * So: received 6, left out 2, rated 4 (A B C E); responded 3, in time 2
 * (A E); called back 3 (A B E): resolved 2, partly 1; satisfied 2,
 * basically 1. */
static void
make_november (EvgInbox *inbox)
{
  g_autofree char *a = add_message (inbox, "2026-11-02 09:00", "sanitation", "幸福里", "垃圾桶满了没人清");
  g_autofree char *b = add_message (inbox, "2026-11-03 09:00", "sanitation", "幸福里", "路灯不亮");
  g_autofree char *c = add_message (inbox, "2026-11-04 09:00", "property", "幸福里", "电梯坏了");
  g_autofree char *d = add_message (inbox, "2026-11-05 09:00", "property", "幸福里", "测试留言");
  g_autofree char *e = add_message (inbox, "2026-11-06 09:00", "property", "和平里", "楼上漏水");
  g_autofree char *fm = add_message (inbox, "2026-11-07 09:00", "sanitation", "幸福里", "垃圾桶满了一直没人清理");
  g_autofree char *g = add_message (inbox, "2026-12-01 09:00", "property", "和平里", "停车难");
  g_autoptr(GError) error = NULL;

  add_at (inbox, a, "contacted", "2026-11-02 10:00", NULL);
  add_at (inbox, a, "reply", "2026-11-03 10:00", "已清运");
  add_at (inbox, a, "callback", "2026-11-05 10:00", "yes/yes");
  add_at (inbox, b, "reply", "2026-11-05 09:00", "已报修");
  add_at (inbox, b, "callback", "2026-11-08 09:00", "partly/basically");
  add_at (inbox, d, "excluded", "2026-11-05 10:00", "工作人员测试录入");
  add_at (inbox, e, "waiting", "2026-11-06 12:00", "等居民在家时上门");
  add_at (inbox, e, "reply", "2026-11-10 09:00", "已维修");
  add_at (inbox, e, "callback", "2026-11-11 09:00", "no/no");
  add_at (inbox, e, "reopened", "2026-11-12 09:00", "又漏了");
  add_at (inbox, e, "reply", "2026-11-14 09:00", "已更换管道");
  add_at (inbox, e, "callback", "2026-11-15 09:00", "yes/yes");
  add_at (inbox, g, "reply", "2026-12-01 10:00", "已答复");
  g_assert_true (evg_inbox_merge (inbox, fm, a, &error));
  g_assert_no_error (error);
}

static void
test_rates (Fixture       *f,
            gconstpointer  data)
{
  static const struct {
    const char *category;
    double partly, basically;
    guint received, excluded, counted, responded, in_time, called_back;
    double response, resolution, satisfaction;
  } cases[] = {
    /* all: 2/4; (2 + 1 × 0.6)/3; (2 + 1 × 0.8)/3 */
    { NULL, 0.6, 0.8, 6, 2, 4, 3, 2, 3, 0.5, 2.6 / 3, 2.8 / 3 },
    /* other weights: (2 + 0.5)/3; (2 + 1)/3 */
    { NULL, 0.5, 1.0, 6, 2, 4, 3, 2, 3, 0.5, 2.5 / 3, 1.0 },
    /* sanitation (A B F): 1/2; (1 + 0.6)/2; (1 + 0.8)/2 */
    { "sanitation", 0.6, 0.8, 3, 1, 2, 2, 1, 2, 0.5, 0.8, 0.9 },
    /* property (C D E): 1/2; 1/1; 1/1 */
    { "property", 0.6, 0.8, 3, 1, 2, 1, 1, 1, 0.5, 1.0, 1.0 },
    /* no category has nothing: no rate */
    { "traffic", 0.6, 0.8, 0, 0, 0, 0, 0, 0, -1, -1, -1 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgInbox) inbox = evg_inbox_new (f->store, &error);
  EvgFeedbackRates months[2];

  make_november (inbox);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      EvgRateWeights weights = { cases[i].partly, cases[i].basically };

      g_assert_true (evg_inbox_set_weights (inbox, &weights, &error));
      g_assert_true (evg_inbox_compute_rates (inbox, "2026-11", 1, cases[i].category, months, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (months[0].received, ==, cases[i].received);
      g_assert_cmpuint (months[0].excluded, ==, cases[i].excluded);
      g_assert_cmpuint (months[0].counted, ==, cases[i].counted);
      g_assert_cmpuint (months[0].responded, ==, cases[i].responded);
      g_assert_cmpuint (months[0].responded_in_time, ==, cases[i].in_time);
      g_assert_cmpuint (months[0].called_back, ==, cases[i].called_back);
      g_assert_cmpfloat_with_epsilon (months[0].response_rate, cases[i].response, 1e-9);
      g_assert_cmpfloat_with_epsilon (months[0].resolution_rate, cases[i].resolution, 1e-9);
      g_assert_cmpfloat_with_epsilon (months[0].satisfaction_rate, cases[i].satisfaction, 1e-9);
    }

  /* Two months at once: December holds G, answered in an hour, and the
   * fixture's message, never answered. */
  g_assert_true (evg_inbox_compute_rates (inbox, "2026-11", 2, NULL, months, &error));
  g_assert_cmpuint (months[0].counted, ==, 4);
  g_assert_cmpuint (months[1].received, ==, 2);
  g_assert_cmpfloat_with_epsilon (months[1].response_rate, 0.5, 1e-9);
  g_assert_cmpfloat (months[1].satisfaction_rate, ==, -1);
  /* A year at once (counted on two connections) says the same of each
   * month as the month alone. */
  {
    EvgFeedbackRates year[12];

    g_assert_true (evg_inbox_compute_rates (inbox, "2026-01", 12, NULL, year, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (year[9].received, ==, 0);
    g_assert_cmpuint (year[10].received, ==, 6);
    g_assert_cmpuint (year[10].counted, ==, 4);
    g_assert_cmpuint (year[10].responded_in_time, ==, 2);
    g_assert_cmpuint (year[11].received, ==, 2);
    g_assert_cmpfloat_with_epsilon (year[10].satisfaction_rate, months[0].satisfaction_rate, 1e-9);
  }
  g_assert_false (evg_inbox_compute_rates (inbox, "11/2026x", 1, NULL, months, &error));
  g_assert_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID);
  g_clear_error (&error);

  /* A weight is a share. */
  {
    EvgRateWeights bad = { 1.5, 0.8 };

    g_assert_false (evg_inbox_set_weights (inbox, &bad, &error));
    g_assert_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_INVALID);
    g_clear_error (&error);
  }
  /* The settings are kept in the database: another service reads them. */
  {
    g_autoptr(EvgInbox) again = evg_inbox_new (f->store, &error);
    EvgRateWeights weights;
    g_autofree char *formula = evg_inbox_dup_formula (again, EVG_RATE_SATISFACTION);

    evg_inbox_get_weights (again, &weights);
    g_assert_cmpfloat (weights.basically_satisfied, ==, 0.8);
    g_assert_nonnull (strstr (formula, "0.8"));
  }

  /* The month's export: its messages and, below, the rates. */
  {
    g_autofree char *path = g_build_filename (f->dir, "november.csv", NULL);
    g_autofree char *text = NULL;

    g_assert_true (evg_inbox_export_month (inbox, "2026-11", path, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
    g_assert_nonnull (strstr (text, "收到时间,渠道,类别"));
    g_assert_nonnull (strstr (text, "楼上漏水"));
    g_assert_null (strstr (text, "停车难"));
    g_assert_nonnull (strstr (text, "响应率,50.0%"));
    g_assert_nonnull (strstr (text, "满意率,93.3%"));
  }
}

/* What the rates read is kept in feedback_rate_input by triggers: it holds
 * exactly what the messages and their events give when asked afresh. */
#define FRESH_RATE_INPUT \
  "SELECT f.received_at, f.rowid, f.category, f.response_due, f.merged_into IS NOT NULL," \
  "  (SELECT group_concat (e.kind || '|' || ifnull (e.at, '') || '|' || ifnull (e.resolved, '')" \
  "                        || '|' || ifnull (e.satisfied, '') || '|' || e.rowid, ';')" \
  "   FROM feedback_event e WHERE e.feedback_id = f.id AND e.deleted = 0" \
  "     AND e.kind IN ('contacted', 'waiting', 'reply', 'callback', 'excluded'))" \
  "FROM feedback f WHERE f.deleted = 0 AND f.received_at IS NOT NULL"

static void
assert_rate_input_whole (EvgStore *store)
{
  static const char *const directions[] = {
    "SELECT count(*) FROM (" FRESH_RATE_INPUT " EXCEPT SELECT * FROM feedback_rate_input)",
    "SELECT count(*) FROM (SELECT * FROM feedback_rate_input EXCEPT " FRESH_RATE_INPUT ")",
  };

  for (guint i = 0; i < G_N_ELEMENTS (directions); i++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (store), directions[i], -1, &stmt, NULL), ==,
                       SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
      sqlite3_finalize (stmt);
    }
}

static void
apply_change (EvgStore            *store,
              const char          *table,
              const char          *row_id,
              const EvgTestChange *change,
              gint64               seq)
{
  g_autoptr(EvgSyncPullResponse) page = evg_test_pull_page (table, row_id, change, seq);
  g_autoptr(GHashTable) changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  EvgSyncReport report = { 0 };

  g_assert_true (evg_sync_apply_pull (store, page, &report, changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.conflicts, ==, 0);
  g_assert_cmpuint (report.pulled, ==, 1);
}

/* Another device's message reaches this one after its events, as a pull
 * may bring them; the rates count them all the same, and an event taken
 * back leaves them. */
static void
test_rates_from_sync (Fixture       *f,
                      gconstpointer  data)
{
  static const char *message_id = "01900000-0000-7000-8000-00000000000a";
  static const EvgTestChange reply = {
    "0001900000001000", "site-b", "insert",
    "{\"feedback_id\":\"01900000-0000-7000-8000-00000000000a\",\"kind\":\"reply\","
    "\"at\":\"2026-10-05 10:00\",\"text\":\"已处理\"}" };
  static const EvgTestChange callback = {
    "0001900000002000", "site-b", "insert",
    "{\"feedback_id\":\"01900000-0000-7000-8000-00000000000a\",\"kind\":\"callback\","
    "\"at\":\"2026-10-06 10:00\",\"resolved\":\"yes\",\"satisfied\":\"basically\"}" };
  static const EvgTestChange message = {
    "0001900000000000", "site-b", "insert",
    "{\"received_at\":\"2026-10-05 09:00\",\"channel\":\"phone\",\"content\":\"井盖松动\","
    "\"status\":\"closed\",\"response_due\":\"2026-10-06 09:00\"}" };
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgInbox) inbox = evg_inbox_new (f->store, &error);
  EvgFeedbackRates october;

  apply_change (f->store, "feedback_event", "01900000-0000-7000-8000-0000000000e1", &reply, 1);
  apply_change (f->store, "feedback_event", "01900000-0000-7000-8000-0000000000e2", &callback, 2);
  assert_rate_input_whole (f->store);
  apply_change (f->store, "feedback", message_id, &message, 3);
  assert_rate_input_whole (f->store);

  g_assert_true (evg_inbox_compute_rates (inbox, "2026-10", 1, NULL, &october, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (october.received, ==, 1);
  g_assert_cmpuint (october.responded_in_time, ==, 1);
  g_assert_cmpuint (october.called_back, ==, 1);
  g_assert_cmpuint (october.basically_satisfied, ==, 1);

  /* Events are never taken back in the app; a repair by hand that does
   * is followed all the same. */
  g_assert_cmpint (sqlite3_exec (evg_store_get_db (f->store),
                                 "UPDATE feedback_event SET deleted = 1 WHERE kind = 'callback'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  assert_rate_input_whole (f->store);
  g_assert_true (evg_inbox_compute_rates (inbox, "2026-10", 1, NULL, &october, &error));
  g_assert_cmpuint (october.responded_in_time, ==, 1);
  g_assert_cmpuint (october.called_back, ==, 0);
  g_assert_cmpint (sqlite3_exec (evg_store_get_db (f->store),
                                 "UPDATE feedback_event SET deleted = 0, satisfied = 'no' WHERE kind = 'callback';"
                                 "DELETE FROM feedback WHERE id = '01900000-0000-7000-8000-00000000000a'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  assert_rate_input_whole (f->store);
  g_assert_true (evg_inbox_compute_rates (inbox, "2026-10", 1, NULL, &october, &error));
  g_assert_cmpuint (october.received, ==, 0);

  /* The service's own steps (a merge, a reopening) keep it whole too, and
   * a message moved to another category is counted there. */
  make_november (inbox);
  assert_rate_input_whole (f->store);
  g_assert_cmpint (sqlite3_exec (evg_store_get_db (f->store),
                                 "UPDATE feedback SET category = 'traffic' WHERE content = '楼上漏水'",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  assert_rate_input_whole (f->store);
  g_assert_true (evg_inbox_compute_rates (inbox, "2026-11", 1, "traffic", &october, &error));
  g_assert_cmpuint (october.received, ==, 1);
  g_assert_cmpuint (october.responded_in_time, ==, 1);
  g_assert_cmpuint (october.resolved, ==, 1);
}

/* A database of schema 11 moved to 12: its messages' rates read as
 * before, and the due times it had set are queued for the server. */
static void
test_rates_migration (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "i.db", NULL);
  g_autofree char *settings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgInbox) inbox = evg_inbox_new (f->store, &error);
  EvgFeedbackRates november;

  make_november (inbox);
  g_clear_object (&inbox);
  /* Back to schema 11, with due times of its own. */
  g_assert_cmpint (sqlite3_exec (evg_store_get_db (f->store),
                                 "DROP TRIGGER feedback_rate_input_insert;"
                                 "DROP TRIGGER feedback_rate_input_update;"
                                 "DROP TRIGGER feedback_rate_input_delete;"
                                 "DROP TRIGGER feedback_rate_input_event_insert;"
                                 "DROP TRIGGER feedback_rate_input_event_update;"
                                 "DROP TRIGGER feedback_rate_input_event_delete;"
                                 "DROP TABLE feedback_rate_input;"
                                 "DELETE FROM meta WHERE key = 'sync_page_settings';"
                                 "INSERT OR REPLACE INTO meta (key, value) VALUES"
                                 "  ('feedback_respond_hours', '48'), ('feedback_resolve_hours', '240');"
                                 "PRAGMA user_version = 11;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_finalize_object (g_steal_pointer (&f->store));
  f->store = evg_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (evg_store_get_schema_version (f->store), >=, 12);

  assert_rate_input_whole (f->store);
  inbox = evg_inbox_new (f->store, &error);
  g_assert_true (evg_inbox_compute_rates (inbox, "2026-11", 1, NULL, &november, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (november.received, ==, 6);
  g_assert_cmpuint (november.responded_in_time, ==, 2);
  g_assert_cmpuint (november.called_back, ==, 3);
  settings = evg_store_get_meta (f->store, "sync_page_settings");
  g_assert_cmpstr (settings, ==, "{\"respond_hours\":48,\"resolve_hours\":240}");
}

static void
test_merge_duplicates (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgInbox) inbox = evg_inbox_new (f->store, &error);
  g_autofree char *a = add_message (inbox, "2026-11-02 09:00", "sanitation", "幸福里", "3号楼门口垃圾桶满了没人清");
  g_autofree char *b = add_message (inbox, "2026-11-02 11:00", "sanitation", "幸福里", "3号楼垃圾桶满了，没人清理");
  g_autofree char *other_place = add_message (inbox, "2026-11-02 12:00", "sanitation", "和平里", "垃圾桶满了没人清");
  g_autofree char *unlike = add_message (inbox, "2026-11-02 13:00", "sanitation", "幸福里", "希望增加分类指导");
  g_autoptr(GPtrArray) suggestions = evg_inbox_suggest_duplicates (inbox, b, 5);
  g_autoptr(GPtrArray) events = NULL;

  /* Same category and place, a similar text: only A. */
  g_assert_cmpuint (suggestions->len, ==, 1);
  g_assert_cmpstr (evg_record_get_id (g_ptr_array_index (suggestions, 0)), ==, a);

  add_at (inbox, a, "reply", "2026-11-02 15:00", "已安排清运");
  g_assert_false (evg_inbox_merge (inbox, b, b, &error));
  g_assert_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_STEP);
  g_clear_error (&error);
  g_assert_true (evg_inbox_merge (inbox, b, a, &error));
  g_assert_no_error (error);
  g_assert_true (evg_inbox_get_flags (inbox, b) & EVG_FEEDBACK_FLAG_MERGED);
  assert_field (inbox, b, EVG_FEEDBACK_MERGED_INTO, a);
  /* B's resident has A's reply already, and every later one. */
  assert_field (inbox, b, EVG_FEEDBACK_STATUS, "replied");
  add_at (inbox, a, "reply", "2026-11-03 09:00", "已增加清运频次");
  add_at (inbox, a, "closed", "2026-11-03 10:00", NULL);
  events = evg_inbox_list_events (inbox, b, &error);
  g_assert_cmpuint (events->len, ==, 4);
  /* In time order: the merge itself was recorded today. */
  g_assert_cmpstr (evg_record_get (g_ptr_array_index (events, 0), EVG_FEEDBACK_EVENT_TEXT), ==, "已安排清运");
  g_assert_cmpstr (evg_record_get (g_ptr_array_index (events, 1), EVG_FEEDBACK_EVENT_TEXT), ==, "已增加清运频次");
  g_assert_cmpstr (evg_record_get (g_ptr_array_index (events, 3), EVG_FEEDBACK_EVENT_KIND), ==, "merged");
  assert_field (inbox, b, EVG_FEEDBACK_STATUS, "closed");
  /* B itself is handled through A: a step of its own is refused, a note
   * is not. */
  g_assert_null (evg_inbox_record (inbox, b, "reopened", NULL, &error));
  g_assert_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_STEP);
  g_assert_nonnull (strstr (error->message, "merged"));
  g_clear_error (&error);
  {
    g_autofree char *note = evg_inbox_record (inbox, b, "note", "居民又来电问过", &error);

    g_assert_no_error (error);
    g_assert_nonnull (note);
  }
  /* Merged into a merged one: refused, and said where to merge. */
  g_assert_false (evg_inbox_merge (inbox, unlike, b, &error));
  g_assert_error (error, EVG_INBOX_ERROR, EVG_INBOX_ERROR_STEP);
  g_clear_error (&error);

  /* Linked work is found from both sides. */
  g_assert_true (evg_inbox_link (inbox, other_place, "whistle", "whistle-1", "清理垃圾", &error));
  g_assert_no_error (error);
  {
    g_autoptr(GPtrArray) linked = evg_inbox_find_linked (inbox, "whistle-1");

    g_assert_cmpuint (linked->len, ==, 1);
    g_assert_cmpstr (evg_record_get (g_ptr_array_index (linked, 0), EVG_FEEDBACK_EVENT_FEEDBACK_ID), ==,
                     other_place);
  }
}

static char *
minutes_ago (gint64 minutes)
{
  g_autofree char *now = evg_dup_now_minute ();
  char at[EVG_MINUTE_SIZE];

  evg_format_minute (evg_parse_minute (now) - minutes, at);
  return g_strdup (at);
}

static void
test_overdue (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgInbox) inbox = evg_inbox_new (f->store, &error);
  g_autoptr(EvgFeedbackList) list = evg_feedback_list_new (inbox);
  g_autofree char *thirty_hours = minutes_ago (30 * 60);
  g_autofree char *eight_days = minutes_ago (8 * 24 * 60);
  g_autofree char *three_days = minutes_ago (3 * 24 * 60);
  g_autofree char *hour = minutes_ago (60);
  g_autofree char *late = add_message (inbox, thirty_hours, "other", NULL, "没人回复");
  g_autofree char *fresh = add_message (inbox, hour, "other", NULL, "刚收到的");
  g_autofree char *old = add_message (inbox, eight_days, "other", NULL, "一周多了");

  /* The fixture's message was written with no due times: never late. */
  g_assert_cmpuint (evg_inbox_get_flags (inbox, late), ==, EVG_FEEDBACK_FLAG_LATE_RESPONSE);
  g_assert_cmpuint (evg_inbox_get_flags (inbox, fresh), ==, 0);
  g_assert_cmpuint (evg_inbox_get_flags (inbox, old), ==,
                    EVG_FEEDBACK_FLAG_LATE_RESPONSE | EVG_FEEDBACK_FLAG_LATE_RESOLUTION);
  evg_feedback_list_set_overdue_only (list, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);

  /* Contacting is the response; waiting for the resident stops the
   * resolution clock, and the time waited is added to it. */
  add_at (inbox, late, "contacted", hour, NULL);
  g_assert_cmpuint (evg_inbox_get_flags (inbox, late), ==, 0);
  add_at (inbox, old, "waiting", three_days, "等居民提供照片");
  g_assert_cmpuint (evg_inbox_get_flags (inbox, old), ==, EVG_FEEDBACK_FLAG_WAITING);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  add_at (inbox, old, "resumed", hour, "照片已收到");
  /* Due 7 days after it came, plus the 3 days less an hour it waited:
   * a day and 23 hours ahead. */
  g_assert_cmpuint (evg_inbox_get_flags (inbox, old), ==, 0);
  g_assert_cmpuint (evg_inbox_count_overdue (inbox), ==, 0);
  g_free (late);
  late = add_message (inbox, eight_days, "other", NULL, "又一条没人管的");
  g_assert_cmpuint (evg_feedback_list_count_status (list, "overdue"), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpuint (evg_inbox_count_overdue (inbox), ==, 1);

  /* A fresh inbox reads the same from the database. */
  {
    g_autoptr(EvgInbox) again = evg_inbox_new (f->store, &error);

    g_assert_cmpuint (evg_inbox_get_flags (again, old), ==, 0);
    g_assert_cmpuint (evg_inbox_count_overdue (again), ==, 1);
  }
}

static void
test_list_and_search (Fixture       *f,
                      gconstpointer  data)
{
  static const struct { const char *text; guint found; } searches[] = {
    { "灯", 1 }, { "楼道", 1 }, { "道灯坏", 1 }, { "灯坏了", 1 }, { "月", 1 },
    { "wang", 1 }, { "way", 1 }, { "3号楼", 1 }, { "幸福里", 2 }, { "垃圾", 1 },
    { "楼 垃圾", 1 }, { "灯 垃圾", 0 }, { "停车", 0 }, { "道坏", 0 }, { "  ", 2 }, { "“”！", 2 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgInbox) inbox = evg_inbox_new (f->store, &error);
  g_autoptr(EvgFeedbackList) list = evg_feedback_list_new (inbox);
  g_autofree char *id = add_message (inbox, "2026-12-02 08:00", "sanitation", "幸福里5号楼", "垃圾没人收");
  g_autoptr(EvgRecord) first = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (evg_record_get_id (first), ==, id);
  g_assert_cmpuint (evg_feedback_list_find (list, id), ==, 0);
  g_assert_cmpuint (evg_feedback_list_find (list, f->message), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      evg_feedback_list_set_search_text (list, searches[i].text);
      if (g_list_model_get_n_items (G_LIST_MODEL (list)) != searches[i].found)
        g_error ("“%s” found %u, not %u", searches[i].text, g_list_model_get_n_items (G_LIST_MODEL (list)),
                 searches[i].found);
    }

  /* By status: a reply moves it from new to replied; a reopened one is
   * in progress again. */
  evg_feedback_list_set_search_text (list, NULL);
  evg_feedback_list_set_status (list, "new");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  add_at (inbox, id, "reply", "2026-12-02 09:00", "已清运");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_cmpuint (evg_feedback_list_count_status (list, "replied"), ==, 1);
  add_at (inbox, id, "closed", "2026-12-02 10:00", NULL);
  add_at (inbox, id, "reopened", "2026-12-03 10:00", "又堆了");
  evg_feedback_list_set_status (list, "in_progress");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  g_assert_true (evg_inbox_get_flags (inbox, id) & EVG_FEEDBACK_FLAG_REOPENED);
  evg_feedback_list_set_status (list, NULL);
  g_assert_cmpuint (evg_feedback_list_count_status (list, NULL), ==, 2);

  /* Rows written by another connection (sync) reach the list. */
  {
    g_autofree char *synced = EVG_TEST_ROW (f->store, &evg_feedback_table,
                                            "received_at", "2026-12-04 09:00", "channel", "web",
                                            "content", "小区停车位不够", "status", "new");

    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3);
    evg_feedback_list_set_search_text (list, "停车");
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  }

  /* A word in many messages: the newest are given, and it says so. */
  {
    g_autofree char *newest = NULL;
    g_autoptr(GArray) found = NULL;
    gboolean more = FALSE;

    for (guint i = 0; i < 4; i++)
      {
        g_free (newest);
        newest = add_message (inbox, "2026-12-03 08:00", "facilities", NULL, "路灯不亮");
      }
    found = evg_inbox_search (inbox, "路灯", 3, &more, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (found->len, ==, 3);
    g_assert_true (more);
    g_clear_pointer (&found, g_array_unref);
    found = evg_inbox_search (inbox, "路灯", 10, &more, &error);
    g_assert_cmpuint (found->len, ==, 4);
    g_assert_false (more);
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
  g_test_add_func ("/evg/inbox/progress", test_progress);
  g_test_add ("/evg/inbox/service-rules", Fixture, NULL, fixture_set_up, test_service_rules,
              fixture_tear_down);
  g_test_add ("/evg/inbox/rates", Fixture, NULL, fixture_set_up, test_rates, fixture_tear_down);
  g_test_add ("/evg/inbox/rates-from-sync", Fixture, NULL, fixture_set_up, test_rates_from_sync,
              fixture_tear_down);
  g_test_add ("/evg/inbox/rates-migration", Fixture, NULL, fixture_set_up, test_rates_migration,
              fixture_tear_down);
  g_test_add ("/evg/inbox/merge-duplicates", Fixture, NULL, fixture_set_up, test_merge_duplicates,
              fixture_tear_down);
  g_test_add ("/evg/inbox/overdue", Fixture, NULL, fixture_set_up, test_overdue, fixture_tear_down);
  g_test_add ("/evg/inbox/list-and-search", Fixture, NULL, fixture_set_up, test_list_and_search,
              fixture_tear_down);
  return g_test_run ();
}
