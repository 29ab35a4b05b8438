/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-store"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "evg-hlc.h"
#include "evg-schema.h"
#include "evg-search-terms.h"
#include "evg-store-private.h"
#include "evg-txn.h"

/* 'EVG1': lets us tell our own database from any other SQLite file. */
#define EVG_APPLICATION_ID 0x45564731

struct _EvgStore
{
  GObject     parent_instance;

  /* Owned */
  char       *path;
  sqlite3    *db;
  EvgSqlite  *sqlite;       /* statements, kept by their SQL text */
  char       *site_id;
  guint       schema_version;
  EvgClockFunc clock;
  gpointer     clock_data;

  /* Opened by evg_store_open_for_reading() where nothing may be written. */
  gboolean     read_only;

  /* This connection checkpoints its commits itself, after the fact
   * (evg_store_hold_checkpoint()). */
  gboolean     holds_checkpoint;
  /* Counts emissions of "changed", those of one commit as one. */
  guint64      change_serial;

  /* Borrowed */
  EvgTxn     *txn;          /* the open write transaction, if any */
};

/* How many connections of this process hold the checkpoint: while any
 * does, no other connection checkpoints after its commits. */
static gint checkpoint_holds;

/* SQLite's own threshold (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT): a commit
 * that leaves at least this many frames in the log checkpoints it. */
#define AUTOCHECKPOINT_FRAMES 1000

G_DEFINE_FINAL_TYPE (EvgStore, evg_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (evg-store-error-quark, evg_store_error)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
evg_store_finalize (GObject *object)
{
  EvgStore *self = (EvgStore *)object;

  if (self->txn != NULL)
    g_critical ("Store closed with a transaction still open");
  if (self->holds_checkpoint)
    g_atomic_int_dec_and_test (&checkpoint_holds);

  g_clear_pointer (&self->sqlite, evg_sqlite_free);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->site_id, g_free);

  G_OBJECT_CLASS (evg_store_parent_class)->finalize (object);
}

static void
evg_store_class_init (EvgStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = evg_store_finalize;

  /**
   * EvgStore::changed:
   * @self: the store
   * @table: the synced table whose rows changed
   * @ids: (nullable): the ids of the changed rows, or %NULL when any row may
   *   have changed (a bulk import or a change made by another connection)
   *
   * Emitted after a transaction that wrote to @table has committed, once per
   * table.  Services listen to it to keep their list models current.
   */
  signals[CHANGED] =
    g_signal_new ("changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_PTR_ARRAY);
}

static void
evg_store_init (EvgStore *self)
{
}

/* Turns an SQLite result into a message a branch secretary can act on. */
static void
set_sqlite_error (sqlite3     *db,
                  const char  *path,
                  int          rc,
                  GError     **error)
{
  const char *detail = db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc);

  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_DATABASE,
                   _("The file “%s” is not an E-Vanguard database. It was left untouched; "
                     "choose another file or restore a backup."), path);
      break;
    case SQLITE_CORRUPT:
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_CORRUPT,
                   _("The database “%s” is damaged. It was left untouched so that it can be "
                     "rescued; restore the latest backup or ask your IT staff for help."), path);
      break;
    case SQLITE_FULL:
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_FULL,
                   _("The disk is full, so the change was not saved. Nothing was lost: "
                     "free some disk space and try again."));
      break;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_READ_ONLY,
                   _("The database “%s” cannot be opened for writing. Check that the folder "
                     "exists and that you may write to it."), path);
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_BUSY,
                   _("The database is in use by another program. Wait a moment and try again."));
      break;
    case SQLITE_CONSTRAINT:
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_CONSTRAINT,
                   _("The change conflicts with a record that already exists (%s)."), detail);
      break;
    case SQLITE_IOERR:
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_FAILED,
                   _("The disk could not be read or written (%s). Nothing was changed; "
                     "check the disk and try again."), detail);
      break;
    default:
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_FAILED,
                   _("The database reported an error: %s"), detail);
      break;
    }
}

void
evg_store_set_error (EvgStore  *self,
                     int        rc,
                     GError   **error)
{
  set_sqlite_error (self->db, self->path, rc, error);
}

static void
on_sqlite_error (sqlite3   *db,
                 int        rc,
                 gpointer   user_data,
                 GError   **error)
{
  EvgStore *self = user_data;

  set_sqlite_error (db, self->path, rc, error);
}

/* Starts the plumbing of a connection just opened. */
static void
attach_sqlite (EvgStore *self)
{
  self->sqlite = evg_sqlite_new (self->db, EVG_SQLITE_KEY_TEXT, on_sqlite_error, self);
}

