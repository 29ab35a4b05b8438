/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <sqlite3.h>

#include "evg-sqlite.h"

/* The tests' own error domain stands for a store's: the plumbing must hand
 * every failure to its owner and keep none of its own. */
#define TEST_ERROR (test_error_quark ())
static G_DEFINE_QUARK (evg-test-sqlite-error-quark, test_error)

typedef struct
{
  sqlite3   *db;
  EvgSqlite *sqlite;
  guint      n_errors;
} Fixture;

static void
on_error (sqlite3   *db,
          int        rc,
          gpointer   user_data,
          GError   **error)
{
  Fixture *f = user_data;

  g_assert_true (db == f->db);
  g_assert_nonnull (error);
  f->n_errors++;
  g_set_error (error, TEST_ERROR, rc, "test: %s", sqlite3_errstr (rc));
}

static void
setup (Fixture       *f,
       EvgSqliteKey   key)
{
  g_assert_cmpint (sqlite3_open (":memory:", &f->db), ==, SQLITE_OK);
  f->sqlite = evg_sqlite_new (f->db, key, on_error, f);
  g_assert_true (evg_sqlite_get_db (f->sqlite) == f->db);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  setup (f, EVG_SQLITE_KEY_TEXT);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->sqlite, evg_sqlite_free);
  sqlite3_close (f->db);
}

static gint64
query_int (Fixture    *f,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 value = -1;

  g_assert_true (evg_sqlite_query_int (f->sqlite, sql, &value, &error));
  g_assert_no_error (error);
  return value;
}

/* Statements built at run time come back from the cache by their text,
 * reset and without the bindings of their last use. */
static void
test_cache_text (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *first = g_strdup ("SELECT ?");
  g_autofree char *second = g_strdup (first);
  sqlite3_stmt *stmt, *again;

  stmt = evg_sqlite_prepare (f->sqlite, first, NULL);
  g_assert_nonnull (stmt);
  sqlite3_bind_int (stmt, 1, 42);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);

  again = evg_sqlite_prepare (f->sqlite, second, NULL);
  g_assert_true (again == stmt);
  g_assert_cmpint (sqlite3_step (again), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_type (again, 0), ==, SQLITE_NULL);
  sqlite3_reset (again);
}

/* By address, two copies of one text are two statements: only a literal
 * finds its statement again. */
static void
test_cache_address (void)
{
  Fixture fixture = { 0 }, *f = &fixture;
  g_autofree char *copy = g_strdup ("SELECT 1");
  sqlite3_stmt *stmt;

  setup (f, EVG_SQLITE_KEY_ADDRESS);
  stmt = evg_sqlite_prepare (f->sqlite, "SELECT 1", NULL);
  g_assert_nonnull (stmt);
  g_assert_true (evg_sqlite_prepare (f->sqlite, "SELECT 1", NULL) == stmt);
  g_assert_true (evg_sqlite_prepare (f->sqlite, copy, NULL) != stmt);
  fixture_teardown (f, NULL);
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3_stmt *stmt;

  g_assert_false (evg_sqlite_exec (f->sqlite, "NOT SQL", &error));
  g_assert_error (error, TEST_ERROR, SQLITE_ERROR);
  g_clear_error (&error);

  g_assert_null (evg_sqlite_prepare (f->sqlite, "SELECT * FROM nowhere", &error));
  g_assert_error (error, TEST_ERROR, SQLITE_ERROR);
  g_clear_error (&error);

  g_assert_true (evg_sqlite_exec (f->sqlite, "CREATE TABLE t (x PRIMARY KEY);"
                                             "INSERT INTO t VALUES (1)", &error));
  stmt = evg_sqlite_prepare (f->sqlite, "INSERT INTO t VALUES (1)", &error);
  g_assert_nonnull (stmt);
  g_assert_false (evg_sqlite_step_done (f->sqlite, stmt, &error));
  g_assert_error (error, TEST_ERROR, SQLITE_CONSTRAINT);
  g_clear_error (&error);
  g_assert_cmpuint (f->n_errors, ==, 3);

  /* Nobody words an error that nobody reads. */
  g_assert_false (evg_sqlite_step_done (f->sqlite, stmt, NULL));
  g_assert_cmpuint (f->n_errors, ==, 3);
}

