/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-server"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "evg-context.h"
#include "evg-field-set.h"
#include "evg-hlc.h"
#include "evg-schema.h"
#include "evg-server-db.h"
#include "evg-sync-merge.h"
#include "evg-sync-protocol.h"

/* 'EVGS': tells the server's database from the app's and from other files. */
#define SERVER_APPLICATION_ID 0x45564753
#define TOKEN_BYTES 32
#define TOKEN_PREFIX "evg_"

struct _EvgServerDb
{
  char       *path;
  sqlite3    *db;
  GHashTable *statements;
  char       *epoch;
  GString    *clocks;       /* scratch for apply_change() */
};

/* Each migration moves user_version up by one; append, never edit. */
static const char * const migrations[] = {
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE branch ("
  "  code       TEXT PRIMARY KEY,"
  "  name       TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  revoked_at INTEGER"
  ");"
  /* Only the SHA-256 of a token is kept; a rotated or revoked token stays
   * so that its holder is told it was revoked rather than unknown. */
  "CREATE TABLE token ("
  "  hash       BLOB PRIMARY KEY,"
  "  branch     TEXT NOT NULL REFERENCES branch (code),"
  "  created_at INTEGER NOT NULL,"
  "  revoked_at INTEGER"
  ");"
  /* The merged state of each record, for the conflict policy.  A rowid
   * table: its rows are too wide to live in the key's b-tree. */
  "CREATE TABLE record ("
  "  tbl     TEXT NOT NULL,"
  "  row_id  TEXT NOT NULL,"
  "  branch  TEXT NOT NULL,"
  "  hlc     TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  fields  TEXT NOT NULL,"
  "  clocks  TEXT NOT NULL,"
  "  UNIQUE (tbl, row_id)"
  ");"
  /* What clients pull.  seq only grows, and rows are never changed. */
  "CREATE TABLE change_log ("
  "  seq         INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  change_id   TEXT NOT NULL UNIQUE,"
  "  branch      TEXT NOT NULL,"
  "  tbl         TEXT NOT NULL,"
  "  row_id      TEXT NOT NULL,"
  "  op          TEXT NOT NULL,"
  "  fields      TEXT NOT NULL,"
  "  hlc         TEXT NOT NULL,"
  "  base_hlc    TEXT,"
  "  site        TEXT NOT NULL,"
  "  received_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX change_log_by_branch ON change_log (branch, seq);"
  "CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log"
  "  BEGIN SELECT RAISE (ABORT, 'the change log is append-only'); END;"
  "CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log"
  "  BEGIN SELECT RAISE (ABORT, 'the change log is append-only'); END;"
  /* The answer to each batch, replayed when the batch comes again. */
  "CREATE TABLE batch ("
  "  branch     TEXT NOT NULL,"
  "  batch_id   TEXT NOT NULL,"
  "  response   TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (branch, batch_id)"
  ") WITHOUT ROWID;",
  /* A record made by one insert and never changed since holds exactly
   * that change's fields: instead of a second copy, fields is '' and
   * log_seq names the change.  A first upload writes half as much. */
  "ALTER TABLE record ADD COLUMN log_seq INTEGER;"
  "CREATE VIEW record_state AS"
  "  SELECT tbl, row_id, branch, hlc, deleted,"
  "         CASE WHEN log_seq IS NULL THEN fields"
  "              ELSE (SELECT l.fields FROM change_log l WHERE l.seq = record.log_seq) END AS fields,"
  "         clocks"
  "  FROM record;",
  /* The record table keyed by its record: since records made by one insert
   * point at the change log (log_seq), their rows are a few dozen bytes,
   * small enough for the key's b-tree, and writing one is one b-tree
   * insert instead of a row and an index entry. */
  "CREATE TABLE record_new ("
  "  tbl     TEXT NOT NULL,"
  "  row_id  TEXT NOT NULL,"
  "  branch  TEXT NOT NULL,"
  "  hlc     TEXT NOT NULL,"
  "  deleted INTEGER NOT NULL DEFAULT 0,"
  "  fields  TEXT NOT NULL,"
  "  clocks  TEXT NOT NULL,"
  "  log_seq INTEGER,"
  "  PRIMARY KEY (tbl, row_id)"
  ") WITHOUT ROWID;"
  "INSERT INTO record_new (tbl, row_id, branch, hlc, deleted, fields, clocks, log_seq)"
  "  SELECT tbl, row_id, branch, hlc, deleted, fields, clocks, log_seq FROM record;"
  "DROP VIEW record_state;"
  "DROP TABLE record;"
  "ALTER TABLE record_new RENAME TO record;"
  "CREATE VIEW record_state AS"
  "  SELECT tbl, row_id, branch, hlc, deleted,"
  "         CASE WHEN log_seq IS NULL THEN fields"
  "              ELSE (SELECT l.fields FROM change_log l WHERE l.seq = record.log_seq) END AS fields,"
  "         clocks"
  "  FROM record;",
};

static gint64
now_ms (void)
{
  return evg_hlc_wall_ms ();
}

/* Lets the sync tests kill the server at an exact step: a real SIGKILL, so
 * what survives is what SQLite made durable, nothing more. */
void
evg_server_failpoint (const char *name)
{
  const char *wanted = g_getenv ("EVG_FAILPOINT");

  if (wanted != NULL && g_strcmp0 (wanted, name) == 0)
    raise (SIGKILL);
}

void
evg_server_branch_free (EvgServerBranch *branch)
{
  if (branch == NULL)
    return;
  g_free (branch->code);
  g_free (branch->name);
  g_free (branch);
}

void
evg_server_reply_error (EvgServerReply *reply,
                        guint           status,
                        const char     *code,
                        const char     *message)
{
  reply->status = status;
  g_free (reply->body);
  reply->body = evg_sync_error_body (code, message, 0, NULL);
}

static void
set_db_error (EvgServerDb  *db,
              GError      **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Database error in “%s”: %s"),
               db->path, sqlite3_errmsg (db->db));
}

/* Statements are kept by the address of their text, which must be a string
 * literal: hashing and comparing the whole SQL on every call cost a few
 * percent of a push, which runs a handful of statements per change. */
static sqlite3_stmt *
prepare (EvgServerDb  *db,
         const char   *sql,
         GError      **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }
  if (sqlite3_prepare_v3 (db->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (db, error);
      return NULL;
    }
  g_hash_table_insert (db->statements, (gpointer) sql, stmt);
  return stmt;
}

static gboolean
exec (EvgServerDb  *db,
      const char   *sql,
      GError      **error)
{
  if (sqlite3_exec (db->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      set_db_error (db, error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
step_done (EvgServerDb   *db,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (db, error);
      return FALSE;
    }
  return TRUE;
}

static char *
random_hex (gsize n_bytes)
{
  guint8 bytes[64];
  GString *out = g_string_new (NULL);
  gsize got = 0;

  g_assert (n_bytes <= sizeof bytes);
  while (got < n_bytes)
    {
      ssize_t r = getrandom (bytes + got, n_bytes - got, 0);

      if (r < 0 && errno != EINTR)
        g_error ("No random numbers from the kernel: %s", g_strerror (errno));
      if (r > 0)
        got += (gsize) r;
    }
  for (gsize i = 0; i < n_bytes; i++)
    g_string_append_printf (out, "%02x", bytes[i]);
  explicit_bzero (bytes, sizeof bytes);
  return g_string_free (out, FALSE);
}

static void
hash_token (const char *token,
            guint8      digest[32])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = 32;

  g_checksum_update (checksum, (const guchar *) token, (gssize) strlen (token));
  g_checksum_get_digest (checksum, digest, &len);
}

static gboolean
equal_constant_time (const guint8 *a,
                     const guint8 *b,
                     gsize         len)
{
  guint8 diff = 0;

  for (gsize i = 0; i < len; i++)
    diff |= a[i] ^ b[i];
  return diff == 0;
}

static char *
get_meta (EvgServerDb *db,
          const char  *key)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT value FROM meta WHERE key = ?", NULL);
  char *value = NULL;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  return value;
}

static gboolean
set_meta (EvgServerDb  *db,
          const char   *key,
          const char   *value,
          GError      **error)
{
  sqlite3_stmt *stmt = prepare (db, "INSERT INTO meta (key, value) VALUES (?1, ?2) "
                                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  return step_done (db, stmt, error);
}

static gboolean
query_int (EvgServerDb  *db,
           const char   *sql,
           gint64       *value)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      ok = TRUE;
    }
  sqlite3_finalize (stmt);
  return ok;
}

