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
#include "evg-server-db-private.h"
#include "evg-sync-merge.h"
#include "evg-sync-protocol.h"

/* The server's store: its connection, schema and migrations.  The SQLite
 * plumbing (statements, steps, meta, the migration runner) is evg-sqlite's,
 * shared with the client's store; the other evg-server-*.c files reach it
 * through the connection's EvgSqlite. */

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
  /* The residents' public page (evg-server-inbox.c).  page_since: when
   * the branch turned its page on; NULL while it is off, as it is until
   * the branch asks for it. */
  "ALTER TABLE branch ADD COLUMN page_since INTEGER;"
  /* The messages residents sent through it, which alone have a status
   * page.  nonce: the form's token, which sends the same message again
   * when the same form is sent twice. */
  "CREATE TABLE public_message ("
  "  row_id     TEXT PRIMARY KEY,"
  "  branch     TEXT NOT NULL REFERENCES branch (code),"
  "  source     TEXT NOT NULL,"
  "  nonce      TEXT UNIQUE,"
  "  created_at INTEGER NOT NULL"
  ") WITHOUT ROWID;"
  /* How many a branch received on each day, for its daily cap. */
  "CREATE TABLE public_day ("
  "  branch TEXT NOT NULL,"
  "  day    TEXT NOT NULL,"
  "  n      INTEGER NOT NULL,"
  "  PRIMARY KEY (branch, day)"
  ") WITHOUT ROWID;"
  /* A message's events, for its status page.  Events are only ever
   * inserted, once each (their policy is append-only), so the insert in
   * the log is the event. */
  "CREATE INDEX change_log_feedback_event ON change_log (json_extract (fields, '$.feedback_id'))"
  "  WHERE tbl = 'feedback_event';",
  /* The due times a branch gives the messages of its public page, as its
   * workstation's settings say (POST /v1/page); NULL: 24 hours and 7 days. */
  "ALTER TABLE branch ADD COLUMN respond_hours INTEGER;"
  "ALTER TABLE branch ADD COLUMN resolve_hours INTEGER;",
};

gint64
evg_server_now_ms (void)
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

/* The server's words for a failure of SQLite: an administrator reads
 * them in the log or the terminal, where SQLite's own text helps most. */
static void
on_sqlite_error (sqlite3   *sqlite,
                 int        rc,
                 gpointer   user_data,
                 GError   **error)
{
  EvgServerDb *db = user_data;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Database error in “%s”: %s"),
               db->path, sqlite3_errmsg (sqlite));
}

char *
evg_server_random_hex (gsize n_bytes)
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

static gboolean
migrate (EvgServerDb  *db,
         GError      **error)
{
  gint64 version = 0, app_id = 0, n_objects = 0;
  guint schema_version;

  if (!evg_sqlite_query_int (db->sqlite, "PRAGMA user_version", &version, NULL) ||
      !evg_sqlite_query_int (db->sqlite, "PRAGMA application_id", &app_id, NULL) ||
      !evg_sqlite_query_int (db->sqlite, "SELECT count(*) FROM sqlite_master", &n_objects, NULL))
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
  if (version == 0 && n_objects == 0 &&
      !evg_sqlite_exec (db->sqlite, "PRAGMA page_size = 16384", error))
    return FALSE;

  schema_version = (guint) version;
  return evg_sqlite_migrate (db->sqlite, migrations, G_N_ELEMENTS (migrations),
                             SERVER_APPLICATION_ID, &schema_version, NULL, error);
}

/* Makes @path, when it does not exist, readable by its owner only: it
 * holds every branch's members (names, ID numbers, phones) and the token
 * hashes, and SQLite gives its log and shared-memory files the same
 * permissions.  A database made by an admin command under the usual umask
 * was readable by every user of the machine. */
gboolean
evg_server_create_private (const char  *path,
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
  int rc;

  db->path = g_strdup (path);
  db->clocks = g_string_new (NULL);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   _("The folder “%s” cannot be created: %s"), dir, g_strerror (errno));
      return NULL;
    }
  if (!evg_server_create_private (path, error))
    return NULL;
  rc = sqlite3_open_v2 (path, &db->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                        SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      on_sqlite_error (db->db, rc, db, error);
      return NULL;
    }
  /* Every statement of the server is a string literal, kept by its
   * address: hashing and comparing the whole SQL on every call cost a few
   * percent of a push, which runs a handful of statements per change. */
  db->sqlite = evg_sqlite_new (db->db, EVG_SQLITE_KEY_ADDRESS, on_sqlite_error, db);
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
      !evg_sqlite_exec (db->sqlite, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; "
                        "PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384; "
                        "PRAGMA temp_store = MEMORY;", error))
    return NULL;

  /* SQLite's own checkpoint, the backstop behind the checkpoint thread,
   * counts pages: it is set for 64 MB of log whatever their size. */
  {
    gint64 page_size = 4096;
    g_autofree char *sql = NULL;

    evg_sqlite_query_int (db->sqlite, "PRAGMA page_size", &page_size, NULL);
    sql = g_strdup_printf ("PRAGMA wal_autocheckpoint = %" G_GINT64_FORMAT,
                           (64 * 1024 * 1024) / MAX (page_size, 512));
    if (!evg_sqlite_exec (db->sqlite, sql, error))
      return NULL;
  }

  db->epoch = evg_sqlite_get_meta (db->sqlite, "epoch");
  if (db->epoch == NULL)
    {
      g_autofree char *epoch = evg_server_random_hex (16);

      if (!evg_sqlite_begin (db->sqlite, error))
        return NULL;
      db->epoch = evg_sqlite_get_meta (db->sqlite, "epoch");
      if (db->epoch == NULL)
        {
          if (!evg_sqlite_set_meta (db->sqlite, "epoch", epoch, error))
            {
              evg_sqlite_rollback (db->sqlite);
              return NULL;
            }
          db->epoch = g_steal_pointer (&epoch);
        }
      if (!evg_sqlite_commit (db->sqlite, error))
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
  g_clear_pointer (&db->sqlite, evg_sqlite_free);
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

void
evg_server_reply_internal (EvgServerDb    *db,
                EvgServerReply *reply,
                GError         *error)
{
  g_message ("Database failure: %s", error != NULL ? error->message : sqlite3_errmsg (db->db));
  evg_server_reply_error (reply, 503, EVG_SYNC_CODE_UNAVAILABLE,
                          "The server could not save the changes; nothing was applied. Try again later.");
}
