/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-server"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "evg-feedback.h"
#include "evg-field-set.h"
#include "evg-hlc.h"
#include "evg-server-inbox.h"
#include "evg-server-push-private.h"
#include "evg-sync-merge.h"
#include "evg-txn.h"
#include "evg-validate.h"

/* A message from the public page becomes a feedback record of its branch
 * the way a workstation's message does: one insert in the branch's change
 * log, with the server's clock and site, applied through the push's own
 * checks (evg_server_apply_change()).  The workstation pulls it like any
 * other change.  What the branch does with it afterwards (status, public
 * replies as feedback_event rows) comes back in its pushes, and the status
 * page reads it from there. */

void
evg_public_status_free (EvgPublicStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->id);
  g_free (status->branch_code);
  g_free (status->branch_name);
  g_free (status->received_at);
  g_free (status->category);
  g_free (status->content);
  g_free (status->place);
  g_free (status->status);
  g_free (status->resolution_due);
  g_clear_pointer (&status->replies, g_ptr_array_unref);
  g_free (status);
}

static void
public_reply_free (EvgPublicReply *reply)
{
  g_free (reply->at);
  g_free (reply->text);
  g_free (reply);
}

static void
fill_random (guint8 *bytes,
             gsize   n)
{
  gsize got = 0;

  while (got < n)
    {
      ssize_t r = getrandom (bytes + got, n - got, 0);

      if (r < 0 && errno != EINTR)
        g_error ("No random numbers from the kernel: %s", g_strerror (errno));
      if (r > 0)
        got += (gsize) r;
    }
}

/* The id of a message from the public page, which is also its tracking
 * code: a UUID of version 7 (RFC 9562), like the ids the workstation
 * makes, so the indexes keyed by ids still grow at their end, but with all
 * 74 of its other bits from the kernel's random source.  Knowing when a
 * message was sent (the first 48 bits) leaves 2^74 ids to try for it; the
 * workstation's own ids, whose random part comes from GLib's generator,
 * are never shown on a status page. */
static char *
make_public_id (void)
{
  guint32 random[3];
  char out[37];

  fill_random ((guint8 *) random, sizeof random);
  evg_uuid7_format ((guint64) evg_server_now_ms (), random[0] & 0xfff, random[1], random[2], out);
  return g_strdup (out);
}

/**
 * evg_server_db_dup_form_secret:
 *
 * Returns: (transfer full): the key the forms' tokens are signed with,
 *   made on first use; %NULL with @error set
 */
char *
evg_server_db_dup_form_secret (EvgServerDb  *db,
                               GError      **error)
{
  char *secret = evg_sqlite_get_meta (db->sqlite, "form_secret");

  if (secret != NULL)
    return secret;
  if (!evg_sqlite_begin (db->sqlite, error))
    return NULL;
  secret = evg_sqlite_get_meta (db->sqlite, "form_secret");
  if (secret == NULL)
    {
      secret = evg_server_random_hex (32);
      if (!evg_sqlite_set_meta (db->sqlite, "form_secret", secret, error))
        {
          evg_sqlite_rollback (db->sqlite);
          g_free (secret);
          return NULL;
        }
    }
  if (!evg_sqlite_commit (db->sqlite, error))
    {
      evg_sqlite_rollback (db->sqlite);
      g_free (secret);
      return NULL;
    }
  return secret;
}

/* The server's clock, inside the caller's transaction: it never goes back,
 * even when the machine's clock does, as on a workstation. */
static gboolean
next_hlc (EvgServerDb  *db,
          char          out[EVG_HLC_TEXT_LEN + 1],
          GError      **error)
{
  g_autofree char *last_text = evg_sqlite_get_meta (db->sqlite, "server_hlc");
  g_autoptr(EvgHlc) clock = NULL;
  guint64 last = 0;

  if (last_text != NULL && !evg_hlc_parse (last_text, &last))
    last = 0;
  clock = evg_hlc_new (last);
  evg_hlc_format (evg_hlc_now (clock), out);
  return evg_sqlite_set_meta (db->sqlite, "server_hlc", out, error);
}

static void
append_field (GString    *out,
              const char *column,
              const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  /* @out holds "{" and the members so far. */
  if (out->len > 1)
    g_string_append_c (out, ',');
  evg_json_append_string (out, column);
  g_string_append_c (out, ':');
  evg_json_append_string (out, value);
}

/* The message as a change of its branch's log: the fields a workstation
 * gives a new message (evg_inbox_add()), received now, due as the branch's
 * workstation last told the server. */