static gboolean
migrate (EvgServerDb  *db,
         GError      **error)
{
  gint64 version = 0, app_id = 0, n_objects = 0;

  if (!query_int (db, "PRAGMA user_version", &version) ||
      !query_int (db, "PRAGMA application_id", &app_id) ||
      !query_int (db, "SELECT count(*) FROM sqlite_master", &n_objects))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not an E-Vanguard server database."), db->path);
      return FALSE;
    }
  if (app_id != SERVER_APPLICATION_ID && (app_id != 0 || n_objects > 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” is not an E-Vanguard server database."), db->path);
      return FALSE;
    }
  if (version > (gint64) G_N_ELEMENTS (migrations))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("“%s” was written by a newer version of the server."), db->path);
      return FALSE;
    }

  /* 16 KB pages for a new database (an old one keeps its own until an
   * administrator runs VACUUM): the change log's rows are a few hundred
   * bytes and are written and read in order, and every page costs a
   * frame of its own in the write-ahead log, written with two calls into
   * the kernel.  A first upload of 100,000 members took about a sixth
   * less of the server's time than with 4 KB pages. */
  if (version == 0 && n_objects == 0 && !exec (db, "PRAGMA page_size = 16384", error))
    return FALSE;

  for (guint v = (guint) version; v < G_N_ELEMENTS (migrations); v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u; "
                                               "PRAGMA application_id = %d;",
                                               v + 1, SERVER_APPLICATION_ID);

      if (!exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec (db, migrations[v], error) || !exec (db, bump, error) ||
          !exec (db, "COMMIT", error))
        {
          sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
          return FALSE;
        }
    }
  return TRUE;
}

/* Makes @path, when it does not exist, readable by its owner only: it
 * holds every branch's members (names, ID numbers, phones) and the token
 * hashes, and SQLite gives its log and shared-memory files the same
 * permissions.  A database made by an admin command under the usual umask
 * was readable by every user of the machine. */
static gboolean
create_private (const char  *path,
                GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  if (fd < 0 && errno != EEXIST)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("“%s” cannot be created: %s"), path, g_strerror (saved));
      return FALSE;
    }
  if (fd >= 0)
    close (fd);
  return TRUE;
}

/**
 * evg_server_db_open:
 *
 * Opens (and creates or upgrades) the server database.  A fresh database
 * gets a random epoch: clients notice when it changes.
 */
EvgServerDb *
evg_server_db_open (const char  *path,
                    GError     **error)
{
  g_autoptr(EvgServerDb) db = g_new0 (EvgServerDb, 1);
  g_autofree char *dir = g_path_get_dirname (path);

  db->path = g_strdup (path);
  db->clocks = g_string_new (NULL);
  db->statements = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) sqlite3_finalize);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("The folder “%s” cannot be created: %s"), dir, g_strerror (errno));
      return NULL;
    }
  if (!create_private (path, error))
    return NULL;
  if (sqlite3_open_v2 (path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                       SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      set_db_error (db, error);
      return NULL;
    }
  sqlite3_busy_timeout (db->db, 30000);

  /* WAL lets pulls read while a push writes; FULL makes every answered
   * push durable before the client hears “applied”.
   *
   * The page cache is 16 MB per connection, not more: pushes write the
   * tails of b-trees whose keys grow with time (sequence numbers, and
   * change and row ids that start with their time), so a big cache holds
   * little that is read again, while every page it grows by is fresh
   * memory to allocate and fault in.  With 64 MB a first upload of
   * 100,000 members spent about a fifth more of the server's time; pages
   * not cached come back from the system's file cache. */
  if (!migrate (db, error) ||
      !exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                 "PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384; "
                 "PRAGMA temp_store = MEMORY;", error))
    return NULL;

  /* SQLite's own checkpoint, the backstop behind the checkpoint thread,
   * counts pages: it is set for 64 MB of log whatever their size. */
  {
    gint64 page_size = 4096;
    g_autofree char *sql = NULL;

    query_int (db, "PRAGMA page_size", &page_size);
    sql = g_strdup_printf ("PRAGMA wal_autocheckpoint = %" G_GINT64_FORMAT,
                           (64 * 1024 * 1024) / MAX (page_size, 512));
    if (!exec (db, sql, error))
      return NULL;
  }

  db->epoch = get_meta (db, "epoch");
  if (db->epoch == NULL)
    {
      g_autofree char *epoch = random_hex (16);

      if (!exec (db, "BEGIN IMMEDIATE", error))
        return NULL;
      db->epoch = get_meta (db, "epoch");
      if (db->epoch == NULL)
        {
          if (!set_meta (db, "epoch", epoch, error))
            {
              sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
              return NULL;
            }
          db->epoch = g_steal_pointer (&epoch);
        }
      if (!exec (db, "COMMIT", error))
        return NULL;
    }

  return g_steal_pointer (&db);
}

/**
 * evg_server_db_checkpoint:
 *
 * Copies what the write-ahead log holds into the database file, as far as
 * readers allow, without waiting for anyone.  The serving server runs this
 * in a thread of its own, so a push's commit does not also pay for copying
 * earlier pushes (SQLite's own checkpoint, at 64 MB of log, stays as the
 * backstop).
 */
void
evg_server_db_checkpoint (EvgServerDb *db)
{
  int rc = sqlite3_wal_checkpoint_v2 (db->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);

  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    g_warning ("Checkpoint of %s failed: %s", db->path, sqlite3_errmsg (db->db));
}

void
evg_server_db_free (EvgServerDb *db)
{
  if (db == NULL)
    return;
  g_clear_pointer (&db->statements, g_hash_table_unref);
  if (db->db != NULL)
    sqlite3_close_v2 (db->db);
  g_free (db->path);
  g_free (db->epoch);
  g_string_free (db->clocks, TRUE);
  g_free (db);
}

const char *
evg_server_db_get_epoch (EvgServerDb *db)
{
  return db->epoch;
}

static gboolean
branch_exists (EvgServerDb *db,
               const char  *code)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT 1 FROM branch WHERE code = ?", NULL);
  gboolean found;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_reset (stmt);
  return found;
}

/* Makes a new token for @code, revoking its others, inside the caller's
 * transaction.  Returns the token text, which is never stored. */
