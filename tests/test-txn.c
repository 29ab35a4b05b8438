/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-schema.h"
#include "evg-sync-private.h"
#include "evg-test-outbox.h"
#include "evg-test-util.h"
#include "evg-txn.h"

typedef struct
{
  char     *dir;
  EvgStore *store;
  gint64    now;
  gint64    server_seq;   /* the last seq answer_batch() gave out */
} Fixture;

static gint64
fixture_clock (gpointer user_data)
{
  return ((Fixture *) user_data)->now;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = evg_test_make_dir ();
  path = g_build_filename (f->dir, "txn.db", NULL);
  f->store = evg_store_open (path, &error);
  g_assert_no_error (error);
  f->now = 1700000000000;
  evg_store_set_clock (f->store, fixture_clock, f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_assert_finalize_object (f->store);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
}

static gint64
count (Fixture    *f,
       const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (f->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static char *
text (Fixture    *f,
      const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (f->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static char *
insert_group (Fixture    *f,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);
  g_autoptr(EvgFieldSet) fields = evg_field_set_new_for ("party_group");
  char *id;

  g_assert_no_error (error);
  evg_field_set_set (fields, "name", name);
  evg_field_set_set_int (fields, "sort_order", 3);
  id = evg_txn_insert (txn, fields, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (evg_txn_commit (txn, &error));
  g_assert_no_error (error);
  return id;
}

static void
test_txn_insert_writes_outbox (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *fields = NULL;
  g_autofree char *hlc = NULL;
  g_autofree char *row_hlc = NULL;

  evg_store_set_meta (f->store, "branch_code", "B042", NULL);
  id = insert_group (f, "第一党小组");

  g_assert_cmpint (count (f, "SELECT count(*) FROM party_group WHERE deleted = 0"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox_status JOIN outbox USING (seq) WHERE op = 'insert' AND state = 'pending'"), ==, 1);
  /* The entry points at its row: the values are read when it is sent. */
  fields = text (f, "SELECT fields FROM outbox");
  g_assert_cmpstr (fields, ==, EVG_OUTBOX_FIELDS_FROM_ROW);
  hlc = text (f, "SELECT hlc FROM outbox");
  row_hlc = text (f, "SELECT hlc FROM party_group");
  g_assert_cmpstr (hlc, ==, row_hlc);
  {
    g_autofree char *branch = text (f, "SELECT branch FROM party_group");
    g_autofree char *last = text (f, "SELECT last_hlc FROM sync_state");
    g_assert_cmpstr (branch, ==, "B042");
    g_assert_cmpstr (last, ==, hlc);
  }
  g_assert_cmpint (evg_store_count_pending (f->store), ==, 1);
  evg_test_assert_outbox_covers_all (f->store);
}

static void
test_txn_update_only_changed (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = insert_group (f, "第一党小组");
  g_autofree char *insert_hlc = text (f, "SELECT hlc FROM party_group");
  g_autoptr(EvgFieldSet) fields = evg_field_set_new_for ("party_group");
  EvgTxn *txn;

  /* Same values: no change, no outbox entry. */
  txn = evg_store_begin (f->store, &error);
  evg_field_set_set (fields, "name", "第一党小组");
  evg_field_set_set_int (fields, "sort_order", 3);
  g_assert_true (evg_txn_update (txn, id, fields, &error));
  g_assert_no_error (error);
  g_assert_true (evg_txn_commit (txn, &error));
  evg_txn_free (txn);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 1);

  /* One changed value: only it travels, with the clock it replaced. */
  f->now += 10;
  evg_field_set_clear (fields);
  evg_field_set_set (fields, "name", "第二党小组");
  evg_field_set_set_int (fields, "sort_order", 3);
  txn = evg_store_begin (f->store, &error);
  g_assert_true (evg_txn_update (txn, id, fields, &error));
  g_assert_true (evg_txn_commit (txn, &error));
  evg_txn_free (txn);

  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 2);
  {
    g_autofree char *json = text (f, "SELECT fields FROM outbox WHERE op = 'update'");
    g_autofree char *base = text (f, "SELECT base_hlc FROM outbox WHERE op = 'update'");
    g_autofree char *name_clock = text (f, "SELECT json_extract(field_hlc, '$.name') FROM party_group");
    g_autofree char *row_hlc = text (f, "SELECT hlc FROM party_group");
    g_autofree char *default_clock = text (f, "SELECT json_extract(field_hlc, '$.\"*\"') FROM party_group");

    g_assert_cmpstr (json, ==, "{\"name\":\"第二党小组\"}");
    g_assert_cmpstr (base, ==, insert_hlc);
    g_assert_cmpstr (name_clock, ==, row_hlc);
    g_assert_cmpstr (default_clock, ==, insert_hlc);
    g_assert_cmpstr (row_hlc, >, insert_hlc);
  }
  evg_test_assert_outbox_covers_all (f->store);
}

static void
test_txn_delete_tombstone (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = insert_group (f, "待删除");
  g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);

  g_assert_true (evg_txn_delete (txn, "party_group", id, &error));
  g_assert_no_error (error);
  g_assert_true (evg_txn_commit (txn, &error));

  g_assert_cmpint (count (f, "SELECT count(*) FROM party_group"), ==, 1);
  g_assert_cmpint (evg_store_count_rows (f->store, "party_group", NULL), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox WHERE op = 'delete' AND fields = '{}'"), ==, 1);
  evg_test_assert_outbox_covers_all (f->store);
}

static void
test_txn_update_missing_row (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);
  g_autoptr(EvgFieldSet) fields = evg_field_set_new_for ("party_group");

  evg_field_set_set (fields, "name", "x");
  g_assert_false (evg_txn_update (txn, "no-such-id", fields, &error));
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (evg_txn_delete (txn, "party_group", "no-such-id", &error));
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_FOUND);
}

/* The outbox entry fails after the row went in: neither may remain. */
static void
test_txn_failed_write_leaves_nothing (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgFieldSet) fields = evg_field_set_new_for ("party_group");
  g_autofree char *kept = insert_group (f, "保留");
  g_autofree char *id = NULL;
  EvgTxn *txn;

  g_assert_true (evg_store_exec (f->store,
                                 "CREATE TEMP TRIGGER fail_outbox BEFORE INSERT ON outbox "
                                 "WHEN (SELECT name FROM party_group WHERE id = NEW.row_id) = '失败' "
                                 "BEGIN SELECT RAISE(ABORT, 'simulated failure'); END",
                                 NULL));

  txn = evg_store_begin (f->store, &error);
  evg_field_set_set (fields, "name", "失败");
  id = evg_txn_insert (txn, fields, NULL, &error);
  g_assert_null (id);
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* The transaction is still usable and the other write commits. */
  evg_field_set_set (fields, "name", "成功");
  g_free (evg_txn_insert (txn, fields, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (evg_txn_commit (txn, &error));
  evg_txn_free (txn);

  g_assert_cmpint (count (f, "SELECT count(*) FROM party_group WHERE name = '失败'"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM party_group"), ==, 2);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 2);
  evg_test_assert_outbox_covers_all (f->store);
}

static void
test_txn_rollback_on_free (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgFieldSet) fields = evg_field_set_new_for ("party_group");
  EvgTxn *txn = evg_store_begin (f->store, &error);
  g_autofree char *id = NULL;

  evg_field_set_set (fields, "name", "未保存");
  id = evg_txn_insert (txn, fields, NULL, &error);
  g_assert_nonnull (id);
  evg_txn_free (txn);

  g_assert_cmpint (count (f, "SELECT count(*) FROM party_group"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 0);

  /* A new transaction can start once the old one is gone. */
  txn = evg_store_begin (f->store, &error);
  g_assert_no_error (error);
  evg_txn_free (txn);
}

static void
on_changed (EvgStore   *store,
            const char *table,
            GPtrArray  *ids,
            gpointer    user_data)
{
  GPtrArray *seen = user_data;

  g_assert_cmpstr (table, ==, "party_group");
  g_assert_nonnull (ids);
  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (seen, g_strdup (g_ptr_array_index (ids, i)));
}

static void
test_txn_changed_after_commit (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *id = NULL;
  gulong handler;

  handler = g_signal_connect (f->store, "changed", G_CALLBACK (on_changed), seen);
  id = insert_group (f, "通知");
  g_signal_handler_disconnect (f->store, handler);

  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, id);
}

/* Two connections (the window's and a worker's) share one clock: a later
 * write never gets an earlier clock, even with the PC clock set back. */
static void
test_txn_clock_shared_and_persisted (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) other = NULL;
  g_autofree char *first = NULL;
  g_autofree char *a = insert_group (f, "甲");
  g_autofree char *b = NULL;
  g_autoptr(EvgFieldSet) fields = evg_field_set_new_for ("party_group");
  EvgTxn *txn;

  first = text (f, "SELECT hlc FROM party_group");
  other = evg_store_open_sibling (f->store, &error);
  g_assert_no_error (error);

  /* The sibling uses the real clock, which is far later than the fixture's,
   * then the fixture's clock writes again: it must still order after. */
  txn = evg_store_begin (other, &error);
  evg_field_set_set (fields, "name", "乙");
  b = evg_txn_insert (txn, fields, NULL, &error);
  g_assert_true (evg_txn_commit (txn, &error));
  evg_txn_free (txn);

  f->now -= 60 * 1000;
  {
    g_autofree char *c = insert_group (f, "丙");
    g_autofree char *hb = text (f, "SELECT hlc FROM party_group WHERE name = '乙'");
    g_autofree char *hc = text (f, "SELECT hlc FROM party_group WHERE name = '丙'");
    g_assert_cmpstr (hb, >, first);
    g_assert_cmpstr (hc, >, hb);
  }
  g_clear_object (&other);
}

/* Member rows named 成员0, 成员1, … for evg_txn_insert_rows(). */
static GPtrArray *
member_rows (guint n)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_field_set_free);

  for (guint i = 0; i < n; i++)
    {
      EvgFieldSet *fields = evg_field_set_new_for ("member");
      g_autofree char *name = g_strdup_printf ("成员%u", i);

      evg_field_set_set (fields, "name", name);
      g_ptr_array_add (rows, fields);
    }
  return rows;
}

/* Many rows at once: each keeps its own id, clock and outbox entry, in
 * order, and rows that leave out different columns still take the
 * columns' defaults. */
static void
test_txn_insert_rows (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);
  g_autoptr(GPtrArray) rows = member_rows (100);
  sqlite3_stmt *stmt = NULL;
  guint written = 0, n = 0;

  g_assert_no_error (error);
  evg_txn_set_all_or_nothing (txn);
  for (guint i = 0; i < rows->len; i++)
    {
      EvgFieldSet *fields = g_ptr_array_index (rows, i);

      if (i % 3 == 0)
        evg_field_set_set (fields, "full_member_on", "2001-07-01");
      /* lost_contact defaults to 0, not NULL: this row cannot share a
       * statement with rows that name it. */
      if (i != 50)
        evg_field_set_set_int (fields, "lost_contact", i % 2);
    }
  g_assert_true (evg_txn_insert_rows (txn, (EvgFieldSet **) rows->pdata, rows->len, &written, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (written, ==, 100);
  g_assert_true (evg_txn_commit (txn, &error));
  g_assert_no_error (error);

  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 100);
  g_assert_cmpint (count (f, "SELECT count(*) FROM member WHERE full_member_on IS NOT NULL"), ==, 34);
  g_assert_cmpint (count (f, "SELECT lost_contact FROM member WHERE name = '成员50'"), ==, 0);
  g_assert_cmpint (count (f, "SELECT lost_contact FROM member WHERE name = '成员51'"), ==, 1);
  g_assert_cmpint (count (f, "SELECT count(DISTINCT id) FROM member"), ==, 100);

  /* The outbox holds an entry pointing at each row, in the order of the
   * rows and of their clocks, with the row's clock. */
  g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (f->store),
                                       "SELECT o.fields, o.hlc > lag (o.hlc, 1, '') OVER (ORDER BY o.seq), "
                                       "  m.name, o.hlc = m.hlc "
                                       "FROM outbox o JOIN member m ON m.id = o.row_id ORDER BY o.seq",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      EvgFieldSet *fields = g_ptr_array_index (rows, n++);

      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, EVG_OUTBOX_FIELDS_FROM_ROW);
      g_assert_cmpint (sqlite3_column_int (stmt, 1), ==, 1);
      g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, evg_field_set_get (fields, "name"));
      g_assert_cmpint (sqlite3_column_int (stmt, 3), ==, 1);
    }
  sqlite3_finalize (stmt);
  g_assert_cmpuint (n, ==, 100);
  evg_test_assert_outbox_covers_all (f->store);
}