static EvgSyncChange *
make_change (const EvgPublicMessage *message,
             const char             *id,
             const char             *hlc,
             guint                   respond_hours,
             guint                   resolve_hours,
             GError                **error)
{
  g_autofree char *now = evg_dup_now_minute ();
  g_autofree char *change_id = g_strconcat (id, EVG_SERVER_WEB_SUFFIX, NULL);
  g_autoptr(GString) fields = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(EvgSyncPushRequest) request = NULL;
  gint64 received = evg_parse_minute (now);
  char respond[EVG_MINUTE_SIZE], resolve[EVG_MINUTE_SIZE];

  evg_format_minute (received + respond_hours * 60, respond);
  evg_format_minute (received + resolve_hours * 60, resolve);

  /* In the descriptor's column order, which the checks expect first. */
#define COLUMN(f) evg_feedback_field_get_info (f)->name
  g_string_append_c (fields, '{');
  append_field (fields, COLUMN (EVG_FEEDBACK_RECEIVED_AT), now);
  append_field (fields, COLUMN (EVG_FEEDBACK_CHANNEL), "web");
  append_field (fields, COLUMN (EVG_FEEDBACK_FROM_NAME), message->from_name);
  append_field (fields, COLUMN (EVG_FEEDBACK_CONTACT), message->contact);
  append_field (fields, COLUMN (EVG_FEEDBACK_CATEGORY), message->category);
  append_field (fields, COLUMN (EVG_FEEDBACK_CONTENT), message->content);
  append_field (fields, COLUMN (EVG_FEEDBACK_PLACE), message->place);
  append_field (fields, COLUMN (EVG_FEEDBACK_STATUS), "new");
  append_field (fields, COLUMN (EVG_FEEDBACK_RESPONSE_DUE), respond);
  append_field (fields, COLUMN (EVG_FEEDBACK_RESOLUTION_DUE), resolve);
  g_string_append_c (fields, '}');
#undef COLUMN

  /* Read back by the protocol's own reader, so the change is exactly what
   * a push of it would be. */
  g_string_append (body, "{\"protocol\":1,\"batch_id\":\"server\",\"site\":\"" EVG_SERVER_SITE
                         "\",\"epoch\":null,\"changes\":[");
  evg_sync_append_change (body, change_id, evg_feedback_table.name, id, "insert", fields->str,
                          hlc, NULL, EVG_SERVER_SITE, 0);
  g_string_append (body, "]}");
  request = evg_sync_push_request_parse (body->str, body->len, error);
  if (request == NULL || request->changes->len != 1)
    return NULL;
  return g_ptr_array_steal_index (request->changes, 0);
}

/* Finds the message an earlier sending of the same form made. */
static gboolean
find_nonce (EvgServerDb  *db,
            const char   *nonce,
            char        **id,
            GError      **error)
{
  sqlite3_stmt *stmt = evg_sqlite_prepare (db->sqlite,
                                           "SELECT row_id FROM public_message WHERE nonce = ?", error);
  int rc;

  *id = NULL;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, nonce, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return evg_sqlite_set_error (db->sqlite, rc, error), FALSE;
  return TRUE;
}

/* Counts the message in its branch's day; FALSE in *room when the cap is
 * reached. */