EvgSqlite *
evg_store_get_sqlite (EvgStore *self)
{
  g_return_val_if_fail (EVG_IS_STORE (self), NULL);
  return self->sqlite;
}

sqlite3 *
evg_store_get_db (EvgStore *self)
{
  g_return_val_if_fail (EVG_IS_STORE (self), NULL);
  return self->db;
}

/* Returns a prepared statement owned by the store, reset and with no
 * bindings.  Callers reset it again when done so that it releases locks. */
sqlite3_stmt *
evg_store_prepare (EvgStore    *self,
                   const char  *sql,
                   GError     **error)
{
  g_return_val_if_fail (EVG_IS_STORE (self), NULL);
  return evg_sqlite_prepare (self->sqlite, sql, error);
}

gboolean
evg_store_exec (EvgStore    *self,
                const char  *sql,
                GError     **error)
{
  return evg_sqlite_exec (self->sqlite, sql, error);
}

static void
on_migration_failed (guint     version,
                     GError  **error)
{
  g_prefix_error (error, _("Updating the database to version %u failed: "), version);
}

static gboolean
migrate (EvgStore  *self,
         GError   **error)
{
  guint n_migrations;
  const char * const *migrations = evg_schema_get_migrations (&n_migrations);

  return evg_sqlite_migrate (self->sqlite, migrations, n_migrations, EVG_APPLICATION_ID,
                             &self->schema_version, on_migration_failed, error);
}

/* Reads what the file says it is before anything writes to it, so that a
 * foreign, damaged or newer file is refused and left exactly as it was. */
static gboolean
check_file (EvgStore  *self,
            GError   **error)
{
  gint64 version = 0, app_id = 0, n_objects = 0;

  if (!evg_sqlite_query_int (self->sqlite, "PRAGMA user_version", &version, error) ||
      !evg_sqlite_query_int (self->sqlite, "PRAGMA application_id", &app_id, error) ||
      !evg_sqlite_query_int (self->sqlite, "SELECT count(*) FROM sqlite_master", &n_objects, error))
    return FALSE;

  if (app_id != EVG_APPLICATION_ID && (app_id != 0 || n_objects > 0 || version > 0))
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_DATABASE,
                   _("The file “%s” is not an E-Vanguard database. It was left untouched; "
                     "choose another file or restore a backup."), self->path);
      return FALSE;
    }

  if (version > (gint64) evg_schema_get_version ())
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_TOO_NEW,
                   _("The database “%s” was written by a newer version of E-Vanguard "
                     "(data version %d; this version understands up to %u). "
                     "Install the newer version to open it."),
                   self->path, (int) version, evg_schema_get_version ());
      return FALSE;
    }

  self->schema_version = (guint) version;
  return TRUE;
}

/* Replaces SQLite's automatic checkpoint, which runs in the commit that
 * makes the log long enough, on whichever connection and thread that is.
 * It does the same, except while some connection holds the checkpoint:
 * then that connection's thread does it after its commit, and a commit on
 * the main thread never inherits the copying of a bulk write's log. */
static int
on_wal_commit (gpointer    data,
               sqlite3    *db,
               const char *name,
               int         n_frames)
{
  EvgStore *self = data;

  if (n_frames >= AUTOCHECKPOINT_FRAMES && !self->holds_checkpoint &&
      g_atomic_int_get (&checkpoint_holds) == 0)
    sqlite3_wal_checkpoint_v2 (db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  return SQLITE_OK;
}

/* evg_search_terms(NAME, TEXT…): the words a full-text search finds a
 * row by (evg-search-terms.c); the name by its pinyin too.  The search
 * tables' triggers call it, so every connection that writes has it. */
static void
search_terms_function (sqlite3_context  *context,
                       int               argc,
                       sqlite3_value   **argv)
{
  g_autoptr(GString) terms = g_string_new (NULL);

  for (int i = 0; i < argc; i++)
    evg_search_terms_append (terms, (const char *) sqlite3_value_text (argv[i]), i == 0);
  sqlite3_result_text (context, terms->str, (int) terms->len, SQLITE_TRANSIENT);
}

/* The SQL functions the schema's triggers call, on a connection that may
 * write: every store's, and a migration test's bare one. */
void
evg_store_add_functions (sqlite3 *db)
{
  sqlite3_create_function_v2 (db, "evg_search_terms", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                              NULL, search_terms_function, NULL, NULL, NULL);
}

static gboolean
configure_connection (EvgStore  *self,
                      GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;

  sqlite3_busy_timeout (self->db, 5000);

  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") == 0;
  sqlite3_finalize (stmt);

  if (!wal)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_READ_ONLY,
                   _("The database “%s” cannot be opened for writing. Check that the folder "
                     "exists and that you may write to it."), self->path);
      return FALSE;
    }

  sqlite3_wal_hook (self->db, on_wal_commit, self);
  evg_store_add_functions (self->db);

  /* FULL makes a commit durable across a power cut, not just a crash. */
  return evg_store_exec (self,
                         "PRAGMA synchronous = FULL;"
                         "PRAGMA foreign_keys = ON;"
                         "PRAGMA temp_store = MEMORY;",
                         error);
}