/* A row that fails inside a shared statement is named, and the
 * transaction then writes nothing. */
static void
test_txn_insert_rows_failure (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autoptr(GPtrArray) rows = member_rows (100);
  guint written = 0;

  g_assert_true (evg_store_exec (f->store,
                                 "CREATE TRIGGER fail BEFORE INSERT ON member "
                                 "WHEN NEW.name = '成员40' BEGIN SELECT RAISE (ABORT, 'injected'); END",
                                 NULL));
  txn = evg_store_begin (f->store, &error);
  g_assert_no_error (error);
  evg_txn_set_all_or_nothing (txn);
  g_assert_false (evg_txn_insert_rows (txn, (EvgFieldSet **) rows->pdata, rows->len, &written, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "injected"));
  g_assert_cmpuint (written, ==, 40);
  g_clear_error (&error);
  g_assert_false (evg_txn_commit (txn, &error));
  g_assert_nonnull (error);
  g_clear_pointer (&txn, evg_txn_free);

  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 0);
}

/* The change evg_sync_take_batch() must send for @table's row @id: its
 * values as stored now, in the form of evg_field_set_append_json(), under
 * the clock of its insert's outbox entry. */
static char *
expected_insert (Fixture    *f,
                 const char *table,
                 const char *id)
{
  const EvgTableSpec *spec = evg_schema_lookup_table (table);
  g_autoptr(EvgFieldSet) values = evg_field_set_new (spec);
  g_autoptr(GString) fields = g_string_new (NULL);
  GString *change = g_string_new (NULL);
  g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s WHERE id = ?", table);
  sqlite3_stmt *stmt = NULL;
  g_autofree char *change_id = NULL;
  g_autofree char *hlc = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (f->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  for (int col = 0; col < sqlite3_column_count (stmt); col++)
    if (evg_table_spec_find_column (spec, sqlite3_column_name (stmt, col)) >= 0 &&
        sqlite3_column_type (stmt, col) != SQLITE_NULL)
      evg_field_set_set (values, sqlite3_column_name (stmt, col), (const char *) sqlite3_column_text (stmt, col));
  sqlite3_finalize (stmt);
  evg_field_set_append_json (values, fields);

  g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (f->store),
                                       "SELECT change_id, hlc FROM outbox WHERE row_id = ? AND op = 'insert'",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  change_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  hlc = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  sqlite3_finalize (stmt);

  evg_sync_append_change (change, change_id, table, id, "insert", fields->str, hlc, NULL,
                          evg_store_get_site_id (f->store), 0);
  return g_string_free (change, FALSE);
}

static char *
member_id (Fixture *f,
           guint    n)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM member WHERE name = 'member-%u'", n);

  return text (f, sql);
}