static gboolean
count_day (EvgServerDb  *db,
           const char   *code,
           const char   *day,
           guint         cap,
           gboolean     *room,
           GError      **error)
{
  sqlite3_stmt *stmt = evg_sqlite_prepare (db->sqlite,
                                           "INSERT INTO public_day (branch, day, n) VALUES (?1, ?2, 1) "
                                           "ON CONFLICT (branch, day) DO UPDATE SET n = n + 1 "
                                           "RETURNING n", error);
  gint64 n = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, day, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    n = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return evg_sqlite_set_error (db->sqlite, rc, error), FALSE;
  *room = cap == 0 || n <= (gint64) cap;

  /* The counts of past days are of no use: dropped now and then. */
  if (g_random_int_range (0, 64) == 0)
    {
      stmt = evg_sqlite_prepare (db->sqlite, "DELETE FROM public_day WHERE day < ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, day, -1, SQLITE_STATIC);
      if (!evg_sqlite_step_done (db->sqlite, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* The server's writers queue here rather than in SQLite's busy handler,
 * which sleeps between tries: under a burst a writer could keep missing
 * the lock for seconds while others took it. */
static GMutex submit_lock;

static EvgPublicSubmit submit_locked (EvgServerDb *db, const char *code, const EvgPublicMessage *message,
                                      EvgPublicSource source, const char *nonce, guint daily_cap,
                                      const char *today, char **id, GError **error);

/**
 * evg_server_db_submit:
 * @code: the branch whose page the message came through
 * @nonce: (nullable): the form's token; the same token sends the same
 *   message again instead of a second one
 * @daily_cap: how many messages the branch takes a day, 0 for no cap
 * @id: (out): the message's id, its tracking code, for NEW and AGAIN
 *
 * Records a resident's message in one transaction: the branch's change
 * log, the record, the day's count and the message's public entry.
 */
EvgPublicSubmit
evg_server_db_submit (EvgServerDb             *db,
                      const char              *code,
                      const EvgPublicMessage  *message,
                      EvgPublicSource          source,
                      const char              *nonce,
                      guint                    daily_cap,
                      char                   **id,
                      GError                 **error)
{
  g_autofree char *today = evg_dup_now_minute ();
  EvgPublicSubmit result;

  *id = NULL;
  today[10] = '\0';
  g_mutex_lock (&submit_lock);
  result = submit_locked (db, code, message, source, nonce, daily_cap, today, id, error);
  g_mutex_unlock (&submit_lock);
  return result;
}

static EvgPublicSubmit
submit_locked (EvgServerDb             *db,
               const char              *code,
               const EvgPublicMessage  *message,
               EvgPublicSource          source,
               const char              *nonce,
               guint                    daily_cap,
               const char              *today,
               char                   **id,
               GError                 **error)
{
  g_autoptr(EvgSyncChange) change = NULL;
  g_autoptr(GError) invalid = NULL;
  g_autofree char *new_id = NULL;
  ChangeOutcome outcome = { 0 };
  char hlc[EVG_HLC_TEXT_LEN + 1];
  gboolean on = FALSE, room = FALSE;
  guint respond_hours, resolve_hours;
  sqlite3_stmt *stmt;

  if (!evg_sqlite_begin (db->sqlite, error))
    return EVG_PUBLIC_SUBMIT_FAILED;

  if (nonce != NULL)
    {
      if (!find_nonce (db, nonce, id, error))
        goto fail;
      if (*id != NULL)
        {
          evg_sqlite_rollback (db->sqlite);
          return EVG_PUBLIC_SUBMIT_AGAIN;
        }
    }
  if (!evg_server_db_get_page (db, code, NULL, &on) || !on)
    {
      evg_sqlite_rollback (db->sqlite);
      return EVG_PUBLIC_SUBMIT_NO_PAGE;
    }
  if (!count_day (db, code, today, daily_cap, &room, error))
    goto fail;
  if (!room)
    {
      evg_sqlite_rollback (db->sqlite);
      return EVG_PUBLIC_SUBMIT_FULL;
    }

  new_id = make_public_id ();
  if (!next_hlc (db, hlc, error))
    goto fail;
  evg_server_db_get_due_hours (db, code, &respond_hours, &resolve_hours);
  change = make_change (message, new_id, hlc, respond_hours, resolve_hours, &invalid);
  if (change == NULL || !evg_sync_change_validate (change, &invalid))
    {
      g_message ("A message for %s was refused by the record's checks: %s", code,
                 invalid != NULL ? invalid->message : "?");
      evg_sqlite_rollback (db->sqlite);
      return EVG_PUBLIC_SUBMIT_INVALID;
    }
  if (!evg_server_apply_change (db, code, change, &outcome, error))
    goto fail;
  g_clear_pointer (&outcome.remote, json_object_unref);
  g_clear_pointer (&outcome.remote_clocks, json_object_unref);
  if (outcome.status != EVG_SYNC_STATUS_APPLIED)
    {
      g_message ("A message for %s was not applied: %s", code,
                 outcome.reason != NULL ? outcome.reason : evg_sync_status_to_string (outcome.status));
      evg_sqlite_rollback (db->sqlite);
      return EVG_PUBLIC_SUBMIT_INVALID;
    }

  stmt = evg_sqlite_prepare (db->sqlite,
                             "INSERT INTO public_message (row_id, branch, source, nonce, created_at) "
                             "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    goto fail;
  sqlite3_bind_text (stmt, 1, new_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, source == EVG_PUBLIC_SOURCE_OPEN311 ? "open311" : "form", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, nonce, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, evg_server_now_ms ());
  if (!evg_sqlite_step_done (db->sqlite, stmt, error))
    goto fail;

  evg_server_failpoint ("server-public-before-commit");
  if (!evg_sqlite_commit (db->sqlite, error))
    goto fail;
  *id = g_steal_pointer (&new_id);
  return EVG_PUBLIC_SUBMIT_NEW;

fail:
  evg_sqlite_rollback (db->sqlite);
  g_clear_pointer (id, g_free);
  return EVG_PUBLIC_SUBMIT_FAILED;
}

static char *
dup_member (JsonObject *object,
            const char *name)
{
  return evg_server_string_member (object, name);
}

static int
compare_replies (gconstpointer a,
                 gconstpointer b)
{
  const EvgPublicReply *x = *(EvgPublicReply **) a;
  const EvgPublicReply *y = *(EvgPublicReply **) b;

  return g_strcmp0 (x->at, y->at);
}

/* The branch's public replies to the message: events of kind `reply`
 * that the branch owning the message recorded, found through the log's
 * index of events by message. */
static gboolean
load_replies (EvgServerDb      *db,
              EvgPublicStatus  *status,
              GError          **error)
{
  sqlite3_stmt *stmt = evg_sqlite_prepare (db->sqlite,
                                           "SELECT fields FROM change_log "
                                           "WHERE tbl = 'feedback_event' "
                                           "AND json_extract (fields, '$.feedback_id') = ?1 "
                                           "AND branch = ?2 AND op = 'insert' ORDER BY seq", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, status->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, status->branch_code, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) fields = evg_sync_parse_stored ((const char *) sqlite3_column_text (stmt, 0), NULL);
      g_autofree char *kind = fields != NULL ? dup_member (fields, "kind") : NULL;
      EvgPublicReply *reply;

      if (g_strcmp0 (kind, "reply") != 0)
        continue;
      reply = g_new0 (EvgPublicReply, 1);
      reply->at = dup_member (fields, "at");
      reply->text = dup_member (fields, "text");
      if (reply->text == NULL)
        {
          public_reply_free (reply);
          continue;
        }
      g_ptr_array_add (status->replies, reply);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return evg_sqlite_set_error (db->sqlite, rc, error), FALSE;
  /* In the order they were written at the workstations, which need not
   * be the order they reached the server. */
  g_ptr_array_sort (status->replies, compare_replies);
  return TRUE;
}

/**
 * evg_server_db_public_status:
 * @id: a tracking code
 *
 * Returns: (transfer full) (nullable): what the message's status page
 *   shows, or %NULL: with @error unset when there is no such message from
 *   the public page (or its branch was revoked or deleted it)
 */
EvgPublicStatus *
evg_server_db_public_status (EvgServerDb  *db,
                             const char   *id,
                             GError      **error)
{
  g_autoptr(EvgPublicStatus) status = NULL;
  g_autoptr(JsonObject) fields = NULL;
  sqlite3_stmt *stmt;
  guint64 hlc = 0;
  int rc;

  if (!evg_sync_id_is_valid (id))
    return NULL;
  stmt = evg_sqlite_prepare (db->sqlite,
                             "SELECT b.code, b.name, r.hlc, r.fields FROM public_message p "
                             "JOIN branch b ON b.code = p.branch AND b.revoked_at IS NULL "
                             "JOIN record_state r ON r.tbl = 'feedback' AND r.row_id = p.row_id "
                             "  AND r.branch = p.branch AND r.deleted = 0 "
                             "WHERE p.row_id = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      status = g_new0 (EvgPublicStatus, 1);
      status->id = g_strdup (id);
      status->branch_code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      status->branch_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      if (evg_hlc_parse ((const char *) sqlite3_column_text (stmt, 2), &hlc))
        status->updated_ms = evg_hlc_get_ms (hlc);
      fields = evg_sync_parse_stored ((const char *) sqlite3_column_text (stmt, 3), NULL);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return evg_sqlite_set_error (db->sqlite, rc, error), NULL;
  if (status == NULL)
    return NULL;
  if (fields == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "The stored message %s is damaged", id);
      return NULL;
    }

  /* Only what the resident may see: no name, no contact, no assignee. */
#define FIELD(f) dup_member (fields, evg_feedback_field_get_info (f)->name)
  status->received_at = FIELD (EVG_FEEDBACK_RECEIVED_AT);
  status->category = FIELD (EVG_FEEDBACK_CATEGORY);
  status->content = FIELD (EVG_FEEDBACK_CONTENT);
  status->place = FIELD (EVG_FEEDBACK_PLACE);
  status->status = FIELD (EVG_FEEDBACK_STATUS);
  status->resolution_due = FIELD (EVG_FEEDBACK_RESOLUTION_DUE);
#undef FIELD
  status->replies = g_ptr_array_new_with_free_func ((GDestroyNotify) public_reply_free);
  if (!load_replies (db, status, error))
    return NULL;
  return g_steal_pointer (&status);
}