static char *
issue_token (EvgServerDb  *db,
             const char   *code,
             GError      **error)
{
  g_autofree char *secret = random_hex (TOKEN_BYTES);
  g_autofree char *token = g_strconcat (TOKEN_PREFIX, secret, NULL);
  guint8 digest[32];
  sqlite3_stmt *stmt;

  stmt = prepare (db, "UPDATE token SET revoked_at = ?2 WHERE branch = ?1 AND revoked_at IS NULL",
                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, now_ms ());
  if (!step_done (db, stmt, error))
    return NULL;

  hash_token (token, digest);
  stmt = prepare (db, "INSERT INTO token (hash, branch, created_at) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, digest, sizeof digest, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now_ms ());
  if (!step_done (db, stmt, error))
    return NULL;

  stmt = prepare (db, "UPDATE branch SET revoked_at = NULL WHERE code = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (!step_done (db, stmt, error))
    return NULL;

  return g_steal_pointer (&token);
}

static char *
finish_token (EvgServerDb  *db,
              char         *token,
              GError      **error)
{
  if (token == NULL || !exec (db, "COMMIT", error))
    {
      sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
      g_free (token);
      return NULL;
    }
  return token;
}

char *
evg_server_db_add_branch (EvgServerDb  *db,
                          const char   *code,
                          const char   *name,
                          GError      **error)
{
  g_autofree char *clean_name = g_strstrip (g_strdup (name != NULL ? name : ""));
  sqlite3_stmt *stmt;

  if (!evg_context_validate_branch_code (code, error))
    return NULL;
  if (*clean_name == '\0')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _("Enter the branch name."));
      return NULL;
    }
  if (!exec (db, "BEGIN IMMEDIATE", error))
    return NULL;
  if (branch_exists (db, code))
    {
      sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("A branch with the code “%s” exists already. "
                     "Use “branch rotate-token” to give it a new token."), code);
      return NULL;
    }
  stmt = prepare (db, "INSERT INTO branch (code, name, created_at) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return finish_token (db, NULL, error);
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, clean_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, now_ms ());
  if (!step_done (db, stmt, error))
    return finish_token (db, NULL, error);

  return finish_token (db, issue_token (db, code, error), error);
}

static gboolean
require_branch (EvgServerDb  *db,
                const char   *code,
                GError      **error)
{
  if (!branch_exists (db, code))
    {
      sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no branch with the code “%s”."), code);
      return FALSE;
    }
  return TRUE;
}

char *
evg_server_db_rotate_token (EvgServerDb  *db,
                            const char   *code,
                            GError      **error)
{
  if (!exec (db, "BEGIN IMMEDIATE", error) || !require_branch (db, code, error))
    return NULL;
  return finish_token (db, issue_token (db, code, error), error);
}

gboolean
evg_server_db_revoke_branch (EvgServerDb  *db,
                             const char   *code,
                             GError      **error)
{
  sqlite3_stmt *stmt;

  if (!exec (db, "BEGIN IMMEDIATE", error) || !require_branch (db, code, error))
    return FALSE;

  stmt = prepare (db, "UPDATE token SET revoked_at = ?2 WHERE branch = ?1 AND revoked_at IS NULL",
                  error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, now_ms ());
    }
  if (stmt == NULL || !step_done (db, stmt, error))
    return finish_token (db, NULL, error), FALSE;

  stmt = prepare (db, "UPDATE branch SET revoked_at = ?2 WHERE code = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, now_ms ());
    }
  if (stmt == NULL || !step_done (db, stmt, error))
    return finish_token (db, NULL, error), FALSE;

  return exec (db, "COMMIT", error);
}

GPtrArray *
evg_server_db_list_branches (EvgServerDb  *db,
                             GError      **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_server_branch_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (db,
                  "SELECT b.code, b.name, b.created_at, b.revoked_at IS NOT NULL, "
                  "  (SELECT count(*) FROM change_log c WHERE c.branch = b.code), "
                  "  (SELECT max(received_at) FROM change_log c WHERE c.branch = b.code) "
                  "FROM branch b ORDER BY b.code",
                  error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EvgServerBranch *branch = g_new0 (EvgServerBranch, 1);

      branch->code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      branch->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      branch->created_at = sqlite3_column_int64 (stmt, 2);
      branch->revoked = sqlite3_column_int (stmt, 3) != 0;
      branch->n_changes = sqlite3_column_int64 (stmt, 4);
      branch->last_push_at = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (list, branch);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      set_db_error (db, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

static gboolean
copy_database (sqlite3     *from,
               sqlite3     *to,
               const char  *to_path,
               GError     **error)
{
  sqlite3_backup *backup = sqlite3_backup_init (to, "main", from, "main");
  int rc;

  if (backup == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot copy into “%s”: %s"),
                   to_path, sqlite3_errmsg (to));
      return FALSE;
    }
  do
    {
      rc = sqlite3_backup_step (backup, 256);
      if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep (50);
    }
  while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
  sqlite3_backup_finish (backup);

  if (rc != SQLITE_DONE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot copy into “%s”: %s"),
                   to_path, sqlite3_errstr (rc));
      return FALSE;
    }
  return TRUE;
}

/* Gives the database a new epoch.  A copy that may be restored later must
 * not share the epoch of the live database: clients that synced with the
 * live one after the copy was taken must notice the rewind and re-send. */
static gboolean
renew_epoch (const char  *path,
             GError     **error)
{
  g_autoptr(EvgServerDb) copy = evg_server_db_open (path, error);
  g_autofree char *epoch = random_hex (16);

  return copy != NULL && set_meta (copy, "epoch", epoch, error);
}

/**
 * evg_server_db_backup:
 *
 * Copies the live database, consistently even while the server runs, and
 * gives the copy its own epoch (see renew_epoch()).
 */
gboolean
evg_server_db_backup (EvgServerDb  *db,
                      const char   *destination,
                      GError      **error)
{
  sqlite3 *to = NULL;
  gboolean ok;

  if (g_file_test (destination, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("“%s” exists already; choose a new file for the backup."), destination);
      return FALSE;
    }
  if (!create_private (destination, error))
    return FALSE;
  if (sqlite3_open_v2 (destination, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot copy into “%s”: %s"),
                   destination, sqlite3_errmsg (to));
      sqlite3_close (to);
      return FALSE;
    }
  ok = copy_database (db->db, to, destination, error);
  sqlite3_close (to);
  return ok && renew_epoch (destination, error);
}

/**
 * evg_server_db_restore:
 *
 * Replaces @database with the content of @backup and gives it a new epoch.
 * Run it with the server stopped.
 */
gboolean
evg_server_db_restore (const char  *backup,
                       const char  *database,
                       GError     **error)
{
  g_autoptr(EvgServerDb) check = NULL;
  sqlite3 *from = NULL, *to = NULL;
  gboolean ok;

  if (!g_file_test (backup, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("There is no backup file “%s”."),
                   backup);
      return FALSE;
    }
  /* Opening it checks that it is ours. */
  check = evg_server_db_open (backup, error);
  if (check == NULL)
    return FALSE;
  g_clear_pointer (&check, evg_server_db_free);

  if (sqlite3_open_v2 (backup, &from, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_open_v2 (database, &to, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot copy into “%s”: %s"),
                   database, sqlite3_errmsg (to != NULL ? to : from));
      sqlite3_close (from);
      sqlite3_close (to);
      return FALSE;
    }
  /* A copy cannot change the page size of a database in WAL mode, and a
   * backup may have other pages than the database it replaces (one made
   * before new databases got 16 KB pages, say).  Opening it again below
   * turns WAL back on. */
  if (sqlite3_exec (to, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot copy into “%s”: %s"),
                   database, sqlite3_errmsg (to));
      sqlite3_close (from);
      sqlite3_close (to);
      return FALSE;
    }
  ok = copy_database (from, to, database, error);
  sqlite3_close (from);
  sqlite3_close (to);
  return ok && renew_epoch (database, error);
}

/**
 * evg_server_db_authenticate:
 * @authorization: (nullable): the Authorization header
 *
 * Finds the branch a bearer token belongs to.  The branch of every request
 * comes from here and nowhere else.
 */
EvgServerAuth
evg_server_db_authenticate (EvgServerDb  *db,
                            const char   *authorization,
                            char        **branch_code,
                            char        **branch_name)
{
  const char *token;
  guint8 digest[32];
  sqlite3_stmt *stmt;
  EvgServerAuth result = EVG_SERVER_AUTH_INVALID;

  *branch_code = NULL;
  *branch_name = NULL;
  if (authorization == NULL)
    return EVG_SERVER_AUTH_MISSING;
  if (g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return EVG_SERVER_AUTH_INVALID;
  token = authorization + 7;
  while (*token == ' ')
    token++;
  if (*token == '\0' || strlen (token) > 256)
    return EVG_SERVER_AUTH_INVALID;

  hash_token (token, digest);
  stmt = prepare (db, "SELECT t.hash, t.revoked_at IS NOT NULL, b.code, b.name "
                      "FROM token t JOIN branch b ON b.code = t.branch WHERE t.hash = ?", NULL);
  if (stmt == NULL)
    return EVG_SERVER_AUTH_INVALID;
  sqlite3_bind_blob (stmt, 1, digest, sizeof digest, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW &&
      sqlite3_column_bytes (stmt, 0) == sizeof digest &&
      equal_constant_time (sqlite3_column_blob (stmt, 0), digest, sizeof digest))
    {
      if (sqlite3_column_int (stmt, 1) != 0)
        result = EVG_SERVER_AUTH_REVOKED;
      else
        {
          result = EVG_SERVER_AUTH_OK;
          *branch_code = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
          *branch_name = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
        }
    }
  sqlite3_reset (stmt);
  return result;
}

void
evg_server_db_health (EvgServerDb    *db,
                      const char     *branch_code,
                      const char     *branch_name,
                      EvgServerReply *reply)
{
  GString *out = g_string_new ("{\"service\":\"" EVG_SYNC_SERVICE_NAME "\",\"version\":");

  evg_json_append_string (out, PACKAGE_VERSION);
  g_string_append_printf (out, ",\"protocol\":%d,\"min_protocol\":%d,\"epoch\":",
                          EVG_SYNC_PROTOCOL_VERSION, EVG_SYNC_MIN_PROTOCOL);
  evg_json_append_string (out, db->epoch);
  g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT, now_ms ());
  if (branch_code != NULL)
    {
      g_string_append (out, ",\"branch\":{\"code\":");
      evg_json_append_string (out, branch_code);
      g_string_append (out, ",\"name\":");
      evg_json_append_string (out, branch_name != NULL ? branch_name : "");
      g_string_append_c (out, '}');
    }
  g_string_append (out, "}\n");
  reply->status = 200;
  reply->body = g_string_free (out, FALSE);
}

/* What the server holds of one record. */
typedef struct
{
  gboolean  exists;
  char     *branch;
  gboolean  deleted;
  char     *fields;
  char     *clocks;
} StoredRecord;

static void
stored_record_clear (StoredRecord *record)
{
  g_clear_pointer (&record->branch, g_free);
  g_clear_pointer (&record->fields, g_free);
  g_clear_pointer (&record->clocks, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StoredRecord, stored_record_clear)

static gboolean
load_record (EvgServerDb   *db,
             EvgSyncChange *change,
             StoredRecord  *record,
             GError       **error)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT branch, deleted, fields, clocks FROM record_state "
                                    "WHERE tbl = ? AND row_id = ?", error);
  int rc;

  memset (record, 0, sizeof *record);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change->table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, change->row_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      record->exists = TRUE;
      record->branch = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      record->deleted = sqlite3_column_int (stmt, 1) != 0;
      record->fields = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      record->clocks = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_db_error (db, error);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  EvgSyncStatus  status;
  gint64         seq;
  const char    *reason;
  const char    *kind;
  JsonObject    *remote;    /* owned */
} ChangeOutcome;

static gboolean
log_change (EvgServerDb  *db,
            const char   *change_id,
            const char   *branch,
            const char   *table,
            const char   *row_id,
            const char   *op,
            const char   *fields_json,
            const char   *hlc,
            const char   *base_hlc,
            const char   *site,
            GError      **error)
{
  sqlite3_stmt *stmt = prepare (db, "INSERT INTO change_log (change_id, branch, tbl, row_id, op, "
                                    "fields, hlc, base_hlc, site, received_at) "
                                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, branch, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, row_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, op, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, fields_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, base_hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, site, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, now_ms ());
  return step_done (db, stmt, error);
}

static char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return g_strdup (json_node_get_string (node));
}

