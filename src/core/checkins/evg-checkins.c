/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-checkins"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "evg-validate.h"
#include "evg-checkins.h"
#include "evg-csv.h"
#include "evg-xlsx-writer.h"
#include "evg-member.h"
#include "evg-party-group.h"
#include "evg-store-private.h"
#include "evg-txn.h"

#define DEFAULT_TARGET_HOURS 50
#define TARGET_META_KEY "service_target_hours"

struct _EvgCheckins
{
  GObject parent_instance;

  EvgStore   *store;
  GListStore *whistles;     /* of EvgRecord */
  GHashTable *by_id;        /* id → EvgRecord, borrowed from @whistles */
  GHashTable *reported;     /* whistle id → count, while no check-in changes */
  gboolean    loaded;
  guint       target_hours;
};

G_DEFINE_FINAL_TYPE (EvgCheckins, evg_checkins, G_TYPE_OBJECT)

G_DEFINE_QUARK (evg-checkins-error-quark, evg_checkins_error)

/* The service time of one check-in, in SQL: evg_checkin_count_minutes(),
 * NULL while the member is still there. */
static void
service_minutes (sqlite3_context *context,
                 int              argc,
                 sqlite3_value  **argv)
{
  int minutes = evg_checkin_count_minutes ((const char *) sqlite3_value_text (argv[0]),
                                           (const char *) sqlite3_value_text (argv[1]),
                                           (const char *) sqlite3_value_text (argv[2]));

  if (minutes < 0)
    sqlite3_result_null (context);
  else
    sqlite3_result_int (context, minutes);
}

/* Gives @store's connection the SQL functions the queries use. */
static gboolean
register_functions (EvgStore  *store,
                    GError   **error)
{
  int rc = sqlite3_create_function_v2 (evg_store_get_db (store), "evg_service_minutes", 3,
                                       SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL,
                                       service_minutes, NULL, NULL, NULL);

  if (rc == SQLITE_OK)
    return TRUE;
  evg_store_set_error (store, rc, error);
  return FALSE;
}

/* The departure a forgotten check-out counts up to, in SQL over the
 * whistle as w: its end, once it is over (at the time bound to ?3) or
 * closed. */
#define CAP_SQL "CASE WHEN w.status = 'closed' OR w.ends_at <= ?3 THEN w.ends_at END"

/* A row of the check-in list */

struct _EvgCheckinRow
{
  GObject parent_instance;

  char     *member_id;
  char     *name;
  char     *id_number;
  char     *values[EVG_CHECKIN_N_FIELDS];
  int       minutes;
  gboolean  flagged;
};

G_DEFINE_FINAL_TYPE (EvgCheckinRow, evg_checkin_row, G_TYPE_OBJECT)

static void
evg_checkin_row_finalize (GObject *object)
{
  EvgCheckinRow *self = EVG_CHECKIN_ROW (object);

  g_free (self->member_id);
  g_free (self->name);
  g_free (self->id_number);
  for (guint i = 0; i < EVG_CHECKIN_N_FIELDS; i++)
    g_free (self->values[i]);
  G_OBJECT_CLASS (evg_checkin_row_parent_class)->finalize (object);
}

static void
evg_checkin_row_class_init (EvgCheckinRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = evg_checkin_row_finalize;
}

static void
evg_checkin_row_init (EvgCheckinRow *self)
{
}

const char *
evg_checkin_row_get_member_id (EvgCheckinRow *self)
{
  g_return_val_if_fail (EVG_IS_CHECKIN_ROW (self), NULL);
  return self->member_id;
}

const char *
evg_checkin_row_get_name (EvgCheckinRow *self)
{
  g_return_val_if_fail (EVG_IS_CHECKIN_ROW (self), NULL);
  return self->name;
}

const char *
evg_checkin_row_get_id_number (EvgCheckinRow *self)
{
  g_return_val_if_fail (EVG_IS_CHECKIN_ROW (self), NULL);
  return self->id_number;
}

const char *
evg_checkin_row_get (EvgCheckinRow   *self,
                     EvgCheckinField  field)
{
  g_return_val_if_fail (EVG_IS_CHECKIN_ROW (self), NULL);
  g_return_val_if_fail (field < EVG_CHECKIN_N_FIELDS, NULL);
  return self->values[field];
}

/* Minutes of service, -1 while the member is still there. */
int
evg_checkin_row_get_minutes (EvgCheckinRow *self)
{
  g_return_val_if_fail (EVG_IS_CHECKIN_ROW (self), -1);
  return self->minutes;
}

/* Whether the member never checked out of a whistle that is over: the
 * time counts up to its end until the secretary confirms it. */
gboolean
evg_checkin_row_get_flagged (EvgCheckinRow *self)
{
  g_return_val_if_fail (EVG_IS_CHECKIN_ROW (self), FALSE);
  return self->flagged;
}

/* The service */

static gboolean
failed (EvgCheckins  *self,
        int           rc,
        GError      **error)
{
  evg_store_set_error (self->store, rc, error);
  return FALSE;
}

/* Those members may still report to first, soonest first; then the
 * rest, latest first. */
static gboolean
load_whistles (EvgCheckins  *self,
               GError      **error)
{
  return evg_record_load_list (self->store, &evg_whistle_table,
                               "status NOT IN ('open', 'full'), "
                               "CASE WHEN status IN ('open', 'full') THEN starts_at END, "
                               "starts_at DESC, id",
                               self->whistles, self->by_id, error);
}

static void
ensure_loaded (EvgCheckins *self)
{
  g_autoptr(GError) error = NULL;

  if (self->loaded)
    return;
  self->loaded = TRUE;
  if (!load_whistles (self, &error))
    g_warning ("Could not read the whistles: %s", error->message);
}

static void
on_store_changed (EvgCheckins *self,
                  const char  *table,
                  GPtrArray   *ids,
                  EvgStore    *store)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (table, evg_checkin_table.name) == 0)
    g_hash_table_remove_all (self->reported);
  if (!self->loaded || g_strcmp0 (table, evg_whistle_table.name) != 0)
    return;
  if (!load_whistles (self, &error))
    g_warning ("Could not read the whistles again: %s", error->message);
}

static void
evg_checkins_dispose (GObject *object)
{
  EvgCheckins *self = EVG_CHECKINS (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->reported, g_hash_table_unref);
  g_clear_object (&self->whistles);
  G_OBJECT_CLASS (evg_checkins_parent_class)->dispose (object);
}

static void
evg_checkins_class_init (EvgCheckinsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = evg_checkins_dispose;
}

static void
evg_checkins_init (EvgCheckins *self)
{
  self->whistles = g_list_store_new (EVG_TYPE_RECORD);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->reported = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->target_hours = DEFAULT_TARGET_HOURS;
}

