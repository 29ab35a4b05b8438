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
#include "evg-feedback.h"
#include "evg-field-set.h"
#include "evg-hlc.h"
#include "evg-schema.h"
#include "evg-server-db-private.h"
#include "evg-sync-merge.h"
#include "evg-sync-protocol.h"

/* Branches and their tokens, backups and restores, authentication and
 * the health answer. */

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

gboolean
evg_server_db_branch_exists (EvgServerDb *db,
               const char  *code)
{
  sqlite3_stmt *stmt = evg_sqlite_prepare (db->sqlite, "SELECT 1 FROM branch WHERE code = ?", NULL);
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
  g_autofree char *secret = evg_server_random_hex (TOKEN_BYTES);
  g_autofree char *token = g_strconcat (TOKEN_PREFIX, secret, NULL);
  guint8 digest[32];
  sqlite3_stmt *stmt;

  stmt = evg_sqlite_prepare (db->sqlite,
                             "UPDATE token SET revoked_at = ?2 "
                             "WHERE branch = ?1 AND revoked_at IS NULL", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, evg_server_now_ms ());
  if (!evg_sqlite_step_done (db->sqlite, stmt, error))
    return NULL;

  hash_token (token, digest);
  stmt = evg_sqlite_prepare (db->sqlite,
                             "INSERT INTO token (hash, branch, created_at) VALUES (?, ?, ?)",
                             error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_blob (stmt, 1, digest, sizeof digest, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, evg_server_now_ms ());
  if (!evg_sqlite_step_done (db->sqlite, stmt, error))
    return NULL;

  stmt = evg_sqlite_prepare (db->sqlite,
                             "UPDATE branch SET revoked_at = NULL WHERE code = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (!evg_sqlite_step_done (db->sqlite, stmt, error))
    return NULL;

  return g_steal_pointer (&token);
}

static char *
finish_token (EvgServerDb  *db,
              char         *token,
              GError      **error)
{
  if (token == NULL || !evg_sqlite_commit (db->sqlite, error))
    {
      evg_sqlite_rollback (db->sqlite);
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
  if (!evg_sqlite_begin (db->sqlite, error))
    return NULL;
  if (evg_server_db_branch_exists (db, code))
    {
      evg_sqlite_rollback (db->sqlite);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("A branch with the code “%s” exists already. "
                     "Use “branch rotate-token” to give it a new token."), code);
      return NULL;
    }
  stmt = evg_sqlite_prepare (db->sqlite,
                             "INSERT INTO branch (code, name, created_at) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return finish_token (db, NULL, error);
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, clean_name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, evg_server_now_ms ());
  if (!evg_sqlite_step_done (db->sqlite, stmt, error))
    return finish_token (db, NULL, error);

  return finish_token (db, issue_token (db, code, error), error);
}

static gboolean
require_branch (EvgServerDb  *db,
                const char   *code,
                GError      **error)
{
  if (!evg_server_db_branch_exists (db, code))
    {
      evg_sqlite_rollback (db->sqlite);
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
  if (!evg_sqlite_begin (db->sqlite, error) || !require_branch (db, code, error))
    return NULL;
  return finish_token (db, issue_token (db, code, error), error);
}

gboolean
evg_server_db_revoke_branch (EvgServerDb  *db,
                             const char   *code,
                             GError      **error)
{
  sqlite3_stmt *stmt;

  if (!evg_sqlite_begin (db->sqlite, error) || !require_branch (db, code, error))
    return FALSE;

  stmt = evg_sqlite_prepare (db->sqlite,
                             "UPDATE token SET revoked_at = ?2 "
                             "WHERE branch = ?1 AND revoked_at IS NULL", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, evg_server_now_ms ());
    }
  if (stmt == NULL || !evg_sqlite_step_done (db->sqlite, stmt, error))
    return finish_token (db, NULL, error), FALSE;

  stmt = evg_sqlite_prepare (db->sqlite,
                             "UPDATE branch SET revoked_at = ?2 WHERE code = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, evg_server_now_ms ());
    }
  if (stmt == NULL || !evg_sqlite_step_done (db->sqlite, stmt, error))
    return finish_token (db, NULL, error), FALSE;

  return evg_sqlite_commit (db->sqlite, error);
}

/**
 * evg_server_db_get_page:
 * @name: (out) (optional): the branch's name
 * @on: (out): whether its page takes messages
 *
 * Returns: whether the branch exists and is not revoked
 */
gboolean
evg_server_db_get_page (EvgServerDb  *db,
                        const char   *code,
                        char        **name,
                        gboolean     *on)
{
  sqlite3_stmt *stmt = evg_sqlite_prepare (db->sqlite,
                                           "SELECT name, page_since IS NOT NULL FROM branch "
                                           "WHERE code = ? AND revoked_at IS NULL", NULL);
  gboolean found;

  *on = FALSE;
  if (name != NULL)
    *name = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  found = sqlite3_step (stmt) == SQLITE_ROW;
  if (found)
    {
      if (name != NULL)
        *name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *on = sqlite3_column_int (stmt, 1) != 0;
    }
  sqlite3_reset (stmt);
  return found;
}

/**
 * evg_server_db_set_page:
 *
 * Turns the branch's public page (evg-server-public.c) on or off.  Off, its form answers 404 and
 * takes nothing; the status pages of messages already sent stay readable,
 * so that residents still see the answers they wait for.
 */
gboolean
evg_server_db_set_page (EvgServerDb  *db,
                        const char   *code,
                        gboolean      on,
                        GError      **error)
{
  sqlite3_stmt *stmt;

  stmt = evg_sqlite_prepare (db->sqlite,
                             "UPDATE branch SET page_since = CASE WHEN ?2 THEN coalesce (page_since, ?3) END "
                             "WHERE code = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, on ? 1 : 0);
  sqlite3_bind_int64 (stmt, 3, evg_server_now_ms ());
  if (!evg_sqlite_step_done (db->sqlite, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->db) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("There is no branch with the code “%s”."), code);
      return FALSE;
    }
  return TRUE;
}

/**
 * evg_server_db_get_due_hours:
 *
 * The due times the messages of the branch's public page get: as the
 * branch's workstation last sent them, or 24 hours and 7 days.
 */
void
evg_server_db_get_due_hours (EvgServerDb *db,
                             const char  *code,
                             guint       *respond_hours,
                             guint       *resolve_hours)
{
  sqlite3_stmt *stmt = evg_sqlite_prepare (db->sqlite,
                                           "SELECT respond_hours, resolve_hours FROM branch "
                                           "WHERE code = ? AND respond_hours > 0 AND resolve_hours > 0", NULL);

  *respond_hours = EVG_FEEDBACK_DEFAULT_RESPOND_HOURS;
  *resolve_hours = EVG_FEEDBACK_DEFAULT_RESOLVE_HOURS;
  if (stmt == NULL)
    return;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *respond_hours = (guint) sqlite3_column_int (stmt, 0);
      *resolve_hours = (guint) sqlite3_column_int (stmt, 1);
    }
  sqlite3_reset (stmt);
}

/**
 * evg_server_db_set_due_hours:
 *
 * Keeps the due times the branch's workstation gives its messages, for
 * those of its public page; the caller has checked them
 * (evg_feedback_check_due_hours()).
 */
gboolean
evg_server_db_set_due_hours (EvgServerDb  *db,
                             const char   *code,
                             guint         respond_hours,
                             guint         resolve_hours,
                             GError      **error)
{
  sqlite3_stmt *stmt = evg_sqlite_prepare (db->sqlite,
                                           "UPDATE branch SET respond_hours = ?2, resolve_hours = ?3 "
                                           "WHERE code = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, (int) respond_hours);
  sqlite3_bind_int (stmt, 3, (int) resolve_hours);
  return evg_sqlite_step_done (db->sqlite, stmt, error);
}

GPtrArray *
evg_server_db_list_branches (EvgServerDb  *db,
                             GError      **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_server_branch_free);
  sqlite3_stmt *stmt;
  int rc;

  stmt = evg_sqlite_prepare (db->sqlite,
                             "SELECT b.code, b.name, b.created_at, b.revoked_at IS NOT NULL, "
                             "  (SELECT count(*) FROM change_log c WHERE c.branch = b.code), "
                             "  (SELECT max(received_at) FROM change_log c "
                             "   WHERE c.branch = b.code) "
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
      evg_sqlite_set_error (db->sqlite, rc, error);
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
  g_autofree char *epoch = evg_server_random_hex (16);

  return copy != NULL && evg_sqlite_set_meta (copy->sqlite, "epoch", epoch, error);
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
  if (!evg_server_create_private (destination, error))
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
  stmt = evg_sqlite_prepare (db->sqlite,
                             "SELECT t.hash, t.revoked_at IS NOT NULL, b.code, b.name "
                             "FROM token t JOIN branch b ON b.code = t.branch WHERE t.hash = ?",
                             NULL);
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
  g_string_append_printf (out, ",\"server_time\":%" G_GINT64_FORMAT, evg_server_now_ms ());
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