/* Transfers (组织关系转接) are the one record two branches write: the
 * sender makes it naming the receiver, the receiver may only accept or
 * refuse it.  Returns FALSE with @outcome set when the write is refused;
 * else *other is the branch that must see the change too. */
static gboolean
check_transfer (EvgServerDb    *db,
                const char     *branch,
                EvgSyncChange  *change,
                StoredRecord   *stored,
                char          **other,
                ChangeOutcome  *outcome)
{
  g_autofree char *status = string_member (evg_sync_change_get_fields (change), "status");

  *other = NULL;
  if (stored->exists)
    {
      g_autoptr(JsonObject) fields = evg_sync_parse_object (stored->fields);
      g_autofree char *to = string_member (fields, "to_branch");
      JsonObjectIter iter;
      const char *name;

      if (g_strcmp0 (stored->branch, branch) == 0)
        {
          if (g_strcmp0 (status, "accepted") == 0)
            goto invalid;
          *other = g_steal_pointer (&to);
          return TRUE;
        }
      if (g_strcmp0 (to, branch) != 0 || change->op != EVG_SYNC_OP_UPDATE)
        goto not_owner;
      json_object_iter_init (&iter, evg_sync_change_get_fields (change));
      while (json_object_iter_next (&iter, &name, NULL))
        if (!g_str_equal (name, "status") && !g_str_equal (name, "accepted_on"))
          goto not_owner;
      if (status != NULL && !g_str_equal (status, "accepted") && !g_str_equal (status, "refused"))
        goto invalid;
      *other = g_strdup (stored->branch);
      return TRUE;
    }
  else
    {
      g_autofree char *to = string_member (evg_sync_change_get_fields (change), "to_branch");
      g_autofree char *member = string_member (evg_sync_change_get_fields (change), "member_id");
      EvgSyncChange probe = { 0 };
      g_auto(StoredRecord) member_record = { 0 };

      g_autofree char *from = string_member (evg_sync_change_get_fields (change), "from_branch");

      /* The sender is the branch of the token, whatever the body says. */
      if (change->op != EVG_SYNC_OP_INSERT || to == NULL || member == NULL ||
          g_str_equal (to, branch) || !branch_exists (db, to) ||
          (from != NULL && !g_str_equal (from, branch)) ||
          (status != NULL && !g_str_equal (status, "issued")))
        goto invalid;
      probe.table = (char *) "member";
      probe.row_id = member;
      if (!load_record (db, &probe, &member_record, NULL) ||
          !member_record.exists || g_strcmp0 (member_record.branch, branch) != 0)
        goto not_owner;
      *other = g_steal_pointer (&to);
      return TRUE;
    }

invalid:
  outcome->status = EVG_SYNC_STATUS_REJECTED;
  outcome->reason = "invalid";
  return FALSE;
not_owner:
  outcome->status = EVG_SYNC_STATUS_REJECTED;
  outcome->reason = "not_owner";
  return FALSE;
}

/* Moves the member to the receiving branch in the same transaction as the
 * acceptance, and gives that branch the member's record.  The sender keeps
 * its copy; its later edits come back not_owner. */