EvgCheckins *
evg_checkins_new (EvgStore  *store,
                  GError   **error)
{
  g_autoptr(EvgCheckins) self = NULL;
  g_autofree char *target = NULL;

  g_return_val_if_fail (EVG_IS_STORE (store), NULL);

  self = g_object_new (EVG_TYPE_CHECKINS, NULL);
  self->store = g_object_ref (store);
  if (!register_functions (store, error))
    return NULL;
  target = evg_store_get_meta (store, TARGET_META_KEY);
  if (target != NULL && g_ascii_strtoull (target, NULL, 10) > 0)
    self->target_hours = (guint) MIN (g_ascii_strtoull (target, NULL, 10), 10000);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self,
                           G_CONNECT_SWAPPED);
  return g_steal_pointer (&self);
}

EvgStore *
evg_checkins_get_store (EvgCheckins *self)
{
  g_return_val_if_fail (EVG_IS_CHECKINS (self), NULL);
  return self->store;
}

/**
 * evg_checkins_set_target_hours:
 *
 * Sets the yearly service target each member's hours are held against,
 * and keeps it in the database for the next start (of the app or of the
 * command line) when the database can be written.
 */
void
evg_checkins_set_target_hours (EvgCheckins *self,
                               guint        hours)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (EVG_IS_CHECKINS (self));
  g_return_if_fail (hours > 0);

  if (self->target_hours == hours)
    return;
  self->target_hours = hours;
  text = g_strdup_printf ("%u", hours);
  if (!evg_store_is_read_only (self->store) &&
      !evg_store_set_meta (self->store, TARGET_META_KEY, text, &error))
    g_warning ("Could not keep the service target: %s", error->message);
}

guint
evg_checkins_get_target_hours (EvgCheckins *self)
{
  g_return_val_if_fail (EVG_IS_CHECKINS (self), DEFAULT_TARGET_HOURS);
  return self->target_hours;
}

/* Whistles */

GListModel *
evg_checkins_get_whistles (EvgCheckins *self)
{
  g_return_val_if_fail (EVG_IS_CHECKINS (self), NULL);
  ensure_loaded (self);
  return G_LIST_MODEL (self->whistles);
}

EvgRecord *
evg_checkins_lookup_whistle (EvgCheckins *self,
                             const char  *id)
{
  g_return_val_if_fail (EVG_IS_CHECKINS (self), NULL);
  ensure_loaded (self);
  return id != NULL ? g_hash_table_lookup (self->by_id, id) : NULL;
}

static EvgRecord *
find_whistle (EvgCheckins  *self,
              const char   *id,
              GError      **error)
{
  EvgRecord *whistle = evg_checkins_lookup_whistle (self, id);

  if (whistle == NULL)
    g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_NOT_FOUND,
                 _("No whistle has the id “%s”."), id != NULL ? id : "");
  return whistle;
}

static gboolean
refuse_final (EvgRecord  *whistle,
              GError    **error)
{
  if (evg_whistle_is_active (whistle))
    return FALSE;
  g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_CLOSED,
               _("“%s” is %s: members can no longer report to it."),
               evg_record_get (whistle, EVG_WHISTLE_TITLE),
               evg_record_get_choice_label (whistle, EVG_WHISTLE_STATUS));
  return TRUE;
}

static gboolean
set_invalid (GError    **error,
             GPtrArray  *problems)
{
  g_autofree char *text = NULL;

  g_ptr_array_add (problems, NULL);
  text = g_strjoinv ("\n", (char **) problems->pdata);
  g_set_error_literal (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID, text);
  return FALSE;
}

/**
 * evg_checkins_save_whistle:
 * @whistle: a new whistle (no id) or an edited copy of a stored one
 *
 * Checks @whistle (evg_whistle_validate()) and writes what changed.  A
 * new whistle is open.
 *
 * Returns: (transfer full): its id, or %NULL with @error set
 */
char *
evg_checkins_save_whistle (EvgCheckins  *self,
                           EvgRecord    *whistle,
                           GError      **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *id = NULL;
  EvgRecord *stored = NULL;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), NULL);
  g_return_val_if_fail (EVG_IS_RECORD (whistle), NULL);

  if (evg_record_get_id (whistle) != NULL)
    {
      stored = find_whistle (self, evg_record_get_id (whistle), error);
      if (stored == NULL)
        return NULL;
      if (!evg_whistle_is_active (stored))
        {
          g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_CLOSED,
                       _("This whistle is %s and can no longer be changed."),
                       evg_record_get_choice_label (stored, EVG_WHISTLE_STATUS));
          return NULL;
        }
    }
  else
    evg_record_set (whistle, EVG_WHISTLE_STATUS, "open");
  if (evg_record_get (whistle, EVG_WHISTLE_URGENCY) == NULL)
    evg_record_set (whistle, EVG_WHISTLE_URGENCY, "normal");

  problems = evg_whistle_validate (whistle);
  if (problems->len > 0)
    return set_invalid (error, problems), NULL;

  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return NULL;
  fields = evg_record_diff (whistle, stored);
  if (stored == NULL)
    id = evg_txn_insert (txn, fields, NULL, error);
  else if (evg_txn_update (txn, evg_record_get_id (stored), fields, error))
    id = g_strdup (evg_record_get_id (stored));
  if (id == NULL || !evg_txn_commit (txn, error))
    return NULL;
  return g_steal_pointer (&id);
}

/**
 * evg_checkins_close_whistle:
 * @status: "closed" when the work is done, "cancelled" when it never was
 *
 * Makes the whistle final.  Members who forgot to check out count up to
 * its end until the secretary confirms their time.
 */
gboolean
evg_checkins_close_whistle (EvgCheckins  *self,
                            const char   *id,
                            const char   *status,
                            GError      **error)
{
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_whistle_table);
  g_autoptr(EvgTxn) txn = NULL;
  EvgRecord *whistle;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), FALSE);
  g_return_val_if_fail (g_strcmp0 (status, "closed") == 0 || g_strcmp0 (status, "cancelled") == 0,
                        FALSE);

  whistle = find_whistle (self, id, error);
  if (whistle == NULL)
    return FALSE;
  if (!evg_whistle_is_active (whistle))
    {
      g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_CLOSED,
                   _("This whistle is %s already."),
                   evg_record_get_choice_label (whistle, EVG_WHISTLE_STATUS));
      return FALSE;
    }
  evg_field_set_set_index (fields, EVG_WHISTLE_STATUS, status);
  txn = evg_store_begin (self->store, error);
  return txn != NULL && evg_txn_update (txn, id, fields, error) && evg_txn_commit (txn, error);
}

/* Runs @sql with @params bound as text and returns the first column of
 * its one row as a number (0 without a row or for NULL). */
static gboolean
query_int (EvgCheckins         *self,
           const char          *sql,
           const char * const  *params,
           guint                n_params,
           gint64              *value,
           GError             **error)
{
  sqlite3_stmt *stmt = evg_store_prepare (self->store, sql, error);
  int rc;

  *value = 0;
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < n_params; i++)
    sqlite3_bind_text (stmt, (int) i + 1, params[i], -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return failed (self, rc, error);
  return TRUE;
}