/* Inserts point at their rows; a batch sends each row's values as they
 * are when it is taken, edits made after the insert included, and a
 * refused insert's conflict shows them too.  A transfer's insert keeps
 * the values it was made with. */
static void
test_txn_insert_entry_reads_row (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_field_set_free);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(EvgSyncPushResponse) response = g_new0 (EvgSyncPushResponse, 1);
  g_autofree char *batch_id = NULL;
  g_autofree char *edited = NULL;
  g_autofree char *cleared = NULL;
  g_autofree char *transfer = NULL;
  g_autofree char *copy = NULL;
  g_autofree char *local = NULL;
  EvgSyncReport report = { 0 };
  guint n_changes = 0;
  sqlite3_stmt *stmt = NULL;

  /* 40 members: a run of 32 written by one statement, the rest one by one. */
  for (guint i = 0; i < 40; i++)
    {
      EvgFieldSet *row = evg_field_set_new_for ("member");
      g_autofree char *name = g_strdup_printf ("member-%u", i);
      g_autofree char *phone = g_strdup_printf ("1380000%04u", i);

      evg_field_set_set (row, "name", name);
      evg_field_set_set (row, "phone", phone);
      evg_field_set_set (row, "note", "引号\"和\\反斜杠\n换行");
      evg_field_set_set_int (row, "lost_contact", 0);
      g_ptr_array_add (rows, row);
    }
  txn = evg_store_begin (f->store, &error);
  g_assert_no_error (error);
  evg_txn_set_all_or_nothing (txn);
  g_assert_true (evg_txn_insert_rows (txn, (EvgFieldSet * const *) rows->pdata, rows->len, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(EvgFieldSet) t = evg_field_set_new_for ("transfer");

    evg_field_set_set (t, "member_id", "m-1");
    evg_field_set_set (t, "to_branch", "B002");
    evg_field_set_set (t, "status", "issued");
    transfer = evg_txn_insert (txn, t, NULL, &error);
    g_assert_no_error (error);
  }
  g_assert_true (evg_txn_commit (txn, &error));
  g_assert_no_error (error);
  g_clear_pointer (&txn, evg_txn_free);

  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox WHERE tbl = 'member' AND fields = ''"), ==, 40);
  copy = text (f, "SELECT fields FROM outbox WHERE tbl = 'transfer'");
  g_assert_cmpstr (copy, ==, "{\"member_id\":\"m-1\",\"to_branch\":\"B002\",\"status\":\"issued\"}");

  /* Edits before the first sync: one member of the run gets a new phone
   * and address, one of the others loses its phone, the transfer moves on. */
  edited = member_id (f, 5);
  cleared = member_id (f, 35);
  f->now += 1000;
  txn = evg_store_begin (f->store, &error);
  g_assert_no_error (error);
  {
    g_autoptr(EvgFieldSet) e = evg_field_set_new_for ("member");
    g_autoptr(EvgFieldSet) c = evg_field_set_new_for ("member");
    g_autoptr(EvgFieldSet) t = evg_field_set_new_for ("transfer");

    evg_field_set_set (e, "phone", "13999999999");
    evg_field_set_set (e, "address", "某某社区");
    g_assert_true (evg_txn_update (txn, edited, e, &error));
    evg_field_set_set (c, "phone", NULL);
    g_assert_true (evg_txn_update (txn, cleared, c, &error));
    evg_field_set_set (t, "status", "accepted");
    g_assert_true (evg_txn_update (txn, transfer, t, &error));
  }
  g_assert_true (evg_txn_commit (txn, &error));
  g_assert_no_error (error);

  g_assert_true (evg_sync_take_batch (f->store, 1000, NULL, &batch_id, body, &n_changes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_changes, ==, 44);
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *id = member_id (f, i);
      g_autofree char *change = expected_insert (f, "member", id);

      g_assert_nonnull (strstr (body->str, change));
    }
  {
    g_autofree char *change = expected_insert (f, "member", edited);

    g_assert_nonnull (strstr (change, "\"phone\":\"13999999999\",\"address\":\"某某社区\""));
    g_assert_nonnull (strstr (change, "\"lost_contact\":0,\"mobile_member\":0"));
    g_assert_nonnull (strstr (change, "\\\"和\\\\反斜杠\\n换行"));
    g_free (change);
    change = expected_insert (f, "member", cleared);
    g_assert_null (strstr (change, "phone"));
  }
  /* The transfer goes out as it was issued, then the change of status. */
  g_assert_nonnull (strstr (body->str, "\"op\":\"insert\",\"fields\":{\"member_id\":\"m-1\","
                                       "\"to_branch\":\"B002\",\"status\":\"issued\"}"));
  /* The edits follow, with their own clocks. */
  g_assert_nonnull (strstr (body->str, "\"op\":\"update\",\"fields\":{\"phone\":\"13999999999\","
                                       "\"address\":\"某某社区\"}"));

  /* The server refuses the edited member's insert: the conflict shows the
   * row's values, not an empty object. */
  response->batch_id = g_strdup (batch_id);
  response->results = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_sync_result_free);
  g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (f->store),
                                       "SELECT change_id, row_id = ?1 AND op = 'insert' FROM outbox",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, edited, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      EvgSyncResult *result = g_new0 (EvgSyncResult, 1);

      result->change_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      result->status = sqlite3_column_int (stmt, 1) ? EVG_SYNC_STATUS_REJECTED : EVG_SYNC_STATUS_APPLIED;
      result->reason = g_strdup ("not_owner");
      g_ptr_array_add (response->results, result);
    }
  sqlite3_finalize (stmt);
  g_assert_true (evg_sync_ack_batch (f->store, batch_id, response, &report, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (report.rejected, ==, 1);
  g_assert_cmpuint (report.pushed, ==, 43);
  local = text (f, "SELECT local_value FROM conflicts WHERE kind = 'rejected'");
  {
    g_autofree char *change = expected_insert (f, "member", edited);

    g_assert_nonnull (local);
    g_assert_cmpuint (strlen (local), >, 2);
    g_assert_nonnull (strstr (change, local));
    g_assert_nonnull (strstr (local, "\"phone\":\"13999999999\""));
  }
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox_status WHERE state != 'acked'"), ==, 0);
}

/* An answer settling every change of @batch_id except @left_out (may be NULL). */
static EvgSyncPushResponse *
answer_batch (Fixture    *f,
              const char *batch_id,
              const char *body,
              const char *left_out)
{
  EvgSyncPushResponse *response = g_new0 (EvgSyncPushResponse, 1);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  response->batch_id = g_strdup (batch_id);
  response->epoch = g_strdup ("epoch-1");
  response->results = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_sync_result_free);
  g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (f->store), "SELECT change_id FROM outbox",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *change_id = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *quoted = g_strdup_printf ("\"change_id\":\"%s\"", change_id);
      EvgSyncResult *result;

      if (strstr (body, quoted) == NULL || g_strcmp0 (change_id, left_out) == 0)
        continue;
      result = g_new0 (EvgSyncResult, 1);
      result->change_id = g_strdup (change_id);
      result->status = EVG_SYNC_STATUS_APPLIED;
      result->seq = ++f->server_seq;
      g_ptr_array_add (response->results, result);
    }
  sqlite3_finalize (stmt);
  return response;
}