static gboolean
load_site (EvgStore  *self,
           GError   **error)
{
  return evg_sqlite_query_text (self->sqlite, "SELECT site_id FROM sync_state WHERE id = 1",
                                &self->site_id, error);
}

/**
 * evg_store_default_path:
 *
 * The database the programs use when none is named: `$EVG_DATABASE` if set,
 * else `e-vanguard.db` in the user's data folder.
 */
char *
evg_store_default_path (void)
{
  const char *env = g_getenv ("EVG_DATABASE");

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "e-vanguard", "e-vanguard.db", NULL);
}

/**
 * evg_store_open:
 * @path: the database file; created with its folder when missing
 * @error: return location for an #EVG_STORE_ERROR
 *
 * Opens the database and brings its schema up to date.  A file that is not
 * ours, is damaged, or comes from a newer version is refused and never
 * changed.
 */
EvgStore *
evg_store_open (const char  *path,
                GError     **error)
{
  g_autoptr(EvgStore) self = NULL;
  g_autofree char *dir = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (EVG_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("The folder “%s” cannot be created: %s"), dir, g_strerror (saved_errno));
      return NULL;
    }

  rc = sqlite3_open_v2 (path, &self->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (self->db, self->path, rc, error);
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  /* Before the first read: another connection of this program may be
   * checkpointing the log at that very moment (a worker opening its own
   * connection while the app writes). */
  sqlite3_busy_timeout (self->db, 5000);
  attach_sqlite (self);

  if (!check_file (self, error) ||
      !configure_connection (self, error) ||
      !migrate (self, error) ||
      !load_site (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* Opens @path for reading only.  In WAL mode SQLite keeps the readers'
 * shared index in a file beside the database (-shm), which a folder that
 * may not be written cannot hold, and then refuses even to read.  Once
 * every writer has closed the database its log is empty and the file
 * holds everything, so it is then opened as immutable, which reads it
 * without that index.  A log that still holds changes cannot be read so:
 * the database is refused rather than shown without them. */
static sqlite3 *
open_read_only_db (const char  *path,
                   GError     **error)
{
  g_autofree char *escaped = g_uri_escape_string (path, "/", TRUE);
  g_autofree char *log = g_strconcat (path, "-wal", NULL);
  GStatBuf st;
  sqlite3 *db = NULL;
  int rc;

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autofree char *uri = g_strdup_printf ("file:%s?mode=ro%s", escaped,
                                              attempt == 0 ? "" : "&immutable=1");

      rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
                            NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec (db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        return db;
      if (attempt > 0 || ((rc & 0xff) != SQLITE_READONLY && (rc & 0xff) != SQLITE_CANTOPEN))
        break;
      sqlite3_close_v2 (db);
      db = NULL;
      if (g_stat (log, &st) == 0 && st.st_size > 0)
        {
          g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_READ_ONLY,
                       _("The database “%s” can only be read here, and its latest changes (in "
                         "“%s”) cannot be read without writing to its folder. Open it once as "
                         "a user who may write to the folder, or copy the folder to one you may "
                         "write to."),
                       path, log);
          return NULL;
        }
    }
  set_sqlite_error (db, path, rc, error);
  sqlite3_close_v2 (db);
  return NULL;
}

/**
 * evg_store_open_for_reading:
 * @path: the database file
 * @error: return location for an #EVG_STORE_ERROR
 *
 * Opens the database for a command that only reads it: as evg_store_open()
 * when the database and its folder may be written, else read-only, so that
 * a database in a folder the user may only read (a backup, a colleague's
 * shared folder) can still be looked at.  A read-only store refuses every
 * write with %EVG_STORE_ERROR_READ_ONLY, and cannot bring an older schema
 * up to date.
 */
EvgStore *
evg_store_open_for_reading (const char  *path,
                            GError     **error)
{
  g_autoptr(EvgStore) self = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_access (path, F_OK) != 0 || (g_access (path, W_OK) == 0 && g_access (dir, W_OK) == 0))
    return evg_store_open (path, error);

  self = g_object_new (EVG_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->read_only = TRUE;
  self->db = open_read_only_db (path, error);
  if (self->db == NULL)
    return NULL;
  sqlite3_extended_result_codes (self->db, 1);
  attach_sqlite (self);
  sqlite3_busy_timeout (self->db, 5000);

  if (!check_file (self, error))
    return NULL;
  if (self->schema_version < evg_schema_get_version ())
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_READ_ONLY,
                   _("The database “%s” was written by an older version of E-Vanguard and must "
                     "be updated before it can be read, which needs a folder you may write to. "
                     "Open it once as a user who may write to its folder."),
                   path);
      return NULL;
    }
  if (!evg_store_exec (self, "PRAGMA temp_store = MEMORY", error) ||
      !load_site (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * evg_store_open_sibling:
 *
 * Opens a second connection to the same database, for a worker thread.  WAL
 * lets it read while the first connection writes.
 */
EvgStore *
evg_store_open_sibling (EvgStore  *store,
                        GError   **error)
{
  g_return_val_if_fail (EVG_IS_STORE (store), NULL);

  if (store->read_only)
    return evg_store_open_for_reading (store->path, error);
  return evg_store_open (store->path, error);
}

/* Whether the store was opened read-only by evg_store_open_for_reading(). */
gboolean
evg_store_is_read_only (EvgStore *self)
{
  g_return_val_if_fail (EVG_IS_STORE (self), FALSE);
  return self->read_only;
}

/**
 * evg_store_hold_checkpoint:
 *
 * Keeps the commits that follow, on this connection and every other one of
 * the process, from copying the log into the database (a checkpoint) until
 * evg_store_checkpoint() on this connection does.  For a worker about to
 * commit a bulk write: a 100,000-row import leaves some 60 MB in the log,
 * and copying it takes a good part of a second.  The worker then delivers
 * its result first and checkpoints after, and as the other connections
 * leave the checkpoint to it meanwhile, none of them (the main thread's
 * least of all) does that copying in one of its own commits.
 */
void
evg_store_hold_checkpoint (EvgStore *self)
{
  g_return_if_fail (EVG_IS_STORE (self));

  if (self->holds_checkpoint)
    return;
  self->holds_checkpoint = TRUE;
  g_atomic_int_inc (&checkpoint_holds);
}

/**
 * evg_store_checkpoint:
 *
 * Copies the log into the database as far as readers allow, without
 * waiting for writers, and lets go of evg_store_hold_checkpoint().  Two
 * things can stop it short, both briefly: another connection's checkpoint
 * under way, which copies only what was committed when it began, and a
 * reader still on a snapshot from before the last commit, which keeps the
 * frames after it in the log.  So it tries again a few times, waiting a
 * little longer each time (some 0.6 s in all).  What remains after that
 * is left to the next commit's automatic checkpoint, wherever it runs.
 *
 * Call it from a worker: it may sleep.
 *
 * Returns: %FALSE on an error other than another checkpoint under way
 */
gboolean
evg_store_checkpoint (EvgStore  *self,
                      GError   **error)
{
  int rc = SQLITE_OK;

  g_return_val_if_fail (EVG_IS_STORE (self), FALSE);
  g_return_val_if_fail (self->txn == NULL, FALSE);

  for (guint attempt = 0; attempt < 7; attempt++)
    {
      int n_log = 0, n_copied = 0;

      if (attempt > 0)
        g_usleep (10000 << (attempt - 1));
      rc = sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &n_log, &n_copied);
      if ((rc == SQLITE_OK && n_copied >= n_log) || (rc != SQLITE_OK && rc != SQLITE_BUSY))
        break;
    }

  if (self->holds_checkpoint)
    {
      self->holds_checkpoint = FALSE;
      g_atomic_int_dec_and_test (&checkpoint_holds);
    }
  if (rc != SQLITE_OK && rc != SQLITE_BUSY)
    {
      evg_store_set_error (self, rc, error);
      return FALSE;
    }
  return TRUE;
}

const char *
evg_store_get_path (EvgStore *self)
{
  g_return_val_if_fail (EVG_IS_STORE (self), NULL);
  return self->path;
}

const char *
evg_store_get_site_id (EvgStore *self)
{
  g_return_val_if_fail (EVG_IS_STORE (self), NULL);
  return self->site_id;
}

guint
evg_store_get_schema_version (EvgStore *self)
{
  g_return_val_if_fail (EVG_IS_STORE (self), 0);
  return self->schema_version;
}

char *
evg_store_get_meta (EvgStore   *self,
                    const char *key)
{
  g_return_val_if_fail (EVG_IS_STORE (self), NULL);
  return evg_sqlite_get_meta (self->sqlite, key);
}

gboolean
evg_store_set_meta (EvgStore    *self,
                    const char  *key,
                    const char  *value,
                    GError     **error)
{
  g_return_val_if_fail (EVG_IS_STORE (self), FALSE);
  return evg_sqlite_set_meta (self->sqlite, key, value, error);
}

/* Counts the live (not deleted) rows of a synced table. */
gint64
evg_store_count_rows (EvgStore    *self,
                      const char  *table,
                      GError     **error)
{
  g_autofree char *sql = NULL;
  gint64 count = -1;

  g_return_val_if_fail (EVG_IS_STORE (self), -1);

  if (evg_schema_lookup_table (table) == NULL)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
                   "No synced table called %s", table);
      return -1;
    }

  sql = g_strdup_printf ("SELECT count(*) FROM %s WHERE deleted = 0", table);
  if (!evg_sqlite_query_int (self->sqlite, sql, &count, error))
    return -1;
  return count;
}