#define PARAMS EVG_PARAMS

/* How many members reported to the whistle (checked in, or signed up). */
guint
evg_checkins_count_reported (EvgCheckins *self,
                             const char  *whistle_id)
{
  g_autoptr(GError) error = NULL;
  gpointer cached;
  gint64 n;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), 0);

  if (g_hash_table_lookup_extended (self->reported, whistle_id, NULL, &cached))
    return GPOINTER_TO_UINT (cached);
  if (!query_int (self, "SELECT count(*) FROM checkin WHERE whistle_id = ?1 AND deleted = 0",
                  PARAMS (whistle_id), &n, &error))
    {
      g_warning ("Could not count the check-ins: %s", error->message);
      return 0;
    }
  g_hash_table_insert (self->reported, g_strdup (whistle_id), GUINT_TO_POINTER ((guint) n));
  return (guint) n;
}

/* How many members never checked out of a whistle that is over at @now
 * (%NULL: the clock's), with their time not yet confirmed. */
guint
evg_checkins_count_unconfirmed (EvgCheckins *self,
                                const char  *whistle_id,
                                const char  *now)
{
  g_autofree char *clock = now == NULL ? evg_dup_now_minute () : NULL;
  g_autoptr(GError) error = NULL;
  EvgRecord *whistle;
  gint64 n;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), 0);

  whistle = evg_checkins_lookup_whistle (self, whistle_id);
  if (whistle == NULL || !evg_whistle_has_ended (whistle, now != NULL ? now : clock) ||
      g_strcmp0 (evg_record_get (whistle, EVG_WHISTLE_STATUS), "cancelled") == 0)
    return 0;
  if (!query_int (self,
                  "SELECT count(*) FROM checkin WHERE whistle_id = ?1 AND deleted = 0 "
                  "AND arrived_at IS NOT NULL AND left_at IS NULL AND confirmed = 0",
                  PARAMS (whistle_id), &n, &error))
    {
      g_warning ("Could not count the check-ins: %s", error->message);
      return 0;
    }
  return (guint) n;
}

/* Check-ins */

static gboolean
looks_like_record_id (const char *code)
{
  static const char *pattern = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";

  if (code == NULL || strlen (code) != strlen (pattern))
    return FALSE;
  for (guint i = 0; pattern[i] != '\0'; i++)
    if (pattern[i] == '-' ? code[i] != '-' : !g_ascii_isxdigit (code[i]))
      return FALSE;
  return TRUE;
}

/**
 * evg_checkins_find_member:
 * @code: what identifies the member: their record's id (the code on their
 *   card) or their ID number
 *
 * Finds a current member of the branch, for a check-in.
 *
 * Returns: (transfer full): the member's id, or %NULL with @error set
 *   (%EVG_CHECKINS_ERROR_NOT_MEMBER when no current member has @code)
 */
char *
evg_checkins_find_member (EvgCheckins  *self,
                          const char   *code,
                          GError      **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (code != NULL ? code : ""));
  gboolean by_id = looks_like_record_id (trimmed);
  /* Ids are written in lower case, ID numbers end in an upper-case X. */
  g_autofree char *key = by_id ? g_ascii_strdown (trimmed, -1) : g_ascii_strup (trimmed, -1);
  const char *column = by_id ? "id" : "id_number";
  g_autofree char *sql = g_strdup_printf ("SELECT id, name, left_reason, left_on FROM member "
                                          "WHERE %s = ?1 AND deleted = 0", column);
  sqlite3_stmt *stmt;
  char *id = NULL;
  int rc;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), NULL);

  stmt = evg_store_prepare (self->store, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_type (stmt, 2) != SQLITE_NULL)
    {
      const EvgChoice *reason =
        evg_column_spec_find_choice (evg_member_field_get_info (EVG_MEMBER_LEFT_REASON),
                                     (const char *) sqlite3_column_text (stmt, 2));

      g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_NOT_MEMBER,
                   _("%s is no longer a member of the branch (%s on %s) and cannot check in."),
                   (const char *) sqlite3_column_text (stmt, 1),
                   reason != NULL ? _(reason->label) : "",
                   sqlite3_column_type (stmt, 3) != SQLITE_NULL
                   ? (const char *) sqlite3_column_text (stmt, 3) : "?");
    }
  else if (rc == SQLITE_ROW)
    id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_NOT_MEMBER,
                 _("“%s” is not a member of this branch. Check the card or the ID number."),
                 trimmed);
  else
    failed (self, rc, error);
  sqlite3_reset (stmt);
  return id;
}

/* What is stored of one check-in. */
typedef struct
{
  char     *id;          /* the check-in's, made from whistle and member */
  gboolean  exists;
  gboolean  deleted;
  char     *name;        /* the member's */
  char     *left_reason;
  char     *arrived_at;
  char     *left_at;
  char     *reported_at;
} Stored;

static void
stored_clear (Stored *stored)
{
  g_free (stored->id);
  g_free (stored->name);
  g_free (stored->left_reason);
  g_free (stored->arrived_at);
  g_free (stored->left_at);
  g_free (stored->reported_at);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Stored, stored_clear)

/* Finds the whistle, and reads the member (who must exist) and their
 * check-in to it. */
static EvgRecord *
open_checkin (EvgCheckins  *self,
              const char   *whistle_id,
              const char   *member_id,
              Stored       *stored,
              GError      **error)
{
  EvgRecord *whistle = find_whistle (self, whistle_id, error);
  sqlite3_stmt *stmt;
  int rc;

  if (whistle == NULL)
    return NULL;
  memset (stored, 0, sizeof *stored);
  stored->id = evg_checkin_make_id (whistle_id, member_id);
  stmt = evg_store_prepare (self->store,
                            "SELECT m.name, m.left_reason, c.id, c.deleted, c.arrived_at, "
                            "  c.left_at, c.reported_at "
                            "FROM member m LEFT JOIN checkin c ON c.id = ?1 "
                            "WHERE m.id = ?2 AND m.deleted = 0", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, stored->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, member_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      stored->name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      stored->left_reason = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      stored->exists = sqlite3_column_type (stmt, 2) != SQLITE_NULL;
      stored->deleted = sqlite3_column_int (stmt, 3) != 0;
      stored->arrived_at = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      stored->left_at = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      stored->reported_at = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
    }
  sqlite3_reset (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_NOT_MEMBER,
                   _("No member of this branch has the id “%s”."), member_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    return failed (self, rc, error), NULL;
  return whistle;
}

/* Whether the member checked in (and was not taken off since). */
static gboolean
has_arrived (const Stored *stored)
{
  return stored->exists && !stored->deleted && stored->arrived_at != NULL;
}

static gboolean
not_checked_in (const Stored  *stored,
                EvgRecord     *whistle,
                gboolean       checking_out,
                GError       **error)
{
  g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_NOT_CHECKED_IN,
               checking_out ? _("%s has not checked in to “%s”, so they cannot check out.")
                            : _("%s has not checked in to “%s”."),
               stored->name, evg_record_get (whistle, EVG_WHISTLE_TITLE));
  return FALSE;
}