static gboolean
move_member (EvgServerDb  *db,
             const char   *transfer_id,
             JsonObject   *transfer,
             const char   *from,
             GError      **error)
{
  g_autofree char *member = string_member (transfer, "member_id");
  g_autofree char *to = string_member (transfer, "to_branch");
  g_autofree char *change_id = g_strconcat (transfer_id, ".m", NULL);
  g_autoptr(JsonObject) fields = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(StoredRecord) record = { 0 };
  EvgSyncChange probe = { 0 };
  sqlite3_stmt *stmt;
  char *hlc = NULL;

  probe.table = (char *) "member";
  probe.row_id = member;
  if (member == NULL || to == NULL || !load_record (db, &probe, &record, error))
    return member == NULL || to == NULL;
  if (!record.exists || g_strcmp0 (record.branch, from) != 0)
    return TRUE;

  stmt = prepare (db, "UPDATE record SET branch = ?1 WHERE tbl = 'member' AND row_id = ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, to, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, member, -1, SQLITE_STATIC);
  if (!step_done (db, stmt, error))
    return FALSE;

  /* The party group belongs to the old branch: the member arrives without. */
  fields = evg_sync_parse_object (record.fields);
  json_object_remove_member (fields, "party_group_id");
  evg_sync_append_fields (text, fields);
  stmt = prepare (db, "SELECT hlc FROM record WHERE tbl = 'member' AND row_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, member, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    hlc = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  {
    gboolean ok = log_change (db, change_id, to, "member", member, "insert", text->str,
                              hlc, NULL, "transfer", error);

    g_free (hlc);
    return ok;
  }
}


/* Answers a change whose id the change log holds already.  Returns FALSE
 * only on a database failure. */
static gboolean
answer_known_change (EvgServerDb    *db,
                     const char     *branch,
                     EvgSyncChange  *change,
                     gboolean       *known,
                     ChangeOutcome  *outcome,
                     GError        **error)
{
  sqlite3_stmt *stmt = prepare (db, "SELECT branch, seq FROM change_log WHERE change_id = ?", error);
  int rc;

  *known = FALSE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, change->change_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *known = TRUE;
      /* A change id another branch used says nothing to this branch. */
      if (g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), branch) == 0)
        {
          outcome->status = EVG_SYNC_STATUS_DUPLICATE;
          outcome->seq = sqlite3_column_int64 (stmt, 1);
        }
      else
        {
          outcome->status = EVG_SYNC_STATUS_REJECTED;
          outcome->reason = "invalid";
        }
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_db_error (db, error), FALSE;
  return TRUE;
}

/* Whether @change would give a column written once (EVG_COLUMN_FLAG_IMMUTABLE)
 * a value other than the stored one: EvgTxn refuses that on the client,
 * and the server must not take it from a client that skips EvgTxn. */
static gboolean
changes_immutable (const EvgTableSpec *spec,
                   StoredRecord       *stored,
                   EvgSyncChange      *change)
{
  g_autoptr(JsonObject) values = NULL;

  if (!stored->exists || stored->fields == NULL)
    return FALSE;
  for (guint i = 0; i < change->n_values; i++)
    {
      const EvgSyncValue *value = &change->values[i];
      int col = evg_table_spec_find_column (spec, value->name);
      JsonNode *old;

      if (col < 0 || (spec->columns[col].flags & EVG_COLUMN_FLAG_IMMUTABLE) == 0)
        continue;
      if (values == NULL)
        values = evg_sync_parse_object (stored->fields);
      old = values != NULL ? json_object_get_member (values, value->name) : NULL;
      if (value->type == EVG_SYNC_VALUE_STRING)
        {
          if (old == NULL || !JSON_NODE_HOLDS_VALUE (old) ||
              json_node_get_value_type (old) != G_TYPE_STRING ||
              g_strcmp0 (json_node_get_string (old), value->text) != 0)
            return TRUE;
        }
      else if (value->type == EVG_SYNC_VALUE_NULL)
        {
          if (old != NULL && !JSON_NODE_HOLDS_NULL (old))
            return TRUE;
        }
      else if (old == NULL || !JSON_NODE_HOLDS_VALUE (old) ||
               json_node_get_value_type (old) != G_TYPE_INT64 ||
               json_node_get_int (old) != value->number)
        return TRUE;
    }
  return FALSE;
}

/* The stored record's state, for a table with a state machine. */
static char *
stored_state (const EvgTableSpec *spec,
              StoredRecord       *stored)
{
  g_autoptr(JsonObject) values = NULL;

  if (spec->state_column == NULL || !stored->exists || stored->fields == NULL)
    return NULL;
  values = evg_sync_parse_object (stored->fields);
  return values != NULL ? string_member (values, spec->state_column) : NULL;
}

/* The table's state machine, as EvgTxn checks it on the client: returns
 * the rejection's reason, or NULL. */
static const char *
check_state (const EvgTableSpec *spec,
             StoredRecord       *stored,
             const char         *state,
             EvgSyncChange      *change)
{
  const EvgSyncValue *new_state = NULL;
  guint others = 0;

  if (spec->state_column == NULL)
    return NULL;
  for (guint i = 0; i < change->n_values; i++)
    {
      if (g_str_equal (change->values[i].name, spec->state_column))
        new_state = &change->values[i];
      else
        others++;
    }
  return evg_table_spec_check_state (spec, stored->exists && !stored->deleted, state,
                                     new_state != NULL,
                                     new_state != NULL && new_state->type == EVG_SYNC_VALUE_STRING
                                     ? new_state->text : NULL,
                                     others > 0 || change->op == EVG_SYNC_OP_DELETE);
}

/* Applies one change inside the push transaction.  Returns FALSE only on a
 * database failure, which aborts the whole batch. */