gint64
evg_store_count_pending (EvgStore *self)
{
  gint64 count = 0;

  g_return_val_if_fail (EVG_IS_STORE (self), 0);

  if (!evg_sqlite_query_int (self->sqlite, "SELECT count(*) FROM outbox WHERE seq > "
                             "  (SELECT acked_seq FROM sync_state WHERE id = 1)", &count, NULL))
    return 0;
  return count;
}

/**
 * evg_store_begin:
 *
 * Starts the one kind of write a synced table accepts.  See evg-txn.h.
 */
EvgTxn *
evg_store_begin (EvgStore  *self,
                 GError   **error)
{
  EvgTxn *txn;

  g_return_val_if_fail (EVG_IS_STORE (self), NULL);

  if (self->txn != NULL)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_BUSY,
                   "A write transaction is already open on this connection");
      return NULL;
    }
  if (self->read_only)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_READ_ONLY,
                   _("The database “%s” is open only for reading, as its folder or file may not "
                     "be written; nothing was changed. Check that you may write to the folder."),
                   self->path);
      return NULL;
    }

  txn = evg_txn_new_internal (self, error);
  self->txn = txn;
  return txn;
}

void
evg_store_txn_finished (EvgStore *self,
                        EvgTxn   *txn)
{
  if (self->txn == txn)
    self->txn = NULL;
}