static gboolean
check_time (const char  *at,
            GError     **error)
{
  if (evg_parse_minute (at) >= 0)
    return TRUE;
  g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID,
               _("“%s” is not a time. Write it as YYYY-MM-DD HH:MM."), at != NULL ? at : "");
  return FALSE;
}

static int
year_of (const char *at)
{
  return at != NULL ? (int) g_ascii_strtoll (at, NULL, 10) : 0;
}

/* Fills in the confirmation: the check-in as it is at @now (the time of
 * the check-in or out), and the member's service this year. */
static gboolean
fill_result (EvgCheckins       *self,
             EvgRecord         *whistle,
             const char        *member_id,
             const char        *name,
             const char        *arrived_at,
             const char        *left_at,
             gboolean           already,
             const char        *now,
             EvgCheckinResult  *result,
             GError           **error)
{
  const char *ends = evg_record_get (whistle, EVG_WHISTLE_ENDS_AT);
  int year = year_of (arrived_at);

  if (result == NULL)
    return TRUE;
  evg_checkin_result_clear (result);
  result->already = already;
  result->left = left_at != NULL;
  result->member_id = g_strdup (member_id);
  result->name = g_strdup (name);
  result->arrived_at = g_strdup (arrived_at);
  result->left_at = g_strdup (left_at);
  result->minutes = evg_checkin_count_minutes (arrived_at, left_at,
                                               evg_whistle_has_ended (whistle, now) ? ends : NULL);
  result->target_hours = self->target_hours;
  result->year_minutes = evg_checkins_member_minutes (self, member_id, year, now, error);
  return result->year_minutes >= 0;
}

/* Moves the whistle between open and full as its check-ins reach the
 * number it asked for, within @txn. */
static gboolean
update_fullness (EvgCheckins  *self,
                 EvgTxn       *txn,
                 EvgRecord    *whistle,
                 GError      **error)
{
  const char *status = evg_record_get (whistle, EVG_WHISTLE_STATUS);
  guint needed = evg_whistle_get_needed (whistle);
  g_autoptr(EvgFieldSet) fields = NULL;
  const char *wanted;
  gint64 n;

  if (needed == 0 || !evg_whistle_is_active (whistle))
    return TRUE;
  if (!query_int (self, "SELECT count(*) FROM checkin WHERE whistle_id = ?1 AND deleted = 0",
                  PARAMS (evg_record_get_id (whistle)), &n, error))
    return FALSE;
  wanted = (guint64) n >= needed ? "full" : "open";
  if (g_strcmp0 (status, wanted) == 0)
    return TRUE;
  fields = evg_field_set_new (&evg_whistle_table);
  evg_field_set_set_index (fields, EVG_WHISTLE_STATUS, wanted);
  return evg_txn_update (txn, evg_record_get_id (whistle), fields, error);
}

/**
 * evg_checkins_check_in:
 * @at: (nullable): when the member arrived, YYYY-MM-DD HH:MM; %NULL for now
 * @source: "kiosk", "manual" or "import"
 * @recorded_by: (nullable): who recorded it
 * @result: (out caller-allocates) (optional): what was recorded; clear it
 *   with evg_checkin_result_clear()
 *
 * Checks the member in to an open (or full) whistle.  A member checked in
 * before is left as they are, and @result says since when.
 */
gboolean
evg_checkins_check_in (EvgCheckins       *self,
                       const char        *whistle_id,
                       const char        *member_id,
                       const char        *at,
                       const char        *source,
                       const char        *recorded_by,
                       EvgCheckinResult  *result,
                       GError           **error)
{
  g_autofree char *now = at == NULL ? evg_dup_now_minute () : NULL;
  g_auto(Stored) stored = { 0 };
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  EvgRecord *whistle;
  gboolean ok;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), FALSE);

  if (at == NULL)
    at = now;
  whistle = open_checkin (self, whistle_id, member_id, &stored, error);
  if (whistle == NULL || refuse_final (whistle, error) || !check_time (at, error))
    return FALSE;
  if (stored.left_reason != NULL)
    {
      g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_NOT_MEMBER,
                   _("%s has left the branch and cannot check in."), stored.name);
      return FALSE;
    }
  if (has_arrived (&stored))
    return fill_result (self, whistle, member_id, stored.name, stored.arrived_at, stored.left_at,
                        TRUE, at, result, error);

  fields = evg_field_set_new (&evg_checkin_table);
  evg_field_set_set_index (fields, EVG_CHECKIN_ARRIVED_AT, at);
  evg_field_set_set_index (fields, EVG_CHECKIN_SOURCE, source != NULL ? source : "manual");
  evg_field_set_set_index (fields, EVG_CHECKIN_RECORDED_BY, recorded_by);
  if (stored.reported_at == NULL || stored.deleted)
    evg_field_set_set_index (fields, EVG_CHECKIN_REPORTED_AT, at);

  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return FALSE;
  if (!stored.exists)
    {
      g_autofree char *made = NULL;

      evg_field_set_set_index (fields, EVG_CHECKIN_WHISTLE_ID, whistle_id);
      evg_field_set_set_index (fields, EVG_CHECKIN_MEMBER_ID, member_id);
      made = evg_txn_insert (txn, fields, NULL, error);
      ok = made != NULL;
    }
  else if (stored.deleted)
    {
      /* Taken off by mistake and back: a new life of the record. */
      evg_field_set_set_index (fields, EVG_CHECKIN_LEFT_AT, NULL);
      evg_field_set_set_index (fields, EVG_CHECKIN_CONFIRMED, "0");
      ok = evg_txn_restore (txn, stored.id, fields, error);
    }
  else
    ok = evg_txn_update (txn, stored.id, fields, error);
  if (!ok || !update_fullness (self, txn, whistle, error) || !evg_txn_commit (txn, error))
    return FALSE;
  return fill_result (self, whistle, member_id, stored.name, at, NULL, FALSE, at, result, error);
}

/* Refuses a departure at @at of a member who arrived at @arrived_at. */
static gboolean
check_departure (const char  *name,
                 const char  *arrived_at,
                 const char  *at,
                 GError     **error)
{
  gint64 span = evg_parse_minute (at) - evg_parse_minute (arrived_at);

  if (span < 0)
    {
      g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID,
                   _("%s checked in at %s: they cannot leave before that (%s)."),
                   name, arrived_at, at);
      return FALSE;
    }
  if (span > EVG_CHECKIN_MAX_MINUTES)
    {
      g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID,
                   _("From %s to %s is more than 24 hours; one check-in counts at most a day. "
                     "Check the times."), arrived_at, at);
      return FALSE;
    }
  return TRUE;
}