static char *
states (Fixture *f)
{
  return text (f, "SELECT group_concat (state, ' ') FROM (SELECT state FROM outbox_status ORDER BY seq)");
}

/* A batch is a range of entries: the one on its way goes again with the
 * same id and changes until answered, the next is made behind it, an
 * answer settles its batch only, an entry it leaves out goes into a later
 * batch, and a restored server gets everything again. */
static void
test_txn_outbox_batches (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GString) next_body = g_string_new (NULL);
  g_autoptr(GString) again = g_string_new (NULL);
  g_autoptr(EvgSyncPushResponse) response = NULL;
  g_autofree char *first = NULL;
  g_autofree char *next = NULL;
  g_autofree char *repeat = NULL;
  g_autofree char *left_out = NULL;
  g_autofree char *state_text = NULL;
  EvgSyncReport report = { 0 };
  guint n = 0, next_n = 0;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *name = g_strdup_printf ("第%u党小组", i + 1);
      g_autofree char *id = insert_group (f, name);
    }

  /* Nothing sent yet. */
  g_assert_true (evg_sync_take_batch (f->store, 2, NULL, &first, body, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 2);
  state_text = states (f);
  g_assert_cmpstr (state_text, ==, "sent sent pending pending pending");
  g_clear_pointer (&state_text, g_free);

  /* Taken again without an answer: the very same batch. */
  g_assert_true (evg_sync_take_batch (f->store, 2, NULL, &repeat, again, &n, &error));
  g_assert_cmpstr (repeat, ==, first);
  g_assert_cmpstr (again->str, ==, body->str);

  /* The next one, made while the first is on its way. */
  g_assert_true (evg_sync_take_batch (f->store, 2, first, &next, next_body, &next_n, &error));
  g_assert_cmpuint (next_n, ==, 2);
  g_assert_cmpstr (next, !=, first);
  state_text = states (f);
  g_assert_cmpstr (state_text, ==, "sent sent sent sent pending");
  g_clear_pointer (&state_text, g_free);

  /* The second batch cannot be settled before the first. */
  response = answer_batch (f, next, next_body->str, NULL);
  g_assert_false (evg_sync_ack_batch (f->store, next, response, &report, &error));
  g_assert_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE);
  g_clear_error (&error);
  g_clear_pointer (&response, evg_sync_push_response_free);
  g_assert_cmpint (evg_store_count_pending (f->store), ==, 5);

  /* The first answer leaves its second change out: that one goes last. */
  left_out = text (f, "SELECT change_id FROM outbox ORDER BY seq LIMIT 1 OFFSET 1");
  response = answer_batch (f, first, body->str, left_out);
  g_assert_true (evg_sync_ack_batch (f->store, first, response, &report, &error));
  g_assert_no_error (error);
  g_clear_pointer (&response, evg_sync_push_response_free);
  g_assert_cmpuint (report.pushed, ==, 1);
  state_text = states (f);
  g_assert_cmpstr (state_text, ==, "acked sent sent pending pending");
  g_clear_pointer (&state_text, g_free);
  state_text = text (f, "SELECT change_id FROM outbox ORDER BY seq DESC LIMIT 1");
  g_assert_cmpstr (state_text, ==, left_out);
  g_clear_pointer (&state_text, g_free);
  g_assert_cmpint (evg_store_count_pending (f->store), ==, 4);

  /* A repeated answer to a settled batch changes nothing. */
  response = answer_batch (f, first, body->str, NULL);
  g_assert_true (evg_sync_ack_batch (f->store, first, response, &report, &error));
  g_clear_pointer (&response, evg_sync_push_response_free);
  g_assert_cmpuint (report.pushed, ==, 1);
  g_assert_cmpint (evg_store_count_pending (f->store), ==, 4);

  response = answer_batch (f, next, next_body->str, NULL);
  g_assert_true (evg_sync_ack_batch (f->store, next, response, &report, &error));
  g_assert_no_error (error);
  g_clear_pointer (&response, evg_sync_push_response_free);

  /* The rest, the left-out change among them, in one batch. */
  g_clear_pointer (&first, g_free);
  g_assert_true (evg_sync_take_batch (f->store, 10, NULL, &first, body, &n, &error));
  g_assert_cmpuint (n, ==, 2);
  g_assert_nonnull (strstr (body->str, left_out));
  response = answer_batch (f, first, body->str, NULL);
  g_assert_true (evg_sync_ack_batch (f->store, first, response, &report, &error));
  g_clear_pointer (&response, evg_sync_push_response_free);
  g_assert_cmpuint (report.pushed, ==, 5);
  g_assert_cmpint (evg_store_count_pending (f->store), ==, 0);
  /* The server's numbers of the five changes: the refused answer gave
   * out 1–2 that the server never kept, the repeat 4–5, and the three
   * answers that counted 3, 6–7 and 8–9 (a range after the last extends
   * it).  A pull names them. */
  state_text = text (f, "SELECT group_concat (first_seq || '-' || last_seq || ':' || n_changes, ' ') "
                        "FROM (SELECT * FROM own_seq_range ORDER BY first_seq)");
  g_assert_cmpstr (state_text, ==, "3-3:1 6-9:4");
  g_clear_pointer (&state_text, g_free);
  state_text = evg_sync_known_ranges (f->store, 5);
  g_assert_cmpstr (state_text, ==, "6-9:4");
  g_clear_pointer (&state_text, g_free);

  /* Nothing left: no batch. */
  g_clear_pointer (&first, g_free);
  g_assert_true (evg_sync_take_batch (f->store, 10, NULL, &first, body, &n, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 0);
  g_assert_null (first);

  /* A server restored from a backup gets all five again. */
  g_assert_true (evg_sync_begin_resync (f->store, "epoch-2", &error));
  g_assert_no_error (error);
  g_assert_cmpint (evg_store_count_pending (f->store), ==, 5);
  g_assert_null (evg_sync_known_ranges (f->store, 0));
  g_assert_true (evg_sync_take_batch (f->store, 10, NULL, &first, body, &n, &error));
  g_assert_cmpuint (n, ==, 5);
}