void
evg_store_emit_changed (EvgStore   *self,
                        const char *table,
                        GPtrArray  *ids)
{
  g_return_if_fail (EVG_IS_STORE (self));
  self->change_serial++;
  g_signal_emit (self, signals[CHANGED], 0, table, ids);
}

/* Emits "changed" for each table of @changed (table name → ids, or %NULL
 * for any row), all under one change serial: they are one commit's. */
void
evg_store_emit_changes (EvgStore   *self,
                        GHashTable *changed)
{
  GHashTableIter iter;
  gpointer table, ids;

  self->change_serial++;
  g_hash_table_iter_init (&iter, changed);
  while (g_hash_table_iter_next (&iter, &table, &ids))
    g_signal_emit (self, signals[CHANGED], 0, table, ids);
}

/* Tells a listener that has read everything again during one emission of
 * "changed" that the rest of the same commit's emissions are covered. */
guint64
evg_store_get_change_serial (EvgStore *self)
{
  return self->change_serial;
}

/**
 * evg_store_set_clock:
 * @func: (nullable): the wall clock in milliseconds, or %NULL for the real one
 *
 * Lets tests run the store's hybrid logical clock on a clock they control.
 */
void
evg_store_set_clock (EvgStore     *self,
                     EvgClockFunc  func,
                     gpointer      user_data)
{
  g_return_if_fail (EVG_IS_STORE (self));
  self->clock = func;
  self->clock_data = user_data;
}

void
evg_store_configure_hlc (EvgStore *self,
                         EvgHlc   *hlc)
{
  if (self->clock != NULL)
    evg_hlc_set_clock (hlc, self->clock, self->clock_data);
}

/**
 * evg_store_each_row:
 * @params: (array length=n_params): bound as text, in order
 *
 * Runs the query @sql and hands each row to @func.
 */
gboolean
evg_store_each_row (EvgStore            *self,
                    const char          *sql,
                    const char * const  *params,
                    guint                n_params,
                    EvgRowFunc           func,
                    gpointer             data,
                    GError             **error)
{
  sqlite3_stmt *stmt = evg_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_params; i++)
    sqlite3_bind_text (stmt, (int) i + 1, params[i], -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    func (stmt, data);
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  evg_store_set_error (self, rc, error);
  return FALSE;
}