/**
 * evg_checkins_check_out:
 * @at: (nullable): when the member left; %NULL for now
 *
 * Checks the member out.  Checking out again later moves the departure
 * later; at or before the recorded one it changes nothing.
 */
gboolean
evg_checkins_check_out (EvgCheckins       *self,
                        const char        *whistle_id,
                        const char        *member_id,
                        const char        *at,
                        EvgCheckinResult  *result,
                        GError           **error)
{
  g_autofree char *now = at == NULL ? evg_dup_now_minute () : NULL;
  g_auto(Stored) stored = { 0 };
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  EvgRecord *whistle;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), FALSE);

  if (at == NULL)
    at = now;
  whistle = open_checkin (self, whistle_id, member_id, &stored, error);
  if (whistle == NULL || !check_time (at, error))
    return FALSE;
  if (g_strcmp0 (evg_record_get (whistle, EVG_WHISTLE_STATUS), "cancelled") == 0)
    return refuse_final (whistle, error), FALSE;
  if (!has_arrived (&stored))
    return not_checked_in (&stored, whistle, TRUE, error);
  if (!check_departure (stored.name, stored.arrived_at, at, error))
    return FALSE;
  if (stored.left_at != NULL && strcmp (at, stored.left_at) <= 0)
    return fill_result (self, whistle, member_id, stored.name, stored.arrived_at, stored.left_at,
                        TRUE, at, result, error);

  fields = evg_field_set_new (&evg_checkin_table);
  evg_field_set_set_index (fields, EVG_CHECKIN_LEFT_AT, at);
  txn = evg_store_begin (self->store, error);
  if (txn == NULL || !evg_txn_update (txn, stored.id, fields, error) || !evg_txn_commit (txn, error))
    return FALSE;
  return fill_result (self, whistle, member_id, stored.name, stored.arrived_at, at, FALSE,
                      at, result, error);
}

/**
 * evg_checkins_toggle:
 * @source: how the check-in is recorded: "kiosk" or "manual"
 *
 * What the kiosk, and the page's check-in field, do when a member gives
 * their name or card: checks them in, or out when they are in; a member
 * who checked out already is told so and nothing changes.
 */
gboolean
evg_checkins_toggle (EvgCheckins       *self,
                     const char        *whistle_id,
                     const char        *member_id,
                     const char        *at,
                     const char        *source,
                     EvgCheckinResult  *result,
                     GError           **error)
{
  g_autofree char *now = at == NULL ? evg_dup_now_minute () : NULL;
  g_auto(Stored) stored = { 0 };
  EvgRecord *whistle;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), FALSE);

  if (at == NULL)
    at = now;
  whistle = open_checkin (self, whistle_id, member_id, &stored, error);
  if (whistle == NULL)
    return FALSE;
  if (!has_arrived (&stored))
    return evg_checkins_check_in (self, whistle_id, member_id, at, source, NULL, result, error);
  if (stored.left_at == NULL)
    return evg_checkins_check_out (self, whistle_id, member_id, at, result, error);
  return fill_result (self, whistle, member_id, stored.name, stored.arrived_at, stored.left_at,
                      TRUE, at, result, error);
}

/* evg_checkins_toggle() at the kiosk. */
gboolean
evg_checkins_kiosk (EvgCheckins       *self,
                    const char        *whistle_id,
                    const char        *member_id,
                    const char        *at,
                    EvgCheckinResult  *result,
                    GError           **error)
{
  return evg_checkins_toggle (self, whistle_id, member_id, at, "kiosk", result, error);
}

/**
 * evg_checkins_confirm:
 * @left_at: (nullable): when the member left; %NULL to keep the recorded
 *   departure, or for one who forgot to check out, the whistle's end
 *
 * The secretary confirms the member's time at the whistle.
 */
gboolean
evg_checkins_confirm (EvgCheckins  *self,
                      const char   *whistle_id,
                      const char   *member_id,
                      const char   *left_at,
                      GError      **error)
{
  g_auto(Stored) stored = { 0 };
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  EvgRecord *whistle;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), FALSE);

  whistle = open_checkin (self, whistle_id, member_id, &stored, error);
  if (whistle == NULL)
    return FALSE;
  if (!has_arrived (&stored))
    return not_checked_in (&stored, whistle, FALSE, error);
  if (left_at == NULL)
    left_at = stored.left_at != NULL ? stored.left_at : evg_record_get (whistle, EVG_WHISTLE_ENDS_AT);
  if (!check_time (left_at, error) || !check_departure (stored.name, stored.arrived_at, left_at, error))
    return FALSE;
  if (stored.left_at != NULL && strcmp (left_at, stored.left_at) < 0)
    {
      g_set_error (error, EVG_CHECKINS_ERROR, EVG_CHECKINS_ERROR_INVALID,
                   _("%s checked out at %s; a departure can only be moved later."),
                   stored.name, stored.left_at);
      return FALSE;
    }
  fields = evg_field_set_new (&evg_checkin_table);
  evg_field_set_set_index (fields, EVG_CHECKIN_LEFT_AT, left_at);
  evg_field_set_set_index (fields, EVG_CHECKIN_CONFIRMED, "1");
  txn = evg_store_begin (self->store, error);
  return txn != NULL && evg_txn_update (txn, stored.id, fields, error) && evg_txn_commit (txn, error);
}

/**
 * evg_checkins_remove:
 *
 * Takes a check-in made by mistake off a whistle that is still open.
 */
gboolean
evg_checkins_remove (EvgCheckins  *self,
                     const char   *whistle_id,
                     const char   *member_id,
                     GError      **error)
{
  g_autofree char *id = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  EvgRecord *whistle;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), FALSE);

  whistle = find_whistle (self, whistle_id, error);
  if (whistle == NULL || refuse_final (whistle, error))
    return FALSE;
  id = evg_checkin_make_id (whistle_id, member_id);
  txn = evg_store_begin (self->store, error);
  return txn != NULL && evg_txn_delete (txn, evg_checkin_table.name, id, error) &&
         update_fullness (self, txn, whistle, error) && evg_txn_commit (txn, error);
}

/**
 * evg_checkins_list:
 * @now: (nullable): the local time; %NULL for the clock's
 *
 * Returns: (transfer full): the whistle's check-ins (EvgCheckinRow) in
 *   the order members arrived, or %NULL with @error set
 */