/* A value outside its column's domain never reaches the row or the outbox:
 * the server would refuse it (see evg_sync_change_validate()). */
static void
test_txn_domain_checked (Fixture       *f,
                         gconstpointer  data)
{
  struct { const char *column, *value; } bad[] = {
    { "lost_contact", "-5" },
    { "mobile_member", "2" },
    { "gender", "alien" },
    { "ethnicity", "族族族族族族族族族族族族族族族族族族族族族" },
    { "birth_date", "1990-13-45" },
    { "dues_paid_until", "soon" },
    { "party_group_id", "a b" },
    { "name", NULL },             /* 51 characters, below */
    { "note", NULL },             /* 501 characters, below */
  };
  g_autofree char *long_name = g_strnfill (51, 'x');
  g_autofree char *long_note = g_strnfill (EVG_SCHEMA_DEFAULT_MAX_CHARS + 1, 'x');
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *id = NULL;
  gint64 outbox = count (f, "SELECT count(*) FROM outbox");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(EvgFieldSet) fields = evg_field_set_new_for ("member");
      g_autoptr(EvgTxn) attempt = evg_store_begin (f->store, &error);
      const char *value = bad[i].value;
      g_autofree char *made = NULL;

      g_assert_no_error (error);
      if (value == NULL)
        value = g_str_equal (bad[i].column, "name") ? long_name : long_note;
      evg_field_set_set (fields, bad[i].column, value);
      made = evg_txn_insert (attempt, fields, NULL, &error);
      g_assert_null (made);
      g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i].column));
      g_clear_error (&error);
    }
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, outbox);

  /* The same columns at their limits are written. */
  txn = evg_store_begin (f->store, &error);
  g_assert_no_error (error);
  {
    g_autoptr(EvgFieldSet) fields = evg_field_set_new_for ("member");

    long_name[50] = '\0';
    long_note[EVG_SCHEMA_DEFAULT_MAX_CHARS] = '\0';
    evg_field_set_set (fields, "name", long_name);
    evg_field_set_set (fields, "note", long_note);
    evg_field_set_set (fields, "lost_contact", "1");
    evg_field_set_set (fields, "gender", "female");
    evg_field_set_set (fields, "ethnicity", "回族");
    evg_field_set_set (fields, "birth_date", "1990-02-28");
    id = evg_txn_insert (txn, fields, NULL, &error);
    g_assert_no_error (error);
    g_assert_nonnull (id);
  }
  g_assert_true (evg_txn_commit (txn, &error));
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 1);
}

