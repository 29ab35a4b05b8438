/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "evg-schema.h"
#include "evg-store-private.h"
#include "evg-test-util.h"
#include "evg-txn.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = evg_test_make_dir ();
  f->path = g_build_filename (f->dir, "sub", "folder", "test.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static char *
file_checksum (const char *path)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, len);
}

static void
raw_exec (const char *path,
          const char *sql)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gint64
pragma_int (EvgStore   *store,
            const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
test_store_create_and_reopen (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = evg_store_open (f->path, &error);
  g_autofree char *site = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (evg_store_get_schema_version (store), ==, evg_schema_get_version ());
  g_assert_cmpuint (strlen (evg_store_get_site_id (store)), ==, 32);

  /* What makes a saved change survive a power cut. */
  g_assert_cmpint (pragma_int (store, "PRAGMA synchronous"), ==, 2);
  g_assert_cmpint (pragma_int (store, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (pragma_int (store, "PRAGMA user_version"), ==, evg_schema_get_version ());

  g_assert_true (evg_store_set_meta (store, "branch_name", "第一党支部", &error));
  g_assert_no_error (error);
  site = g_strdup (evg_store_get_site_id (store));
  g_clear_object (&store);

  store = evg_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (evg_store_get_site_id (store), ==, site);
  {
    g_autofree char *name = evg_store_get_meta (store, "branch_name");
    g_assert_cmpstr (name, ==, "第一党支部");
  }
  g_assert_true (evg_store_set_meta (store, "branch_name", NULL, &error));
  g_assert_null (evg_store_get_meta (store, "branch_name"));
}

static void
test_store_refuses_newer (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = evg_store_open (f->path, &error);
  g_autofree char *before = NULL, *after = NULL;
  g_autofree char *bump = NULL;

  g_assert_no_error (error);
  g_clear_object (&store);

  bump = g_strdup_printf ("PRAGMA user_version = %u", evg_schema_get_version () + 1);
  raw_exec (f->path, bump);
  before = file_checksum (f->path);

  store = evg_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "newer version"));
  after = file_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_store_refuses_not_a_database (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *before = NULL, *after = NULL;
  GString *junk = g_string_new (NULL);

  for (guint i = 0; i < 2000; i++)
    g_string_append (junk, "姓名,性别\n");
  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_set_contents (f->path, junk->str, junk->len, NULL));
  g_string_free (junk, TRUE);
  before = file_checksum (f->path);

  store = evg_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_DATABASE);
  after = file_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_store_refuses_foreign_database (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *before = NULL, *after = NULL;

  g_mkdir_with_parents (dir, 0700);
  raw_exec (f->path, "CREATE TABLE invoices (id INTEGER, total REAL); INSERT INTO invoices VALUES (1, 2.5)");
  before = file_checksum (f->path);

  store = evg_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_DATABASE);
  after = file_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_store_refuses_corrupt (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = evg_store_open (f->path, &error);
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gsize len = 0;

  g_assert_no_error (error);
  /* Checkpoint so that every page lives in the main file. */
  g_assert_true (evg_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", NULL));
  g_clear_object (&store);

  /* Scribble over the schema page, past the 100-byte file header. */
  g_assert_true (g_file_get_contents (f->path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 4096);
  for (gsize i = 100; i < 4096; i++)
    contents[i] = (char) (i * 7);
  g_assert_true (g_file_set_contents (f->path, contents, len, NULL));
  before = file_checksum (f->path);

  store = evg_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_true (g_error_matches (error, EVG_STORE_ERROR, EVG_STORE_ERROR_CORRUPT) ||
                 g_error_matches (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_DATABASE));
  g_assert_nonnull (strstr (error->message, "untouched"));
  after = file_checksum (f->path);
  g_assert_cmpstr (before, ==, after);
}

static void
test_store_migrates_from_older (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  sqlite3 *db = NULL;

  /* Build a version-1 database by hand, as the first release left it. */
  g_mkdir_with_parents (dir, 0700);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, evg_schema_get_migration (0), NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 1; PRAGMA application_id = 1163282225;"
                                     "INSERT INTO meta VALUES ('branch_code', 'B001')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = evg_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (evg_store_get_schema_version (store), ==, evg_schema_get_version ());
  {
    g_autofree char *code = evg_store_get_meta (store, "branch_code");
    g_assert_cmpstr (code, ==, "B001");
  }
}

/* Every synced table's columns, as SQLite has them, are its descriptor's:
 * the bookkeeping columns, then the data columns in the descriptor's order
 * with its SQL types.  Checked on a fresh database and on one made by each
 * older version and migrated. */
static void
assert_tables_match_descriptors (const char *path)
{
  static const char * const bookkeeping[] = { "id", "branch", "hlc", "field_hlc", "deleted" };
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = evg_store_open (path, &error);
  const EvgTableSpec **tables;
  guint n_tables;

  g_assert_no_error (error);
  tables = evg_schema_get_tables (&n_tables);
  for (guint t = 0; t < n_tables; t++)
    {
      const EvgTableSpec *spec = tables[t];
      g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (%s)", spec->name);
      sqlite3_stmt *stmt = NULL;
      guint i = 0;

      g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          const char *name = (const char *) sqlite3_column_text (stmt, 1);
          const char *type = (const char *) sqlite3_column_text (stmt, 2);

          if (i < G_N_ELEMENTS (bookkeeping))
            g_assert_cmpstr (name, ==, bookkeeping[i]);
          else
            {
              const EvgColumnSpec *col;

              g_assert_cmpuint (i - G_N_ELEMENTS (bookkeeping), <, spec->n_columns);
              col = &spec->columns[i - G_N_ELEMENTS (bookkeeping)];
              g_assert_cmpstr (name, ==, col->name);
              g_assert_cmpstr (type, ==, col->type == EVG_COLUMN_INT ? "INTEGER" : "TEXT");
              /* What people see of it is described too. */
              g_assert_nonnull (col->label);
              g_assert_nonnull (col->field);
              g_assert_nonnull (col->header);
              g_assert_true (col->kind != EVG_FIELD_KIND_CHOICE || col->n_choices > 0);
            }
          i++;
        }
      sqlite3_finalize (stmt);
      g_assert_cmpuint (i, ==, G_N_ELEMENTS (bookkeeping) + spec->n_columns);
      g_assert_nonnull (spec->label);
    }
}

static void
test_store_tables_match_descriptors (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (f->path);

  g_mkdir_with_parents (dir, 0700);
  assert_tables_match_descriptors (f->path);

  for (guint version = 1; version < evg_schema_get_version (); version++)
    {
      g_autofree char *name = g_strdup_printf ("from-%u.db", version);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u; "
                                               "PRAGMA application_id = 1163282225;", version);
      sqlite3 *db = NULL;

      g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
      evg_store_add_functions (db);
      for (guint v = 0; v < version; v++)
        g_assert_cmpint (sqlite3_exec (db, evg_schema_get_migration (v), NULL, NULL, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, bump, NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);
      assert_tables_match_descriptors (path);
    }
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *stmt;
  char *text;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return text;
}

/* Versions 4 and 5 rewrite the outbox: entries keep their seq and the
 * sequence its place, the rewritten checks still refuse a bad entry, and
 * an entry's state moves into acked_seq: acknowledged up to the first
 * entry that is not, the rest waiting, a batch on its way included. */
static void
test_store_migrates_outbox (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (f->path);
  g_autofree char *states = NULL;
  g_autofree char *tables = NULL;
  sqlite3 *db = NULL;

  g_mkdir_with_parents (dir, 0700);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (sqlite3_exec (db, evg_schema_get_migration (i), NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 3; PRAGMA application_id = 1163282225;"
                                     "INSERT INTO outbox (seq, change_id, tbl, row_id, op, fields, hlc, state, batch_id)"
                                     "  VALUES (5, 'c5', 'member', 'r0', 'insert', '', '0000000000000001', 'acked', 'b1'),"
                                     "         (7, 'c7', 'member', 'r1', 'insert', '', '0000000000000001', 'acked', 'b1'),"
                                     "         (8, 'c8', 'member', 'r1', 'update', '{}', '0000000000000002', 'sent', 'b2'),"
                                     "         (9, 'c9', 'member', 'r1', 'update', '{}', '0000000000000002', 'pending', NULL),"
                                     "         (10, 'c10', 'member', 'r3', 'insert', '', '0000000000000002', 'acked', 'b3');"
                                     /* Entries after 10 were made and are gone. */
                                     "UPDATE sqlite_sequence SET seq = 40 WHERE name = 'outbox';",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = evg_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (evg_store_get_schema_version (store), ==, evg_schema_get_version ());
  db = evg_store_get_db (store);

  states = query_text (db, "SELECT group_concat (seq || ':' || change_id || ':' || state, ' ') "
                           "FROM (SELECT * FROM outbox_status ORDER BY seq)");
  g_assert_cmpstr (states, ==, "5:c5:acked 7:c7:acked 8:c8:pending 9:c9:pending 10:c10:pending");
  g_assert_cmpint (evg_store_count_pending (store), ==, 3);

  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO outbox (change_id, tbl, row_id, op, fields, hlc)"
                                     "  VALUES ('c41', 'member', 'r2', 'insert', '', '0000000000000003')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_last_insert_rowid (db), ==, 41);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO outbox (change_id, tbl, row_id, op, fields, hlc)"
                                     "  VALUES ('c42', 'member', 'r2', 'upsert', '', '0000000000000004')",
                                 NULL, NULL, NULL), ==, SQLITE_CONSTRAINT_CHECK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO outbox_batch VALUES ('b', 20, 19)", NULL, NULL, NULL),
                   ==, SQLITE_CONSTRAINT_CHECK);
  tables = query_text (db, "SELECT group_concat (name, ' ') FROM "
                           "  (SELECT name FROM sqlite_master WHERE name LIKE 'outbox%' ORDER BY name)");
  g_assert_cmpstr (tables, ==, "outbox outbox_batch outbox_status");
}

static void
test_store_default_path (void)
{
  g_autofree char *path = NULL;

  g_setenv ("EVG_DATABASE", "/tmp/elsewhere.db", TRUE);
  path = evg_store_default_path ();
  g_assert_cmpstr (path, ==, "/tmp/elsewhere.db");
  g_free (path);

  g_unsetenv ("EVG_DATABASE");
  path = evg_store_default_path ();
  g_assert_true (g_str_has_suffix (path, "/e-vanguard/e-vanguard.db"));
}

static gint64
file_size (const char *path)
{
  GStatBuf st = { 0 };

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_size;
}

/* Writes some 12 MB of members in one transaction: well over the
 * thousand pages of log after which a commit checkpoints, whatever the
 * page size. */
static void
big_write (EvgStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = evg_store_begin (store, &error);
  g_autofree char *text = g_strnfill (EVG_SCHEMA_DEFAULT_MAX_CHARS, 'x');

  g_assert_no_error (error);
  for (guint i = 0; i < 12000; i++)
    {
      g_autoptr(EvgFieldSet) fields = evg_field_set_new_for ("member");
      g_autofree char *id = NULL;

      evg_field_set_set (fields, "note", text);
      evg_field_set_set (fields, "address", text);
      id = evg_txn_insert (txn, fields, NULL, &error);
      g_assert_no_error (error);
    }
  g_assert_true (evg_txn_commit (txn, &error));
  g_assert_no_error (error);
}

/* While a connection holds the checkpoint, no commit of this process
 * copies the log into the database; the holder does when it is ready,
 * and after that commits checkpoint as SQLite's own rule has it. */
static void
test_store_checkpoint_hold (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = evg_store_open (f->path, &error);
  g_autoptr(EvgStore) worker = NULL;
  gint64 before;

  g_assert_no_error (error);
  worker = evg_store_open_sibling (store, &error);
  g_assert_no_error (error);

  /* Without a hold the committing connection checkpoints. */
  before = file_size (f->path);
  big_write (store);
  g_assert_cmpint (file_size (f->path), >, before + 10000000);

  evg_store_hold_checkpoint (worker);
  before = file_size (f->path);
  big_write (store);
  big_write (worker);
  g_assert_cmpint (file_size (f->path), ==, before);

  g_assert_true (evg_store_checkpoint (worker, &error));
  g_assert_no_error (error);
  g_assert_cmpint (file_size (f->path), >, before + 20000000);

  /* Released: commits checkpoint again. */
  before = file_size (f->path);
  big_write (store);
  g_assert_cmpint (file_size (f->path), >, before + 10000000);

  /* A holder that goes away releases its hold. */
  evg_store_hold_checkpoint (worker);
  g_clear_object (&worker);
  before = file_size (f->path);
  big_write (store);
  g_assert_cmpint (file_size (f->path), >, before + 10000000);
}

static gpointer
end_read_later (gpointer data)
{
  g_usleep (50000);
  g_assert_cmpint (sqlite3_exec (evg_store_get_db (data), "COMMIT", NULL, NULL, NULL), ==, SQLITE_OK);
  return NULL;
}

/* A reader on a snapshot from before the commit keeps the log from being
 * copied past it; the checkpoint waits for it a little. */
static void
test_store_checkpoint_waits_for_reader (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = evg_store_open (f->path, &error);
  g_autoptr(EvgStore) reader = NULL;
  GThread *thread;
  gint64 before;

  g_assert_no_error (error);
  reader = evg_store_open_sibling (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (evg_store_get_db (reader), "BEGIN; SELECT count(*) FROM party_group",
                                 NULL, NULL, NULL), ==, SQLITE_OK);

  evg_store_hold_checkpoint (store);
  before = file_size (f->path);
  big_write (store);
  thread = g_thread_new ("reader", end_read_later, reader);
  g_assert_true (evg_store_checkpoint (store, &error));
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_cmpint (file_size (f->path), >, before + 10000000);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/evg/store/create-reopen", Fixture, NULL, fixture_setup,
              test_store_create_and_reopen, fixture_teardown);
  g_test_add ("/evg/store/refuse/newer", Fixture, NULL, fixture_setup,
              test_store_refuses_newer, fixture_teardown);
  g_test_add ("/evg/store/refuse/not-a-database", Fixture, NULL, fixture_setup,
              test_store_refuses_not_a_database, fixture_teardown);
  g_test_add ("/evg/store/refuse/foreign", Fixture, NULL, fixture_setup,
              test_store_refuses_foreign_database, fixture_teardown);
  g_test_add ("/evg/store/refuse/corrupt", Fixture, NULL, fixture_setup,
              test_store_refuses_corrupt, fixture_teardown);
  g_test_add ("/evg/store/migrate", Fixture, NULL, fixture_setup,
              test_store_migrates_from_older, fixture_teardown);
  g_test_add ("/evg/store/migrate-outbox", Fixture, NULL, fixture_setup,
              test_store_migrates_outbox, fixture_teardown);
  g_test_add ("/evg/store/tables-match-descriptors", Fixture, NULL, fixture_setup,
              test_store_tables_match_descriptors, fixture_teardown);
  g_test_add_func ("/evg/store/default-path", test_store_default_path);
  g_test_add ("/evg/store/checkpoint-hold", Fixture, NULL, fixture_setup,
              test_store_checkpoint_hold, fixture_teardown);
  g_test_add ("/evg/store/checkpoint-waits-for-reader", Fixture, NULL, fixture_setup,
              test_store_checkpoint_waits_for_reader, fixture_teardown);

  return g_test_run ();
}