GListModel *
evg_checkins_list (EvgCheckins  *self,
                   const char   *whistle_id,
                   const char   *now,
                   GError      **error)
{
  g_autofree char *clock = now == NULL ? evg_dup_now_minute () : NULL;
  g_autoptr(GString) sql = g_string_new ("SELECT c.member_id, m.name, m.id_number");
  g_autoptr(GListStore) rows = g_list_store_new (EVG_TYPE_CHECKIN_ROW);
  const char *cap;
  EvgRecord *whistle;
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), NULL);

  whistle = find_whistle (self, whistle_id, error);
  if (whistle == NULL)
    return NULL;
  cap = evg_whistle_has_ended (whistle, now != NULL ? now : clock)
        ? evg_record_get (whistle, EVG_WHISTLE_ENDS_AT) : NULL;
  evg_record_append_columns (&evg_checkin_table, "c.", sql);
  g_string_append (sql, " FROM checkin c LEFT JOIN member m ON m.id = c.member_id "
                        "WHERE c.whistle_id = ?1 AND c.deleted = 0 "
                        "ORDER BY c.arrived_at IS NULL, c.arrived_at, c.reported_at, m.name");
  stmt = evg_store_prepare (self->store, sql->str, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, whistle_id, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(EvgCheckinRow) row = g_object_new (EVG_TYPE_CHECKIN_ROW, NULL);

      row->member_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      row->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->id_number = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      for (guint i = 0; i < EVG_CHECKIN_N_FIELDS; i++)
        row->values[i] = g_strdup ((const char *) sqlite3_column_text (stmt, (int) i + 3));
      row->minutes = evg_checkin_count_minutes (row->values[EVG_CHECKIN_ARRIVED_AT],
                                                row->values[EVG_CHECKIN_LEFT_AT], cap);
      row->flagged = cap != NULL && row->values[EVG_CHECKIN_ARRIVED_AT] != NULL &&
                     row->values[EVG_CHECKIN_LEFT_AT] == NULL &&
                     g_strcmp0 (row->values[EVG_CHECKIN_CONFIRMED], "1") != 0;
      g_list_store_append (rows, row);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return failed (self, rc, error), NULL;
  return G_LIST_MODEL (g_steal_pointer (&rows));
}

void
evg_checkin_result_clear (EvgCheckinResult *result)
{
  g_clear_pointer (&result->member_id, g_free);
  g_clear_pointer (&result->name, g_free);
  g_clear_pointer (&result->arrived_at, g_free);
  g_clear_pointer (&result->left_at, g_free);
  memset (result, 0, sizeof *result);
}

/* Service hours */

/* The check-ins of a year's service: of whistles that were not
 * cancelled, by the day the member arrived. */
#define YEAR_SERVICE_SQL \
  "SELECT c.member_id, evg_service_minutes (c.arrived_at, c.left_at, " CAP_SQL ") AS minutes " \
  "FROM checkin c JOIN whistle w ON w.id = c.whistle_id " \
  "WHERE c.deleted = 0 AND w.deleted = 0 AND w.status != 'cancelled' " \
  "AND c.arrived_at >= ?1 AND c.arrived_at < ?2"

/**
 * evg_checkins_member_minutes:
 * @now: (nullable): the local time; %NULL for the clock's
 *
 * Returns: the member's minutes of service in @year, or -1 with @error set
 */
int
evg_checkins_member_minutes (EvgCheckins  *self,
                             const char   *member_id,
                             int           year,
                             const char   *now,
                             GError      **error)
{
  g_autofree char *clock = now == NULL ? evg_dup_now_minute () : NULL;
  g_autofree char *first = g_strdup_printf ("%04d-01-01", year);
  g_autofree char *next = g_strdup_printf ("%04d-01-01", year + 1);
  gint64 minutes;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), -1);

  if (!query_int (self,
                  "SELECT total (minutes) FROM (" YEAR_SERVICE_SQL " AND c.member_id = ?4)",
                  PARAMS (first, next, now != NULL ? now : clock, member_id), &minutes, error))
    return -1;
  return (int) minutes;
}

/* The share of @year gone at @now: 0 before it, 1 after it. */
static double
share_of_year (int         year,
               const char *now)
{
  g_autofree char *start = g_strdup_printf ("%04d-01-01 00:00", year);
  g_autofree char *end = g_strdup_printf ("%04d-01-01 00:00", year + 1);
  gint64 at = evg_parse_minute (now);
  gint64 from = evg_parse_minute (start);
  gint64 to = evg_parse_minute (end);

  if (at < 0 || at <= from)
    return 0.0;
  if (at >= to)
    return 1.0;
  return (double) (at - from) / (double) (to - from);
}

/**
 * evg_checkins_is_behind:
 *
 * Whether @minutes of service in @year are behind pace at @now: below
 * the target times the share of the year gone.
 */
gboolean
evg_checkins_is_behind (EvgCheckins *self,
                        int          minutes,
                        int          year,
                        const char  *now)
{
  g_return_val_if_fail (EVG_IS_CHECKINS (self), FALSE);
  return minutes < self->target_hours * 60.0 * share_of_year (year, now);
}

void
evg_service_hours_free (EvgServiceHours *hours)
{
  g_free (hours->member_id);
  g_free (hours->name);
  g_free (hours->id_number);
  g_free (hours->party_group);
  g_free (hours);
}

/* Minutes per member, keyed by the 128 bits of the member's id in a table
 * of their own: with a GHashTable of id strings the year's sum spent a
 * third of its time comparing them (a cache miss each).  An id that is
 * not a UUID (the store makes none) goes to @others. */
typedef struct
{
  guint64 hi, lo;
  int     minutes;
} Tally;

typedef struct
{
  Tally      *slots;
  guint       mask;
  guint       used;
  GHashTable *others;   /* id → int minutes */
} MemberTally;

/* 0–15 for a hex digit, -1 otherwise: a table, as this runs 36 times for
 * each of a million check-ins. */
static signed char hex_values[256];

static void
init_hex_values (void)
{
  for (guint c = 0; c < 256; c++)
    hex_values[c] = (signed char) g_ascii_xdigit_value ((char) c);
}

static inline int
hex_value (char c)
{
  return hex_values[(guchar) c];
}