/* The transfer's state machine, through EvgTxn: a new transfer is issued,
 * it moves to accepted or refused once, and is then final. */
static void
test_txn_state_machine (Fixture       *f,
                        gconstpointer  data)
{
  const EvgTableSpec *spec = evg_schema_lookup_table ("transfer");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  struct {
    const char *status, *note;
    gboolean    deleting, allowed;
  } steps[] = {
    { "issued", "补充说明", FALSE, TRUE },     /* an issued transfer may be edited */
    { "issued>refused", NULL, FALSE, FALSE },  /* no such status */
    { "accepted", "已接收", FALSE, TRUE },
    { "issued", NULL, FALSE, FALSE },          /* never back */
    { "refused", NULL, FALSE, FALSE },         /* nor on to another end */
    { NULL, "改一下", FALSE, FALSE },          /* final: nothing changes */
    { NULL, NULL, TRUE, FALSE },               /* not even a delete */
  };

  /* The checks themselves. */
  g_assert_null (evg_table_spec_check_state (spec, FALSE, NULL, FALSE, NULL, TRUE));
  g_assert_null (evg_table_spec_check_state (spec, FALSE, NULL, TRUE, "issued", TRUE));
  g_assert_cmpstr (evg_table_spec_check_state (spec, FALSE, NULL, TRUE, "accepted", TRUE), ==, "forward_only");
  g_assert_null (evg_table_spec_check_state (spec, TRUE, NULL, TRUE, "accepted", TRUE));
  g_assert_null (evg_table_spec_check_state (spec, TRUE, "issued", TRUE, "refused", FALSE));
  g_assert_cmpstr (evg_table_spec_check_state (spec, TRUE, "refused", TRUE, "accepted", FALSE), ==, "locked");
  g_assert_cmpstr (evg_table_spec_check_state (spec, TRUE, "accepted", FALSE, NULL, TRUE), ==, "locked");
  g_assert_null (evg_table_spec_check_state (spec, TRUE, "accepted", TRUE, "accepted", FALSE));
  g_assert_null (evg_table_spec_check_state (evg_schema_lookup_table ("member"), TRUE, NULL, TRUE, "x", TRUE));

  /* A transfer may not begin accepted. */
  {
    g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);
    g_autoptr(EvgFieldSet) fields = evg_field_set_new (spec);
    g_autofree char *made = NULL;

    evg_field_set_set (fields, "member_id", "m1");
    evg_field_set_set (fields, "to_branch", "B002");
    evg_field_set_set (fields, "status", "accepted");
    made = evg_txn_insert (txn, fields, NULL, &error);
    g_assert_null (made);
    g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID);
    g_clear_error (&error);
  }
  {
    g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);
    g_autoptr(EvgFieldSet) fields = evg_field_set_new (spec);

    evg_field_set_set (fields, "member_id", "m1");
    evg_field_set_set (fields, "to_branch", "B002");
    id = evg_txn_insert (txn, fields, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (evg_txn_commit (txn, &error));
  }

  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    {
      g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);
      g_autoptr(EvgFieldSet) fields = evg_field_set_new (spec);
      gint64 outbox = count (f, "SELECT count(*) FROM outbox");
      gboolean done;

      g_assert_no_error (error);
      if (steps[i].status != NULL)
        evg_field_set_set (fields, "status", steps[i].status);
      if (steps[i].note != NULL)
        evg_field_set_set (fields, "note", steps[i].note);
      done = steps[i].deleting ? evg_txn_delete (txn, "transfer", id, &error)
                               : evg_txn_update (txn, id, fields, &error);
      if (steps[i].allowed)
        {
          g_assert_no_error (error);
          g_assert_true (done);
          g_assert_true (evg_txn_commit (txn, &error));
          g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, outbox + 1);
        }
      else
        {
          g_assert_false (done);
          g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID);
          g_clear_error (&error);
        }
    }
  {
    g_autofree char *status = text (f, "SELECT status || ' ' || deleted || ' ' || note FROM transfer");

    g_assert_cmpstr (status, ==, "accepted 0 已接收");
  }
}

