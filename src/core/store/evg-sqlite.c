/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sqlite"

#include "config.h"

#include "evg-sqlite.h"

struct _EvgSqlite
{
  EvgSqliteKey        key;

  /* Owned */
  GHashTable         *statements;   /* SQL (text or address) → sqlite3_stmt */

  /* Borrowed */
  sqlite3            *db;
  EvgSqliteErrorFunc  error_func;
  gpointer            error_data;
};

/**
 * evg_sqlite_new:
 * @db: an open connection, which must outlive the result
 * @key: how statements are told apart
 * @error_func: turns SQLite's failures into the caller's errors
 * @user_data: for @error_func
 *
 * Returns: (transfer full): the plumbing for @db; free it before closing @db
 */
EvgSqlite *
evg_sqlite_new (sqlite3            *db,
                EvgSqliteKey        key,
                EvgSqliteErrorFunc  error_func,
                gpointer            user_data)
{
  EvgSqlite *self;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (error_func != NULL, NULL);

  self = g_new0 (EvgSqlite, 1);
  self->db = db;
  self->key = key;
  self->error_func = error_func;
  self->error_data = user_data;
  if (key == EVG_SQLITE_KEY_TEXT)
    self->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify) sqlite3_finalize);
  else
    self->statements = g_hash_table_new_full (NULL, NULL, NULL,
                                              (GDestroyNotify) sqlite3_finalize);
  return self;
}

/* Finalizes the cached statements; the connection stays open for its
 * owner to close. */
void
evg_sqlite_free (EvgSqlite *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->statements, g_hash_table_unref);
  g_free (self);
}

sqlite3 *
evg_sqlite_get_db (EvgSqlite *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->db;
}

/**
 * evg_sqlite_set_error:
 * @rc: an SQLite result code other than %SQLITE_OK
 *
 * Sets @error as the owner's error function words the failure @rc.
 */
void
evg_sqlite_set_error (EvgSqlite  *self,
                      int         rc,
                      GError    **error)
{
  g_return_if_fail (self != NULL);

  /* A caller that ignores the error should not pay for its message. */
  if (error == NULL)
    return;
  self->error_func (self->db, rc, self->error_data, error);
}

/**
 * evg_sqlite_prepare:
 *
 * Returns: (transfer none): a statement kept by @self until it is freed,
 *   reset and with no bindings, or %NULL on an error.  Callers reset it
 *   again when done so that it releases its locks.
 */
sqlite3_stmt *
evg_sqlite_prepare (EvgSqlite   *self,
                    const char  *sql,
                    GError     **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = g_hash_table_lookup (self->statements, sql);
  if (G_LIKELY (stmt != NULL))
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      evg_sqlite_set_error (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements,
                       self->key == EVG_SQLITE_KEY_TEXT ? g_strdup (sql) : (gpointer) sql,
                       stmt);
  return stmt;
}