static void
member_tally_init (MemberTally *tally)
{
  static gsize ready;

  if (g_once_init_enter (&ready))
    {
      init_hex_values ();
      g_once_init_leave (&ready, 1);
    }
  tally->mask = (1u << 17) - 1;
  tally->slots = g_new0 (Tally, tally->mask + 1);
  tally->used = 0;
  tally->others = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
member_tally_clear (MemberTally *tally)
{
  g_clear_pointer (&tally->slots, g_free);
  g_clear_pointer (&tally->others, g_hash_table_unref);
}

/* The 128 bits of a UUID written xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx. */
static gboolean
parse_uuid (const char *text,
            guint64    *hi,
            guint64    *lo)
{
  guint64 half[2] = { 0, 0 };
  guint digits = 0;

  for (guint i = 0; i < 36; i++)
    {
      int v;

      if (i == 8 || i == 13 || i == 18 || i == 23)
        {
          if (text[i] != '-')
            return FALSE;
          continue;
        }
      v = hex_value (text[i]);
      if (v < 0)
        return FALSE;
      half[digits / 16] = half[digits / 16] << 4 | (guint64) v;
      digits++;
    }
  *hi = half[0];
  *lo = half[1];
  return text[36] == '\0' && (*hi != 0 || *lo != 0);
}

static guint
tally_slot (const MemberTally *tally,
            guint64            hi,
            guint64            lo)
{
  guint64 h = (lo ^ (hi * G_GUINT64_CONSTANT (0x9e3779b97f4a7c15)));

  h ^= h >> 33;
  h *= G_GUINT64_CONSTANT (0xff51afd7ed558ccd);
  h ^= h >> 33;
  for (guint i = (guint) h & tally->mask;; i = (i + 1) & tally->mask)
    {
      const Tally *slot = &tally->slots[i];

      if ((slot->hi == hi && slot->lo == lo) || (slot->hi == 0 && slot->lo == 0))
        return i;
    }
}

static void
member_tally_grow (MemberTally *tally)
{
  Tally *old = tally->slots;
  guint n = tally->mask + 1;

  tally->mask = n * 2 - 1;
  tally->slots = g_new0 (Tally, n * 2);
  for (guint i = 0; i < n; i++)
    if (old[i].hi != 0 || old[i].lo != 0)
      tally->slots[tally_slot (tally, old[i].hi, old[i].lo)] = old[i];
  g_free (old);
}

static void
member_tally_add (MemberTally *tally,
                  const char  *id,
                  int          minutes)
{
  guint64 hi, lo;
  Tally *slot;
  int *other;

  if (!parse_uuid (id, &hi, &lo))
    {
      other = g_hash_table_lookup (tally->others, id);
      if (other == NULL)
        g_hash_table_insert (tally->others, g_strdup (id), other = g_new0 (int, 1));
      *other += minutes;
      return;
    }
  if ((tally->used + 1) * 2 > tally->mask + 1)
    member_tally_grow (tally);
  slot = &tally->slots[tally_slot (tally, hi, lo)];
  if (slot->hi == 0 && slot->lo == 0)
    {
      slot->hi = hi;
      slot->lo = lo;
      tally->used++;
    }
  slot->minutes += minutes;
}

static int
member_tally_get (const MemberTally *tally,
                  const char        *id)
{
  guint64 hi, lo;
  int *other;

  if (!parse_uuid (id, &hi, &lo))
    {
      other = g_hash_table_lookup (tally->others, id);
      return other != NULL ? *other : 0;
    }
  return tally->slots[tally_slot (tally, hi, lo)].minutes;
}

typedef struct
{
  const char *now;
  GHashTable *caps;      /* whistle id → its end, of those that are over */
  GHashTable *left_out;  /* ids of whistles cancelled or deleted */
  MemberTally minutes;
} YearSum;

/* Notes a whistle's cap (see CAP_SQL), or that its hours do not count. */
static void
add_whistle (sqlite3_stmt *stmt,
             gpointer      data)
{
  YearSum *sum = data;
  const char *id = (const char *) sqlite3_column_text (stmt, 0);
  const char *status = (const char *) sqlite3_column_text (stmt, 1);
  const char *ends = (const char *) sqlite3_column_text (stmt, 2);

  if (sqlite3_column_int (stmt, 3) != 0 || g_strcmp0 (status, "cancelled") == 0)
    g_hash_table_add (sum->left_out, g_strdup (id));
  else if (ends != NULL && (g_strcmp0 (status, "closed") == 0 || strcmp (ends, sum->now) <= 0))
    g_hash_table_insert (sum->caps, g_strdup (id), g_strdup (ends));
}

static void
add_checkin (sqlite3_stmt *stmt,
             gpointer      data)
{
  YearSum *sum = data;
  const char *member = (const char *) sqlite3_column_text (stmt, 0);
  const char *whistle = (const char *) sqlite3_column_text (stmt, 1);
  const char *left = (const char *) sqlite3_column_text (stmt, 3);
  int minutes;

  /* Most check-ins have a departure and a whistle that counts: no
   * lookup of the whistle for them while none is left out. */
  if (member == NULL || whistle == NULL ||
      (g_hash_table_size (sum->left_out) > 0 && g_hash_table_contains (sum->left_out, whistle)))
    return;
  minutes = evg_checkin_count_minutes ((const char *) sqlite3_column_text (stmt, 2), left,
                                       left == NULL ? g_hash_table_lookup (sum->caps, whistle) : NULL);
  if (minutes <= 0)
    return;
  member_tally_add (&sum->minutes, member, minutes);
}

typedef struct
{
  YearSum   *sum;
  GPtrArray *ranking;
  guint      target_hours;
  double     pace;
} YearRanking;

static void
add_member_hours (sqlite3_stmt *stmt,
                  gpointer      data)
{
  YearRanking *ranking = data;
  const char *id = (const char *) sqlite3_column_text (stmt, 0);
  int minutes = id != NULL ? member_tally_get (&ranking->sum->minutes, id) : 0;
  EvgServiceHours *hours;

  /* A former member is listed for the hours they served. */
  if (sqlite3_column_type (stmt, 4) != SQLITE_NULL && minutes == 0)
    return;
  hours = g_new0 (EvgServiceHours, 1);
  hours->member_id = g_strdup (id);
  hours->name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  hours->id_number = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  hours->party_group = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  hours->minutes = minutes;
  hours->target_hours = ranking->target_hours;
  hours->behind = minutes < ranking->pace;
  g_ptr_array_add (ranking->ranking, hours);
}

/* Most hours first; then by name, and id, for a stable order. */
static int
compare_hours (gconstpointer a,
               gconstpointer b)
{
  const EvgServiceHours *x = *(EvgServiceHours * const *) a;
  const EvgServiceHours *y = *(EvgServiceHours * const *) b;
  int cmp;

  if (x->minutes != y->minutes)
    return x->minutes > y->minutes ? -1 : 1;
  cmp = g_strcmp0 (x->name, y->name);
  return cmp != 0 ? cmp : g_strcmp0 (x->member_id, y->member_id);
}

/* Every member's service in @year at @now, most first, on @store (the
 * service's connection, or a worker's).  The check-ins are read once in
 * table order and summed here: a million of them in well under a second,
 * where SQL's grouping through the member index took many. */
static GPtrArray *
read_year_hours (EvgStore    *store,
                 guint        target_hours,
                 int          year,
                 const char  *now,
                 GError     **error)
{
  g_autofree char *first = g_strdup_printf ("%04d-01-01", year);
  g_autofree char *next = g_strdup_printf ("%04d-01-01", year + 1);
  g_autoptr(GHashTable) caps = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) left_out = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) result = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_service_hours_free);
  YearSum sum = { now, caps, left_out };
  YearRanking ranking = { &sum, result, target_hours, target_hours * 60.0 * share_of_year (year, now) };
  gboolean ok;

  member_tally_init (&sum.minutes);
  ok = evg_store_each_row (store, "SELECT id, status, ends_at, deleted FROM whistle", NULL, 0,
                           add_whistle, &sum, error) &&
       evg_store_each_row (store,
                           "SELECT member_id, whistle_id, arrived_at, left_at FROM checkin "
                           "WHERE deleted = 0 AND arrived_at >= ?1 AND arrived_at < ?2",
                           PARAMS (first, next), add_checkin, &sum, error) &&
       evg_store_each_row (store,
                           "SELECT m.id, m.name, m.id_number, g.name, m.left_reason FROM member m "
                           "LEFT JOIN party_group g ON g.id = m.party_group_id AND g.deleted = 0 "
                           "WHERE m.deleted = 0", NULL, 0, add_member_hours, &ranking, error);
  member_tally_clear (&sum.minutes);
  if (!ok)
    return NULL;
  g_ptr_array_sort (result, compare_hours);
  return g_steal_pointer (&result);
}