static gboolean
apply_change (EvgServerDb    *db,
              const char     *branch,
              EvgSyncChange  *change,
              const char     *fields_json,
              gint64          received_at,
              ChangeOutcome  *outcome,
              GError        **error)
{
  const EvgTableSpec *spec = evg_schema_lookup_table (change->table);
  g_auto(StoredRecord) stored = { 0 };
  g_autofree char *routed_to = NULL;
  g_autofree char *owner = NULL;
  g_autofree char *state = NULL;
  const char *refused;
  gboolean was_accepted = FALSE, new_insert, known;
  EvgSyncRecord record = { 0 };
  EvgSyncMergeResult merge = { 0 };
  g_autoptr(GString) values_text = NULL;
  g_autoptr(GString) clocks_text = NULL;
  const char *clocks, *row_hlc;
  sqlite3_stmt *stmt;

  memset (outcome, 0, sizeof *outcome);

  if (!load_record (db, change, &stored, error))
    return FALSE;

  /* A new record made by an insert is the whole of a first upload.  Nothing
   * but a known change id can refuse it, so the change log's unique index
   * finds a repeat when the change is logged, instead of a lookup of its
   * own before.  Every other change is checked first, as the answer to a
   * repeat must not depend on what happened to the record since. */
  new_insert = !stored.exists && change->op == EVG_SYNC_OP_INSERT &&
               !g_str_equal (change->table, "transfer");
  if (!new_insert)
    {
      if (!answer_known_change (db, branch, change, &known, outcome, error))
        return FALSE;
      if (known)
        return TRUE;
    }

  if (changes_immutable (spec, &stored, change))
    {
      outcome->status = EVG_SYNC_STATUS_REJECTED;
      outcome->reason = "immutable";
      return TRUE;
    }
  state = stored_state (spec, &stored);
  refused = check_state (spec, &stored, state, change);
  if (refused != NULL)
    {
      outcome->status = EVG_SYNC_STATUS_REJECTED;
      outcome->reason = refused;
      return TRUE;
    }

  if (g_str_equal (change->table, "transfer"))
    {
      if (!check_transfer (db, branch, change, &stored, &routed_to, outcome))
        return TRUE;
      owner = g_strdup (stored.exists ? stored.branch : branch);
      was_accepted = g_strcmp0 (state, "accepted") == 0;
    }
  else if (stored.exists && g_strcmp0 (stored.branch, branch) != 0)
    {
      outcome->status = EVG_SYNC_STATUS_REJECTED;
      outcome->reason = "not_owner";
      return TRUE;
    }

  if (spec->policy == EVG_MERGE_APPEND_ONLY)
    {
      if (change->op != EVG_SYNC_OP_INSERT)
        {
          outcome->status = EVG_SYNC_STATUS_REJECTED;
          outcome->reason = "append_only";
          return TRUE;
        }
      if (stored.exists)
        {
          /* The same record made twice is kept once. */
          outcome->status = EVG_SYNC_STATUS_DUPLICATE;
          outcome->reason = "exists";
          return TRUE;
        }
    }

  if (!stored.exists && change->op == EVG_SYNC_OP_INSERT)
    {
      /* A new record is just the change: no merge to work out, and its
       * fields are the change's own (see log_seq in the schema). */
      g_string_truncate (db->clocks, 0);
      g_string_append (db->clocks, "{\"*\":\"");
      g_string_append (db->clocks, change->hlc);
      g_string_append_c (db->clocks, '@');
      g_string_append (db->clocks, change->site);
      g_string_append (db->clocks, "\"}");
      clocks = db->clocks->str;
      row_hlc = change->hlc;
    }
  else
    {
      record.exists = stored.exists;
      record.deleted = stored.deleted;
      record.values = stored.exists ? evg_sync_parse_object (stored.fields) : json_object_new ();
      record.clocks = stored.exists ? evg_sync_parse_object (stored.clocks) : json_object_new ();
      evg_sync_merge (spec, &record, change, NULL, &merge);
      values_text = g_string_new (NULL);
      clocks_text = g_string_new (NULL);
      evg_sync_append_fields (values_text, record.values);
      evg_sync_append_fields (clocks_text, record.clocks);
      clocks = clocks_text->str;
      row_hlc = merge.row_hlc;
    }

  /* ON CONFLICT names the change id alone: any other broken constraint is
   * still an error, never taken for a repeat. */
  stmt = prepare (db, "INSERT INTO change_log (change_id, branch, tbl, row_id, op, fields, hlc, "
                      "base_hlc, site, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                      "ON CONFLICT (change_id) DO NOTHING", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, change->change_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, branch, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, change->table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, change->row_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, evg_sync_op_to_string (change->op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, fields_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, change->hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, change->base_hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, change->site, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, received_at);
  if (!step_done (db, stmt, error))
    goto fail;
  if (sqlite3_changes (db->db) == 0)
    {
      /* Only a new insert, not looked up before, can get here. */
      if (!answer_known_change (db, branch, change, &known, outcome, error))
        goto fail;
      if (!known)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       "The change %s was neither logged nor found in the log", change->change_id);
          goto fail;
        }
      goto done;
    }

  outcome->seq = sqlite3_last_insert_rowid (db->db);

  stmt = prepare (db, "INSERT INTO record (tbl, row_id, branch, hlc, deleted, fields, clocks, log_seq) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (tbl, row_id) DO UPDATE SET "
                      "hlc = excluded.hlc, deleted = excluded.deleted, fields = excluded.fields, "
                      "clocks = excluded.clocks, log_seq = excluded.log_seq", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, change->table, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, change->row_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 3, branch, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, row_hlc, -1, SQLITE_STATIC);
      sqlite3_bind_int (stmt, 5, record.deleted ? 1 : 0);
      sqlite3_bind_text (stmt, 6, values_text == NULL ? "" : values_text->str, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 7, clocks, -1, SQLITE_STATIC);
      if (values_text == NULL)
        sqlite3_bind_int64 (stmt, 8, outcome->seq);
    }
  if (stmt == NULL || !step_done (db, stmt, error))
    goto fail;

  if (routed_to != NULL)
    {
      /* The other branch of a transfer sees it too, under its own id. */
      g_autofree char *routed_id = g_strconcat (change->change_id, ".r", NULL);
      g_autoptr(JsonObject) merged = evg_sync_parse_object (values_text == NULL ? fields_json
                                                                                : values_text->str);
      g_autofree char *status = string_member (merged, "status");

      if (!log_change (db, routed_id, routed_to, change->table, change->row_id,
                       evg_sync_op_to_string (change->op), fields_json, change->hlc,
                       change->base_hlc, change->site, error))
        goto fail;
      if (!was_accepted && g_strcmp0 (status, "accepted") == 0 &&
          !move_member (db, change->row_id, merged, owner, error))
        goto fail;
    }

  if (merge.conflict != EVG_SYNC_CONFLICT_NONE)
    {
      outcome->status = EVG_SYNC_STATUS_CONFLICT;
      outcome->kind = evg_sync_conflict_kind_to_string (merge.conflict);
      outcome->remote = merge.contested != NULL ? json_object_ref (merge.contested) : json_object_new ();
    }
  else
    outcome->status = EVG_SYNC_STATUS_APPLIED;

done:
  evg_sync_merge_result_clear (&merge);
  g_clear_pointer (&record.values, json_object_unref);
  g_clear_pointer (&record.clocks, json_object_unref);
  return TRUE;

fail:
  evg_sync_merge_result_clear (&merge);
  g_clear_pointer (&record.values, json_object_unref);
  g_clear_pointer (&record.clocks, json_object_unref);
  return FALSE;
}

/* Appends a positive number in decimal. */
static void
append_int (GString *out,
            gint64   value)
{
  char digits[24];
  gsize n = 0;

  g_assert (value >= 0);
  do
    {
      digits[sizeof digits - ++n] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value > 0);
  g_string_append_len (out, digits + sizeof digits - n, (gssize) n);
}

static void
append_outcome (GString       *out,
                EvgSyncChange *change,
                ChangeOutcome *outcome)
{
  g_string_append (out, "{\"change_id\":");
  evg_json_append_string (out, change->change_id);
  /* Plain appends: formatting two values per change through printf was a
   * noticeable part of answering a batch of thousands. */
  g_string_append (out, ",\"status\":\"");
  g_string_append (out, evg_sync_status_to_string (outcome->status));
  g_string_append_c (out, '"');
  if (outcome->seq > 0)
    {
      g_string_append (out, ",\"seq\":");
      append_int (out, outcome->seq);
    }
  if (outcome->reason != NULL)
    {
      g_string_append (out, ",\"reason\":");
      evg_json_append_string (out, outcome->reason);
    }
  if (outcome->kind != NULL)
    {
      g_string_append (out, ",\"kind\":");
      evg_json_append_string (out, outcome->kind);
    }
  if (outcome->remote != NULL)
    {
      g_string_append (out, ",\"remote\":");
      evg_sync_append_fields (out, outcome->remote);
    }
  g_string_append_c (out, '}');
}

static void
reply_internal (EvgServerDb    *db,
                EvgServerReply *reply,
                GError         *error)
{
  g_message ("Database failure: %s", error != NULL ? error->message : sqlite3_errmsg (db->db));
  evg_server_reply_error (reply, 503, EVG_SYNC_CODE_UNAVAILABLE,
                          "The server could not save the changes; nothing was applied. Try again later.");
}

/**
 * evg_server_db_push:
 *
 * Applies a push batch for @branch in one transaction and answers only
 * after the commit.  A batch seen before gets its stored answer again.
 */