static void
test_transactions (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (evg_sqlite_exec (f->sqlite, "CREATE TABLE t (x)", &error));

  g_assert_true (evg_sqlite_begin (f->sqlite, &error));
  g_assert_true (evg_sqlite_exec_cached (f->sqlite, "INSERT INTO t VALUES (1)", &error));
  g_assert_false (evg_sqlite_rollback (f->sqlite));
  g_assert_true (sqlite3_get_autocommit (f->db));
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM t"), ==, 0);

  g_assert_true (evg_sqlite_begin (f->sqlite, &error));
  g_assert_false (evg_sqlite_begin (f->sqlite, &error));
  g_assert_error (error, TEST_ERROR, SQLITE_ERROR);
  g_clear_error (&error);
  g_assert_true (evg_sqlite_exec_cached (f->sqlite, "INSERT INTO t VALUES (1)", &error));
  g_assert_true (evg_sqlite_commit (f->sqlite, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM t"), ==, 1);
}

static void
test_query (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 value = 7;

  g_assert_cmpint (query_int (f, "SELECT 40 + 2"), ==, 42);

  g_assert_true (evg_sqlite_query_text (f->sqlite, "SELECT 'a' || 'b'", &text, &error));
  g_assert_cmpstr (text, ==, "ab");
  g_clear_pointer (&text, g_free);
  g_assert_true (evg_sqlite_query_text (f->sqlite, "SELECT NULL", &text, &error));
  g_assert_null (text);
  g_assert_no_error (error);

  /* A value the database must hold and does not: it is damaged. */
  g_assert_false (evg_sqlite_query_int (f->sqlite, "SELECT 1 WHERE 0", &value, &error));
  g_assert_error (error, TEST_ERROR, SQLITE_CORRUPT);
  g_assert_cmpint (value, ==, 7);
  g_clear_error (&error);
  g_assert_false (evg_sqlite_query_text (f->sqlite, "SELECT nothing", &text, &error));
  g_assert_error (error, TEST_ERROR, SQLITE_ERROR);
}

static void
test_meta (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *value = NULL;

  /* Without the table, nothing is there to read, and nothing is said. */
  g_assert_null (evg_sqlite_get_meta (f->sqlite, "epoch"));
  g_assert_cmpuint (f->n_errors, ==, 0);
  g_assert_false (evg_sqlite_set_meta (f->sqlite, "epoch", "1", &error));
  g_assert_error (error, TEST_ERROR, SQLITE_ERROR);
  g_clear_error (&error);

  g_assert_true (evg_sqlite_exec (f->sqlite, "CREATE TABLE meta (key TEXT PRIMARY KEY, "
                                             "value TEXT NOT NULL)", &error));
  g_assert_null (evg_sqlite_get_meta (f->sqlite, "epoch"));
  g_assert_true (evg_sqlite_set_meta (f->sqlite, "epoch", "1", &error));
  g_assert_true (evg_sqlite_set_meta (f->sqlite, "epoch", "2", &error));
  value = evg_sqlite_get_meta (f->sqlite, "epoch");
  g_assert_cmpstr (value, ==, "2");
  g_assert_true (evg_sqlite_set_meta (f->sqlite, "epoch", NULL, &error));
  g_assert_null (evg_sqlite_get_meta (f->sqlite, "epoch"));
  g_assert_no_error (error);
}

static const char * const migrations[] = {
  "CREATE TABLE a (x);",
  "CREATE TABLE b (x);",
  /* Fails half-way: its first table must not stay behind. */
  "CREATE TABLE c (x); CREATE TABLE a (x);",
};

static guint failed_version;

static void
on_step_failed (guint     version,
                GError  **error)
{
  failed_version = version;
  g_prefix_error (error, "step %u: ", version);
}

static void
test_migrate (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint version = 0;

  g_assert_true (evg_sqlite_migrate (f->sqlite, migrations, 2, 0x45564754, &version,
                                     on_step_failed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (version, ==, 2);
  g_assert_cmpint (query_int (f, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (query_int (f, "PRAGMA application_id"), ==, 0x45564754);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM sqlite_master"), ==, 2);

  /* Up to date: nothing runs again. */
  g_assert_true (evg_sqlite_migrate (f->sqlite, migrations, 2, 0x45564754, &version,
                                     on_step_failed, &error));
  g_assert_cmpuint (version, ==, 2);

  failed_version = 0;
  g_assert_false (evg_sqlite_migrate (f->sqlite, migrations, G_N_ELEMENTS (migrations),
                                      0x45564754, &version, on_step_failed, &error));
  g_assert_error (error, TEST_ERROR, SQLITE_ERROR);
  g_assert_true (g_str_has_prefix (error->message, "step 3: "));
  g_assert_cmpuint (failed_version, ==, 3);
  g_assert_cmpuint (version, ==, 2);
  g_assert_true (sqlite3_get_autocommit (f->db));
  g_assert_cmpint (query_int (f, "PRAGMA user_version"), ==, 2);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM sqlite_master WHERE name = 'c'"), ==, 0);
  g_clear_error (&error);

  /* A transaction that cannot begin is not a failed migration. */
  failed_version = 0;
  g_assert_true (evg_sqlite_begin (f->sqlite, &error));
  g_assert_false (evg_sqlite_migrate (f->sqlite, migrations, G_N_ELEMENTS (migrations),
                                      0x45564754, &version, on_step_failed, &error));
  g_assert_error (error, TEST_ERROR, SQLITE_ERROR);
  g_assert_false (g_str_has_prefix (error->message, "step"));
  g_assert_cmpuint (failed_version, ==, 0);
  evg_sqlite_rollback (f->sqlite);
}

typedef void (*FixtureFunc) (Fixture       *f,
                             gconstpointer  data);

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char  *path;
    FixtureFunc  func;
  } tests[] = {
    { "/evg/sqlite/cache/text", test_cache_text },
    { "/evg/sqlite/errors", test_errors },
    { "/evg/sqlite/transactions", test_transactions },
    { "/evg/sqlite/query", test_query },
    { "/evg/sqlite/meta", test_meta },
    { "/evg/sqlite/migrate", test_migrate },
  };

  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (tests); i++)
    g_test_add (tests[i].path, Fixture, NULL, fixture_setup, tests[i].func, fixture_teardown);
  g_test_add_func ("/evg/sqlite/cache/address", test_cache_address);

  return g_test_run ();
}