/* An append-only type (feedback events, for one) is written once: EvgTxn
 * refuses an update, as the server refuses one it is sent. */
static void
test_txn_append_only (Fixture       *f,
                      gconstpointer  data)
{
  static const EvgColumnSpec columns[] = {
    { .name = "body", .type = EVG_COLUMN_TEXT, .kind = EVG_FIELD_KIND_TEXT,
      .field = "body", .header = "内容", .label = "Text" },
  };
  static const EvgTableSpec log_spec = {
    .name = "test_log", .label = "Entry", .columns = columns, .n_columns = G_N_ELEMENTS (columns),
    .policy = EVG_MERGE_APPEND_ONLY,
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&log_spec);
  g_autofree char *id = NULL;
  gint64 outbox;

  g_assert_cmpint (sqlite3_exec (evg_store_get_db (f->store),
                                 "CREATE TABLE test_log (id TEXT PRIMARY KEY, branch TEXT NOT NULL, "
                                 "hlc TEXT NOT NULL, field_hlc TEXT NOT NULL, "
                                 "deleted INTEGER NOT NULL DEFAULT 0, body TEXT)",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  txn = evg_store_begin (f->store, &error);
  evg_field_set_set (fields, "body", "回访：已解决");
  id = evg_txn_insert (txn, fields, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (evg_txn_commit (txn, &error));
  g_clear_pointer (&txn, evg_txn_free);

  outbox = count (f, "SELECT count(*) FROM outbox");
  txn = evg_store_begin (f->store, &error);
  evg_field_set_set (fields, "body", "改过的");
  g_assert_false (evg_txn_update (txn, id, fields, &error));
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, outbox);
  {
    g_autofree char *body = text (f, "SELECT body FROM test_log");

    g_assert_cmpstr (body, ==, "回访：已解决");
  }
}

/* A refused change's summary reads the server's reason from the stored
 * JSON object.  Stored text that is not an object is said to be damaged,
 * never taken for a refusal without a reason; and the reason is a member,
 * not a word found anywhere in the text. */
static void
test_txn_conflict_reason (Fixture       *f,
                          gconstpointer  data)
{
  static const struct
  {
    const char *remote;
    const char *said;
  } cases[] = {
    { "{\"reason\":\"not_owner\"}", "(it was transferred)" },
    { "{\"reason\":\"damaged\"}", "The server refused this change. It is kept here only." },
    { "{\"note\":\"not_owner\"}", "The server refused this change. It is kept here only." },
    { "{\"reason\":\"not_owner\"", "the reason saved with it is damaged" },
    { "[\"not_owner\"]", "the reason saved with it is damaged" },
    { "not_owner", "the reason saved with it is damaged" },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *row_id = g_strdup_printf ("row-%u", i);

      g_assert_true (evg_sync_add_conflict (f->store, "member", row_id, "rejected", NULL,
                                            cases[i].remote, NULL, &error));
      g_assert_no_error (error);
    }
  conflicts = evg_sync_list_conflicts (f->store, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, G_N_ELEMENTS (cases));
  for (guint i = 0; i < conflicts->len; i++)
    {
      g_autofree char *summary = evg_sync_conflict_dup_summary (g_ptr_array_index (conflicts, i));

      g_assert_cmpstr (evg_sync_conflict_get_remote_value (g_ptr_array_index (conflicts, i)), ==,
                       cases[i].remote);
      g_assert_nonnull (strstr (summary, cases[i].said));
    }
}

/* A person's choice is written back only from stored text that reads as a
 * JSON object: a damaged side is an error and writes nothing, the other
 * side can still be kept, and a refused change, which writes nothing back,
 * can be closed whatever its text. */
static void
test_txn_conflict_damaged (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *group = insert_group (f, "第一党小组");
  g_autofree char *name = NULL;
  gint64 entries = count (f, "SELECT count(*) FROM outbox");
  gint64 identity, rejected;

  g_assert_true (evg_sync_add_conflict (f->store, "party_group", group, "identity", "{\"name\":",
                                        "{\"name\":\"第二党小组\"}", "c-1", &error));
  g_assert_true (evg_sync_add_conflict (f->store, "party_group", group, "rejected",
                                        "{\"name\":\"第三党小组\"}", "{\"reason\"", "c-2", &error));
  g_assert_no_error (error);
  identity = count (f, "SELECT id FROM conflicts WHERE kind = 'identity'");
  rejected = count (f, "SELECT id FROM conflicts WHERE kind = 'rejected'");

  g_assert_false (evg_sync_resolve (f->store, identity, EVG_SYNC_RESOLUTION_KEEP_LOCAL, &error));
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_CORRUPT);
  g_clear_error (&error);
  name = text (f, "SELECT name FROM party_group");
  g_assert_cmpstr (name, ==, "第一党小组");
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, entries);
  g_assert_cmpint (count (f, "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL"), ==, 2);

  g_assert_true (evg_sync_resolve (f->store, identity, EVG_SYNC_RESOLUTION_KEEP_REMOTE, &error));
  g_assert_no_error (error);
  g_free (name);
  name = text (f, "SELECT name FROM party_group");
  g_assert_cmpstr (name, ==, "第二党小组");
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, entries + 1);

  g_assert_true (evg_sync_resolve (f->store, rejected, EVG_SYNC_RESOLUTION_KEEP_REMOTE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM conflicts WHERE resolved_at IS NULL"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, entries + 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/evg/txn/insert-outbox", test_txn_insert_writes_outbox);
  ADD ("/evg/txn/update-only-changed", test_txn_update_only_changed);
  ADD ("/evg/txn/delete-tombstone", test_txn_delete_tombstone);
  ADD ("/evg/txn/update-missing", test_txn_update_missing_row);
  ADD ("/evg/txn/failed-write-atomic", test_txn_failed_write_leaves_nothing);
  ADD ("/evg/txn/rollback-on-free", test_txn_rollback_on_free);
  ADD ("/evg/txn/changed-signal", test_txn_changed_after_commit);
  ADD ("/evg/txn/clock-shared", test_txn_clock_shared_and_persisted);
  ADD ("/evg/txn/insert-rows", test_txn_insert_rows);
  ADD ("/evg/txn/insert-rows-failure", test_txn_insert_rows_failure);
  ADD ("/evg/txn/insert-entry-reads-row", test_txn_insert_entry_reads_row);
  ADD ("/evg/txn/outbox-batches", test_txn_outbox_batches);
  ADD ("/evg/txn/domain-checked", test_txn_domain_checked);
  ADD ("/evg/txn/state-machine", test_txn_state_machine);
  ADD ("/evg/txn/append-only", test_txn_append_only);
  ADD ("/evg/txn/conflict-reason", test_txn_conflict_reason);
  ADD ("/evg/txn/conflict-damaged", test_txn_conflict_damaged);
#undef ADD

  return g_test_run ();
}