void
evg_server_db_push (EvgServerDb    *db,
                    const char     *branch,
                    const char     *body,
                    gsize           length,
                    EvgServerReply *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgSyncPushRequest) request = NULL;
  g_autoptr(GString) out = NULL;
  sqlite3_stmt *stmt;
  gint64 limit_ms, received_at;
  int rc;

  if (length == 0)
    {
      evg_server_reply_error (reply, 400, EVG_SYNC_CODE_MALFORMED_JSON, "The request body is empty.");
      return;
    }
  request = evg_sync_push_request_parse (body, length, &error);
  if (request == NULL)
    {
      gboolean json_error = g_str_has_prefix (error->message, "Malformed JSON");

      evg_server_reply_error (reply, 400,
                              json_error ? EVG_SYNC_CODE_MALFORMED_JSON : EVG_SYNC_CODE_BAD_REQUEST,
                              error->message);
      return;
    }
  if (request->protocol < EVG_SYNC_MIN_PROTOCOL || request->protocol > EVG_SYNC_PROTOCOL_VERSION)
    {
      evg_server_reply_error (reply, 400, EVG_SYNC_CODE_PROTOCOL,
                              "This server does not speak that protocol version.");
      return;
    }
  if (!evg_sync_id_is_valid (request->batch_id) || !evg_sync_id_is_valid (request->site))
    {
      evg_server_reply_error (reply, 400, EVG_SYNC_CODE_BAD_REQUEST, "Invalid batch_id or site.");
      return;
    }
  if (request->changes->len > EVG_SYNC_MAX_BATCH)
    {
      g_autofree char *message = g_strdup_printf ("A batch may hold at most %d changes.",
                                                  EVG_SYNC_MAX_BATCH);
      evg_server_reply_error (reply, 413, EVG_SYNC_CODE_BATCH_TOO_LARGE, message);
      return;
    }
  if (request->epoch != NULL && g_strcmp0 (request->epoch, db->epoch) != 0)
    {
      reply->status = 409;
      reply->body = evg_sync_error_body (EVG_SYNC_CODE_RESYNC,
                                         "The server was restored from a backup; send your changes again.",
                                         now_ms (), db->epoch);
      return;
    }

  /* A clock this far ahead would beat every correct clock for as long as
   * it is ahead; refuse the whole batch so nothing of it lands. */
  limit_ms = now_ms () + EVG_SYNC_MAX_SKEW_MS;
  for (guint i = 0; i < request->changes->len; i++)
    {
      EvgSyncChange *change = g_ptr_array_index (request->changes, i);
      guint64 hlc;

      if (evg_hlc_parse (change->hlc, &hlc) && evg_hlc_get_ms (hlc) > limit_ms)
        {
          reply->status = 409;
          reply->body = evg_sync_error_body (EVG_SYNC_CODE_CLOCK_SKEW,
                                             "The computer's clock is ahead of the server's; "
                                             "set the correct date and time.",
                                             now_ms (), NULL);
          return;
        }
    }

  if (!exec (db, "BEGIN IMMEDIATE", &error))
    return reply_internal (db, reply, error);
  /* One time for the whole batch: it was received at once. */
  received_at = now_ms ();

  stmt = prepare (db, "SELECT response FROM batch WHERE branch = ? AND batch_id = ?", &error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, branch, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, request->batch_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      reply->status = 200;
      reply->body = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
      sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
      return;
    }
  sqlite3_reset (stmt);

  out = g_string_sized_new (128 + 96 * request->changes->len);
  g_string_append (out, "{\"batch_id\":");
  evg_json_append_string (out, request->batch_id);
  g_string_append (out, ",\"epoch\":");
  evg_json_append_string (out, db->epoch);
  g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT ",\"results\":[", now_ms ());

  for (guint i = 0; i < request->changes->len; i++)
    {
      EvgSyncChange *change = g_ptr_array_index (request->changes, i);
      ChangeOutcome outcome = { 0 };
      g_autoptr(GError) invalid = NULL;

      if (i > 0)
        g_string_append_c (out, ',');
      if (!evg_sync_change_validate (change, &invalid))
        {
          outcome.status = EVG_SYNC_STATUS_REJECTED;
          outcome.reason = "invalid";
        }
      else
        {
          if (!apply_change (db, branch, change, change->fields_json, received_at, &outcome, &error))
            goto fail;
        }
      append_outcome (out, change, &outcome);
      g_clear_pointer (&outcome.remote, json_object_unref);
    }
  g_string_append (out, "]}\n");

  stmt = prepare (db, "INSERT INTO batch (branch, batch_id, response, created_at) VALUES (?, ?, ?, ?)",
                  &error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, branch, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, request->batch_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, out->str, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now_ms ());
  if (!step_done (db, stmt, &error))
    goto fail;

  /* Stored answers only spare a client work when it resends its last
   * batch; change ids keep a late resend exactly-once without them, so
   * answers older than a week are dropped now and then. */
  if (g_random_int_range (0, 64) == 0)
    {
      stmt = prepare (db, "DELETE FROM batch WHERE branch = ? AND created_at < ?", &error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, branch, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, now_ms () - 7 * 24 * 3600 * G_GINT64_CONSTANT (1000));
      if (!step_done (db, stmt, &error))
        goto fail;
    }

  evg_server_failpoint ("server-push-before-commit");
  if (!exec (db, "COMMIT", &error))
    goto fail;
  evg_server_failpoint ("server-push-after-commit");

  reply->status = 200;
  reply->body = g_string_free (g_steal_pointer (&out), FALSE);
  return;

fail:
  sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
  reply_internal (db, reply, error);
}

static gboolean
parse_count (const char *text,
             gint64      fallback,
             gint64     *value)
{
  guint64 parsed;

  if (text == NULL)
    {
      *value = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT64, &parsed, NULL))
    return FALSE;
  *value = (gint64) parsed;
  return TRUE;
}

typedef struct
{
  gint64   first;
  gint64   last;
  gint64   count;    /* the client's own changes in it, 0 when not said */
  gboolean whole;    /* the branch's log holds nothing else in it */
} SeqRange;

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const SeqRange *x = a, *y = b;

  return (x->first > y->first) - (x->first < y->first);
}

/* Reads `known`: "FIRST-LAST[:COUNT],…", at most EVG_SYNC_MAX_KNOWN_RANGES
 * ranges of sequence numbers, returned in order of their first. */
static gboolean
parse_known (const char *text,
             GArray     *ranges)
{
  g_auto(GStrv) parts = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;
  parts = g_strsplit (text, ",", -1);
  if (g_strv_length (parts) > EVG_SYNC_MAX_KNOWN_RANGES)
    return FALSE;
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *dash = strchr (parts[i], '-');
      const char *colon = strchr (parts[i], ':');
      g_autofree char *first = NULL;
      g_autofree char *last = NULL;
      SeqRange range = { 0 };

      if (dash == NULL || (colon != NULL && colon < dash))
        return FALSE;
      first = g_strndup (parts[i], dash - parts[i]);
      last = colon != NULL ? g_strndup (dash + 1, colon - dash - 1) : g_strdup (dash + 1);
      if (!parse_count (first, 0, &range.first) || !parse_count (last, 0, &range.last) ||
          range.first < 1 || range.last < range.first ||
          (colon != NULL && (!parse_count (colon + 1, 0, &range.count) || range.count < 1)))
        return FALSE;
      g_array_append_val (ranges, range);
    }
  g_array_sort (ranges, compare_ranges);
  return TRUE;
}

/* Whether @seq lies in one of @ranges, asked in rising order of @seq:
 * *at moves along the ranges as the sequence numbers grow. */
static gboolean
seq_is_known (GArray *ranges,
              guint  *at,
              gint64  seq)
{
  for (; *at < ranges->len; (*at)++)
    {
      const SeqRange *range = &g_array_index (ranges, SeqRange, *at);

      if (seq < range->first)
        return FALSE;
      if (seq <= range->last)
        return TRUE;
    }
  return FALSE;
}