/**
 * evg_checkins_year_hours:
 * @now: (nullable): the local time; %NULL for the clock's
 *
 * Every current member's service in @year (and any former member's who
 * served that year), most hours first.  A second or so for a million
 * check-ins: the page asks evg_checkins_year_hours_async().
 *
 * Returns: (transfer full) (element-type EvgServiceHours): the ranking,
 *   or %NULL with @error set
 */
GPtrArray *
evg_checkins_year_hours (EvgCheckins  *self,
                         int           year,
                         const char   *now,
                         GError      **error)
{
  g_autofree char *clock = now == NULL ? evg_dup_now_minute () : NULL;

  g_return_val_if_fail (EVG_IS_CHECKINS (self), NULL);
  return read_year_hours (self->store, self->target_hours, year, now != NULL ? now : clock, error);
}

typedef struct
{
  EvgStore *store;
  guint     target_hours;
  int       year;
  char     *now;
} YearHoursJob;

static void
year_hours_job_free (YearHoursJob *job)
{
  g_object_unref (job->store);
  g_free (job->now);
  g_free (job);
}

static void
year_hours_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  YearHoursJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) worker = evg_store_open_sibling (job->store, &error);
  GPtrArray *ranking;

  if (worker == NULL || !register_functions (worker, &error) ||
      (ranking = read_year_hours (worker, job->target_hours, job->year, job->now, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, ranking, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * evg_checkins_year_hours_async:
 *
 * evg_checkins_year_hours() in a worker, on a connection of its own.
 */
void
evg_checkins_year_hours_async (EvgCheckins         *self,
                               int                  year,
                               const char          *now,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  YearHoursJob *job;

  g_return_if_fail (EVG_IS_CHECKINS (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, evg_checkins_year_hours_async);
  job = g_new0 (YearHoursJob, 1);
  job->store = g_object_ref (self->store);
  job->target_hours = self->target_hours;
  job->year = year;
  job->now = now != NULL ? g_strdup (now) : evg_dup_now_minute ();
  g_task_set_task_data (task, job, (GDestroyNotify) year_hours_job_free);
  g_task_run_in_thread (task, year_hours_thread);
}

/**
 * evg_checkins_year_hours_finish:
 *
 * Returns: (transfer full) (element-type EvgServiceHours): the ranking,
 *   or %NULL with @error set
 */
GPtrArray *
evg_checkins_year_hours_finish (EvgCheckins   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * evg_format_hours:
 *
 * Returns: (transfer full): @minutes as hours with one decimal, "2.5"
 */
char *
evg_format_hours (int minutes)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%.1f", MAX (minutes, 0) / 60.0));
}

/* The columns of the hours export, in the national form's words. */
static const char * const hours_headers[] = {
  "名次", "姓名", "公民身份证号", "党小组", "服务时长（小时）", "年度目标（小时）", "进度", NULL
};
#define N_HOURS_COLUMNS (G_N_ELEMENTS (hours_headers) - 1)

/**
 * evg_service_hours_to_rows:
 * @ranking: (element-type EvgServiceHours): from evg_checkins_year_hours()
 *
 * The ranking as the cells of a spreadsheet, under the headers of
 * evg_service_hours_get_headers(), every cell text as it is (the writers
 * keep ID numbers and formula-like text from being read as numbers or
 * formulas).
 *
 * Returns: (transfer full) (element-type GStrv): the rows
 */
GPtrArray *
evg_service_hours_to_rows (GPtrArray *ranking)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  for (guint i = 0; i < ranking->len; i++)
    {
      EvgServiceHours *hours = g_ptr_array_index (ranking, i);
      char **cells = g_new0 (char *, N_HOURS_COLUMNS + 1);

      /* No cell is NULL: that would end the row early. */
      cells[0] = g_strdup_printf ("%u", i + 1);
      cells[1] = g_strdup (hours->name != NULL ? hours->name : "");
      cells[2] = g_strdup (hours->id_number != NULL ? hours->id_number : "");
      cells[3] = g_strdup (hours->party_group != NULL ? hours->party_group : "");
      cells[4] = evg_format_hours (hours->minutes);
      cells[5] = g_strdup_printf ("%u", hours->target_hours);
      cells[6] = g_strdup (hours->behind ? "落后" : "正常");
      g_ptr_array_add (rows, cells);
    }
  return rows;
}

/* The export's headers, in the national form's words. */
const char * const *
evg_service_hours_get_headers (guint *n_columns)
{
  if (n_columns != NULL)
    *n_columns = N_HOURS_COLUMNS;
  return hours_headers;
}

/* Writes the ranking as CSV for Excel and WPS: UTF-8 with a byte order
 * mark, the ID numbers as text, no cell a formula. */
static gboolean
write_csv (GPtrArray   *ranking,
           const char  *path,
           GError     **error)
{
  g_autoptr(GPtrArray) rows = evg_service_hours_to_rows (ranking);
  g_autoptr(GString) out = g_string_new (NULL);

  evg_csv_append_bom (out);
  evg_csv_append_row (out, (const char **) hours_headers, N_HOURS_COLUMNS);
  for (guint i = 0; i < rows->len; i++)
    {
      char **cells = g_ptr_array_index (rows, i);

      for (guint k = 0; k < N_HOURS_COLUMNS; k++)
        {
          /* Excel reads an 18-digit number as 1.1E+17 unless told it is
           * text; the import strips the tab. */
          char *safe = k == 2 && *cells[k] != '\0' ? g_strconcat ("\t", cells[k], NULL)
                                                    : evg_csv_neutralize_cell (cells[k]);

          g_free (cells[k]);
          cells[k] = safe;
        }
      evg_csv_append_row (out, (const char **) cells, N_HOURS_COLUMNS);
    }
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}

/**
 * evg_service_hours_write:
 * @path: where to write: a .xlsx workbook when it ends so, else CSV
 *
 * Writes the ranking as a spreadsheet.
 */
gboolean
evg_service_hours_write (GPtrArray   *ranking,
                         const char  *path,
                         GError     **error)
{
  g_autoptr(GPtrArray) rows = NULL;

  if (!g_str_has_suffix (path, ".xlsx") && !g_str_has_suffix (path, ".XLSX"))
    return write_csv (ranking, path, error);
  rows = evg_service_hours_to_rows (ranking);
  return evg_xlsx_write_table (path, "服务时长", hours_headers, N_HOURS_COLUMNS, rows, error);
}