/* Runs @sql, which may hold several statements, without caching it. */
gboolean
evg_sqlite_exec (EvgSqlite   *self,
                 const char  *sql,
                 GError     **error)
{
  int rc;

  g_return_val_if_fail (self != NULL, FALSE);

  rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      evg_sqlite_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Runs @stmt, which returns no rows, to its end and resets it. */
gboolean
evg_sqlite_step_done (EvgSqlite     *self,
                      sqlite3_stmt  *stmt,
                      GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      evg_sqlite_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

/* Runs the one statement @sql, which returns no rows, kept in the cache:
 * for what a store runs again and again (savepoints, say). */
gboolean
evg_sqlite_exec_cached (EvgSqlite   *self,
                        const char  *sql,
                        GError     **error)
{
  sqlite3_stmt *stmt = evg_sqlite_prepare (self, sql, error);

  return stmt != NULL && evg_sqlite_step_done (self, stmt, error);
}

/* Starts a write transaction.  IMMEDIATE takes the write lock now, so
 * that what the transaction reads first cannot be changed by another
 * connection before it writes. */
gboolean
evg_sqlite_begin (EvgSqlite  *self,
                  GError    **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return evg_sqlite_exec_cached (self, "BEGIN IMMEDIATE", error);
}

/* Commits.  A failed commit may leave the transaction open (a deferred
 * foreign key, a busy database): the caller rolls back or tries again. */
gboolean
evg_sqlite_commit (EvgSqlite  *self,
                   GError    **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return evg_sqlite_exec_cached (self, "COMMIT", error);
}

/**
 * evg_sqlite_rollback:
 *
 * Rolls back the open transaction, if any.  A rollback that fails leaves
 * nothing more to do, so it is not reported.
 *
 * Returns: %FALSE always, so that a failing path can end in
 *   `return evg_sqlite_rollback (sql);`
 */
gboolean
evg_sqlite_rollback (EvgSqlite *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* Reads the first column of the first row of @sql, as a number into
 * @number or as a copy of its text into @text, whichever is not %NULL.
 * It runs uncached: these queries are made once when a database opens,
 * or are made up at run time, so they would only fill the cache.  A
 * query for one value that finds no row meets a database without what
 * it must hold: a damaged one. */
static gboolean
query_value (EvgSqlite   *self,
             const char  *sql,
             gint64      *number,
             char       **text,
             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (number != NULL)
        *number = sqlite3_column_int64 (stmt, 0);
      if (text != NULL)
        *text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
      return TRUE;
    }
  sqlite3_finalize (stmt);
  evg_sqlite_set_error (self, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
  return FALSE;
}

gboolean
evg_sqlite_query_int (EvgSqlite   *self,
                      const char  *sql,
                      gint64      *value,
                      GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  return query_value (self, sql, value, NULL, error);
}

/* Sets @value to %NULL where the value is NULL. */
gboolean
evg_sqlite_query_text (EvgSqlite   *self,
                       const char  *sql,
                       char       **value,
                       GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  return query_value (self, sql, NULL, value, error);
}

/* The value of @key in the `meta (key, value)` table both schemas have,
 * or %NULL when it is not there or cannot be read. */
char *
evg_sqlite_get_meta (EvgSqlite  *self,
                     const char *key)
{
  sqlite3_stmt *stmt;
  char *value = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  stmt = evg_sqlite_prepare (self, "SELECT value FROM meta WHERE key = ?", NULL);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

/* Sets @key in the `meta` table to @value, or removes it when @value is
 * %NULL. */
gboolean
evg_sqlite_set_meta (EvgSqlite   *self,
                     const char  *key,
                     const char  *value,
                     GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (self != NULL, FALSE);

  if (value == NULL)
    stmt = evg_sqlite_prepare (self, "DELETE FROM meta WHERE key = ?1", error);
  else
    stmt = evg_sqlite_prepare (self, "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                                     "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                               error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (value != NULL)
    sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return evg_sqlite_step_done (self, stmt, error);
}

/**
 * evg_sqlite_migrate:
 * @migrations: (array length=n_migrations): the SQL that takes the schema
 *   from version v to v + 1 is `migrations[v]`
 * @application_id: what `PRAGMA application_id` is set to, so that the
 *   file tells whose it is
 * @version: (inout): the schema version the database is at; on return,
 *   the one it reached
 * @step_failed: (nullable): words a migration's failure in the caller's
 *   terms; not called when the transaction could not even begin
 *
 * Brings the schema up to the last version, one migration per transaction,
 * each moving `PRAGMA user_version` up with it: a failure or a crash
 * leaves the database at the last version completed, never between two.
 */
gboolean
evg_sqlite_migrate (EvgSqlite                *self,
                    const char * const       *migrations,
                    guint                     n_migrations,
                    gint32                    application_id,
                    guint                    *version,
                    EvgSqliteStepFailedFunc   step_failed,
                    GError                  **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (version != NULL, FALSE);

  for (guint v = *version; v < n_migrations; v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u;"
                                               "PRAGMA application_id = %d;",
                                               v + 1, (int) application_id);

      if (!evg_sqlite_begin (self, error))
        return FALSE;
      if (!evg_sqlite_exec (self, migrations[v], error) ||
          !evg_sqlite_exec (self, bump, error) ||
          !evg_sqlite_commit (self, error))
        {
          evg_sqlite_rollback (self);
          if (step_failed != NULL && error != NULL)
            step_failed (v + 1, error);
          return FALSE;
        }
      *version = v + 1;
    }
  return TRUE;
}