/**
 * evg_server_db_pull:
 *
 * Answers one page of @branch's change log after `since`.  `next` is the
 * last sequence number in the page, so a client that stores it with the
 * page's changes never skips one.
 *
 * With `site`, that workstation's own changes come as stubs (their id and
 * seq), which it checks against its outbox.  `known` lists ranges of
 * sequence numbers its pushes were answered with: its own changes in them
 * are left out altogether, and `next` moves past them.  A first upload
 * then needs no second trip to fetch a stub of each of its changes.  Only
 * changes with the workstation's site are left out, and the ranges came
 * to that very database, so a copy of it from before a push still gets
 * stubs of that push's changes and notices that it lacks them.  A range
 * may say how many changes it holds (FIRST-LAST:COUNT); when the branch's
 * log holds just that many entries in it, the page passes over it unread.
 */
void
evg_server_db_pull (EvgServerDb    *db,
                    const char     *branch,
                    GHashTable     *query,
                    EvgServerReply *reply)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = NULL;
  const char *epoch = query != NULL ? g_hash_table_lookup (query, "epoch") : NULL;
  const char *site = query != NULL ? g_hash_table_lookup (query, "site") : NULL;
  g_autoptr(GArray) known = g_array_new (FALSE, FALSE, sizeof (SeqRange));
  gint64 since, limit, max_seq = 0, next, count = 0, scanned = 0, known_counted = 0;
  gboolean more = FALSE;
  guint known_at = 0;
  sqlite3_stmt *stmt;
  int rc;

  if (!parse_count (query != NULL ? g_hash_table_lookup (query, "since") : NULL, 0, &since) ||
      !parse_count (query != NULL ? g_hash_table_lookup (query, "limit") : NULL,
                    EVG_SYNC_DEFAULT_PULL_LIMIT, &limit) || limit < 1)
    {
      evg_server_reply_error (reply, 400, EVG_SYNC_CODE_BAD_REQUEST,
                              "since and limit must be whole numbers, limit at least 1.");
      return;
    }
  if (!parse_known (query != NULL ? g_hash_table_lookup (query, "known") : NULL, known))
    {
      g_autofree char *message = g_strdup_printf ("known must be at most %d ranges FIRST-LAST "
                                                  "or FIRST-LAST:COUNT of whole numbers, "
                                                  "separated by commas.",
                                                  EVG_SYNC_MAX_KNOWN_RANGES);
      evg_server_reply_error (reply, 400, EVG_SYNC_CODE_BAD_REQUEST, message);
      return;
    }
  if (site == NULL)
    g_array_set_size (known, 0);
  limit = MIN (limit, EVG_SYNC_MAX_PULL_LIMIT);

  if (epoch != NULL && *epoch != '\0' && g_strcmp0 (epoch, db->epoch) != 0)
    {
      reply->status = 409;
      reply->body = evg_sync_error_body (EVG_SYNC_CODE_RESYNC,
                                         "The server was restored from a backup; sync again from the start.",
                                         now_ms (), db->epoch);
      return;
    }

  /* One read transaction, so the page and the log's end agree. */
  if (!exec (db, "BEGIN", &error))
    return reply_internal (db, reply, error);

  stmt = prepare (db, "SELECT coalesce ((SELECT seq FROM sqlite_sequence WHERE name = 'change_log'), 0)",
                  &error);
  if (stmt == NULL)
    goto fail;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    max_seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (since > max_seq)
    {
      sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
      reply->status = 409;
      reply->body = evg_sync_error_body (EVG_SYNC_CODE_RESYNC,
                                         "Your cursor is beyond the server's log; the server was restored. "
                                         "Sync again from the start.",
                                         now_ms (), db->epoch);
      return;
    }

  out = g_string_sized_new (4096);
  g_string_append (out, "{\"epoch\":");
  evg_json_append_string (out, db->epoch);
  g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT ",\"changes\":[", now_ms ());

  /* A range whose count matches the branch's entries in it holds the
   * client's own changes and nothing else: the page passes over it without
   * reading it.  Counting reads only the index.  Any other range is read,
   * and only the site's own changes in it are left out. */
  for (guint i = 0; i < known->len; i++)
    {
      SeqRange *range = &g_array_index (known, SeqRange, i);
      gint64 entries = -1;

      /* Counting reads the index over the whole range: bounded per pull,
       * so no request makes the server read more than that. */
      if (range->count == 0 || range->last <= since ||
          range->last - range->first + 1 > EVG_SYNC_MAX_KNOWN_SPAN - known_counted)
        continue;
      known_counted += range->last - range->first + 1;
      stmt = prepare (db, "SELECT count(*) FROM change_log WHERE branch = ? AND seq BETWEEN ? AND ?",
                      &error);
      if (stmt == NULL)
        goto fail;
      sqlite3_bind_text (stmt, 1, branch, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, range->first);
      sqlite3_bind_int64 (stmt, 3, range->last);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        entries = sqlite3_column_int64 (stmt, 0);
      sqlite3_reset (stmt);
      range->whole = entries == range->count;
    }

  /* Known changes left out still count towards the rows a page reads, so
   * that a page never reads more than a few pages' worth. */
  stmt = prepare (db, "SELECT seq, change_id, tbl, row_id, op, fields, hlc, base_hlc, site "
                      "FROM change_log WHERE branch = ? AND seq > ? ORDER BY seq LIMIT ?", &error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, branch, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, known->len > 0 ? limit * EVG_SYNC_PULL_SCAN_FACTOR : limit);
  next = since;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean own;

      scanned++;
      if (count == limit || out->len >= EVG_SYNC_MAX_PULL_BYTES ||
          (known->len > 0 && scanned > limit * EVG_SYNC_PULL_SCAN_FACTOR))
        {
          /* A row after a full page (by count or by size), or past what a
           * page reads: there is more. */
          more = TRUE;
          break;
        }
      next = sqlite3_column_int64 (stmt, 0);
      own = site != NULL && g_strcmp0 (site, (const char *) sqlite3_column_text (stmt, 8)) == 0;
      if (own && seq_is_known (known, &known_at, next))
        {
          const SeqRange *range = &g_array_index (known, SeqRange, known_at);

          if (range->whole && MIN (range->last, max_seq) > next)
            {
              /* Go on after the range, reading no more of it; never past
               * the log's end, where later changes will come. */
              next = MIN (range->last, max_seq);
              sqlite3_reset (stmt);
              sqlite3_bind_int64 (stmt, 2, next);
            }
          continue;
        }
      if (count++ > 0)
        g_string_append_c (out, ',');
      if (own)
        {
          evg_sync_append_stub (out, (const char *) sqlite3_column_text (stmt, 1), next);
          continue;
        }
      evg_sync_append_change (out,
                              (const char *) sqlite3_column_text (stmt, 1),
                              (const char *) sqlite3_column_text (stmt, 2),
                              (const char *) sqlite3_column_text (stmt, 3),
                              (const char *) sqlite3_column_text (stmt, 4),
                              (const char *) sqlite3_column_text (stmt, 5),
                              (const char *) sqlite3_column_text (stmt, 6),
                              (const char *) sqlite3_column_text (stmt, 7),
                              (const char *) sqlite3_column_text (stmt, 8),
                              next);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      set_db_error (db, &error);
      goto fail;
    }
  /* Without known ranges this is the old rule: a full page may have more.
   * With them, so may a page that stopped at its reading limit. */
  if (rc == SQLITE_DONE)
    more = known->len > 0 ? scanned >= limit * EVG_SYNC_PULL_SCAN_FACTOR : count == limit;
  sqlite3_exec (db->db, "COMMIT", NULL, NULL, NULL);

  g_string_append_printf (out, "],\"next\":%" G_GINT64_FORMAT ",\"has_more\":%s}\n",
                          next, more ? "true" : "false");
  evg_server_failpoint ("server-pull-before-answer");
  reply->status = 200;
  reply->body = g_string_free (g_steal_pointer (&out), FALSE);
  return;

fail:
  sqlite3_exec (db->db, "ROLLBACK", NULL, NULL, NULL);
  reply_internal (db, reply, error);
}
