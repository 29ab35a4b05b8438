/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-calendar"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>
#include <time.h>

#include "evg-attendance.h"
#include "evg-calendar.h"
#include "evg-meeting-addendum.h"
#include "evg-member.h"
#include "evg-party-group.h"
#include "evg-resolution.h"
#include "evg-store-private.h"
#include "evg-txn.h"
#include "evg-validate.h"

struct _EvgCalendar
{
  GObject parent_instance;

  EvgStore   *store;
  GListStore *meetings;       /* of EvgMeeting, by start */
  GHashTable *by_id;          /* id → EvgMeeting, borrowed from @meetings */
  gboolean    loaded;         /* the meetings are read when first asked for */
  gboolean    half_is_enough;
  EvgPeriod   lecture_period;
};

G_DEFINE_FINAL_TYPE (EvgCalendar, evg_calendar, G_TYPE_OBJECT)

G_DEFINE_QUARK (evg-calendar-error-quark, evg_calendar_error)

/* Reads every live meeting, sorted by its start (then id, for a stable
 * order of meetings that start together). */
static gboolean
load_meetings (EvgCalendar  *self,
               GError      **error)
{
  g_autoptr(GString) sql = g_string_new ("SELECT id");
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  sqlite3_stmt *stmt;
  int rc;

  for (guint i = 0; i < EVG_MEETING_N_FIELDS; i++)
    g_string_append_printf (sql, ", %s", evg_meeting_table.columns[i].name);
  g_string_append_printf (sql, " FROM %s WHERE deleted = 0 ORDER BY starts_at, id",
                          evg_meeting_table.name);
  stmt = evg_store_prepare (self->store, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      EvgMeeting *meeting = g_hash_table_lookup (self->by_id, id);

      /* A meeting read before stays the same object, with its values
       * brought up to date: pages and dialogs that hold it see them. */
      meeting = meeting != NULL ? g_object_ref (meeting) : evg_meeting_new (id);
      for (guint i = 0; i < EVG_MEETING_N_FIELDS; i++)
        evg_meeting_set (meeting, i, (const char *) sqlite3_column_text (stmt, (int) i + 1));
      g_ptr_array_add (items, meeting);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_FAILED, "%s",
                   sqlite3_errmsg (evg_store_get_db (self->store)));
      return FALSE;
    }

  g_hash_table_remove_all (self->by_id);
  for (guint i = 0; i < items->len; i++)
    {
      EvgMeeting *meeting = g_ptr_array_index (items, i);

      g_hash_table_insert (self->by_id, (gpointer) evg_meeting_get_id (meeting), meeting);
    }
  g_list_store_splice (self->meetings, 0, g_list_model_get_n_items (G_LIST_MODEL (self->meetings)),
                       items->pdata, items->len);
  return TRUE;
}

static void
on_store_changed (EvgCalendar *self,
                  const char  *table,
                  GPtrArray   *ids,
                  EvgStore    *store)
{
  g_autoptr(GError) error = NULL;

  /* Eight thousand meetings are read again in a few milliseconds; the
   * list stays one splice. */
  if (!self->loaded || g_strcmp0 (table, evg_meeting_table.name) != 0)
    return;
  if (!load_meetings (self, &error))
    g_warning ("Could not read the meetings again: %s", error->message);
}

static void
evg_calendar_dispose (GObject *object)
{
  EvgCalendar *self = EVG_CALENDAR (object);

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_object (&self->meetings);
  G_OBJECT_CLASS (evg_calendar_parent_class)->dispose (object);
}

static void
evg_calendar_class_init (EvgCalendarClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = evg_calendar_dispose;
}

static void
evg_calendar_init (EvgCalendar *self)
{
  self->meetings = g_list_store_new (EVG_TYPE_MEETING);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->lecture_period = EVG_PERIOD_QUARTER;
}

EvgCalendar *
evg_calendar_new (EvgStore  *store,
                  GError   **error)
{
  g_autoptr(EvgCalendar) self = NULL;

  g_return_val_if_fail (EVG_IS_STORE (store), NULL);

  self = g_object_new (EVG_TYPE_CALENDAR, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "changed", G_CALLBACK (on_store_changed), self,
                           G_CONNECT_SWAPPED);
  return g_steal_pointer (&self);
}

EvgStore *
evg_calendar_get_store (EvgCalendar *self)
{
  g_return_val_if_fail (EVG_IS_CALENDAR (self), NULL);
  return self->store;
}

/* Whether exactly half counts as "more than half" (a local rule). */
void
evg_calendar_set_half_is_enough (EvgCalendar *self,
                                 gboolean     half_is_enough)
{
  g_return_if_fail (EVG_IS_CALENDAR (self));
  self->half_is_enough = half_is_enough;
}

/* How often a 党课 is due: a quarter or a half-year (a local rule). */
void
evg_calendar_set_lecture_period (EvgCalendar *self,
                                 EvgPeriod    period)
{
  g_return_if_fail (EVG_IS_CALENDAR (self));
  self->lecture_period = period;
}

/* The period each type must meet in at least once (DOMAIN.md). */
EvgPeriod
evg_calendar_get_period (EvgCalendar    *self,
                         EvgMeetingKind  kind)
{
  switch (kind)
    {
    case EVG_MEETING_KIND_GENERAL:
      return EVG_PERIOD_QUARTER;
    case EVG_MEETING_KIND_LECTURE:
      return self->lecture_period;
    case EVG_MEETING_KIND_LIFE:
      return EVG_PERIOD_YEAR;
    case EVG_MEETING_KIND_COMMITTEE:
    case EVG_MEETING_KIND_GROUP:
    case EVG_MEETING_KIND_THEME_DAY:
    case EVG_MEETING_N_KINDS:
    default:
      return EVG_PERIOD_MONTH;
    }
}

/* Reads the meetings the first time they are asked for: a program (or a
 * window opening on the roster) that never looks at them does not wait
 * for them. */
static void
ensure_loaded (EvgCalendar *self)
{
  g_autoptr(GError) error = NULL;

  if (self->loaded)
    return;
  self->loaded = TRUE;
  if (!load_meetings (self, &error))
    g_warning ("Could not read the meetings: %s", error->message);
}

GListModel *
evg_calendar_get_meetings (EvgCalendar *self)
{
  g_return_val_if_fail (EVG_IS_CALENDAR (self), NULL);
  ensure_loaded (self);
  return G_LIST_MODEL (self->meetings);
}

/* Returns: (transfer none) (nullable): the live meeting @id */
EvgMeeting *
evg_calendar_lookup (EvgCalendar *self,
                     const char  *id)
{
  g_return_val_if_fail (EVG_IS_CALENDAR (self), NULL);
  ensure_loaded (self);
  return id != NULL ? g_hash_table_lookup (self->by_id, id) : NULL;
}

/* The first meeting starting on or after @day, by binary search. */
static guint
first_from (EvgCalendar *self,
            const char  *day)
{
  guint lo = 0, hi = g_list_model_get_n_items (G_LIST_MODEL (self->meetings));

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      EvgMeeting *meeting = g_list_model_get_item (G_LIST_MODEL (self->meetings), mid);
      const char *starts = evg_meeting_get (meeting, EVG_MEETING_STARTS_AT);

      if (g_strcmp0 (starts, day) < 0)
        lo = mid + 1;
      else
        hi = mid;
      g_object_unref (meeting);
    }
  return lo;
}

/**
 * evg_calendar_list_between:
 * @first_day: YYYY-MM-DD
 * @last_day: YYYY-MM-DD, included
 *
 * Returns: (transfer container) (element-type EvgMeeting): the meetings
 *   starting on those days, in order
 */
GPtrArray *
evg_calendar_list_between (EvgCalendar *self,
                           const char  *first_day,
                           const char  *last_day)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (evg_calendar_get_meetings (self));
  char end[12];

  /* "YYYY-MM-DD~" sorts after every time of that day. */
  g_snprintf (end, sizeof end, "%s~", last_day);
  for (guint i = first_from (self, first_day); i < n; i++)
    {
      EvgMeeting *meeting = g_list_model_get_item (G_LIST_MODEL (self->meetings), i);

      if (g_strcmp0 (evg_meeting_get (meeting, EVG_MEETING_STARTS_AT), end) > 0)
        {
          g_object_unref (meeting);
          break;
        }
      g_ptr_array_add (found, meeting);
    }
  return found;
}

static gboolean
refuse_locked (EvgMeeting  *meeting,
               GError     **error)
{
  if (!evg_meeting_is_locked (meeting))
    return FALSE;
  g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_LOCKED,
               _("This meeting record is %s and can no longer be changed. Add a dated correction instead."),
               evg_meeting_status_get_label (evg_meeting_get (meeting, EVG_MEETING_STATUS)));
  return TRUE;
}

static gboolean
not_found (GError    **error,
           const char *id)
{
  g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_NOT_FOUND,
               _("No meeting has the id “%s”."), id);
  return FALSE;
}

/**
 * evg_calendar_save:
 * @meeting: a new meeting (no id) or an edited copy of a stored one
 * @now: (nullable): the local time, YYYY-MM-DD HH:MM; %NULL for the clock's
 *
 * Checks @meeting (evg_meeting_validate()) and writes what changed.
 *
 * Returns: (transfer full): the meeting's id, or %NULL with an error
 */
char *
evg_calendar_save (EvgCalendar  *self,
                   EvgMeeting   *meeting,
                   const char   *now,
                   GError      **error)
{
  g_autofree char *clock = now == NULL ? evg_dup_now_minute () : NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(EvgFieldSet) fields = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *id = NULL;
  EvgMeeting *stored = NULL;
  const char *status;

  g_return_val_if_fail (EVG_IS_CALENDAR (self), NULL);
  g_return_val_if_fail (EVG_IS_MEETING (meeting), NULL);

  if (evg_meeting_get (meeting, EVG_MEETING_STATUS) == NULL)
    evg_meeting_set (meeting, EVG_MEETING_STATUS, "planned");
  problems = evg_meeting_validate (meeting, now != NULL ? now : clock);
  if (problems->len > 0)
    {
      g_autofree char *text = NULL;

      g_ptr_array_add (problems, NULL);
      text = g_strjoinv ("\n", (char **) problems->pdata);
      g_set_error_literal (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID, text);
      return NULL;
    }

  if (evg_meeting_get_id (meeting) != NULL)
    {
      stored = evg_calendar_lookup (self, evg_meeting_get_id (meeting));
      if (stored == NULL)
        return not_found (error, evg_meeting_get_id (meeting)), NULL;
      if (refuse_locked (stored, error))
        return NULL;
    }

  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return NULL;
  fields = evg_meeting_diff (meeting, stored);
  status = evg_meeting_get (meeting, EVG_MEETING_STATUS);
  if (stored == NULL)
    {
      /* A meeting starts planned; one recorded after the fact then moves
       * on in the same transaction. */
      evg_field_set_unset (fields, evg_meeting_table.columns[EVG_MEETING_STATUS].name);
      id = evg_txn_insert (txn, fields, NULL, error);
      if (id == NULL)
        return NULL;
      if (g_strcmp0 (status, "planned") != 0)
        {
          g_autoptr(EvgFieldSet) move = evg_field_set_new (&evg_meeting_table);

          evg_field_set_set_index (move, EVG_MEETING_STATUS, status);
          if (!evg_txn_update (txn, id, move, error))
            return NULL;
        }
    }
  else
    {
      id = g_strdup (evg_meeting_get_id (stored));
      if (evg_field_set_count (fields) > 0 && !evg_txn_update (txn, id, fields, error))
        return NULL;
    }
  if (!evg_txn_commit (txn, error))
    return NULL;
  return g_steal_pointer (&id);
}

gboolean
evg_calendar_delete (EvgCalendar  *self,
                     const char   *id,
                     GError      **error)
{
  EvgMeeting *meeting;
  g_autoptr(EvgTxn) txn = NULL;

  g_return_val_if_fail (EVG_IS_CALENDAR (self), FALSE);

  meeting = evg_calendar_lookup (self, id);
  if (meeting == NULL)
    return not_found (error, id);
  if (refuse_locked (meeting, error))
    return FALSE;
  txn = evg_store_begin (self->store, error);
  return txn != NULL && evg_txn_delete (txn, evg_meeting_table.name, id, error) &&
         evg_txn_commit (txn, error);
}

/**
 * evg_calendar_sign:
 *
 * The chair and the recorder sign a held meeting's record: from then on
 * it, its attendance and its resolutions are final on every device.
 */
gboolean
evg_calendar_sign (EvgCalendar  *self,
                   const char   *id,
                   const char   *chair,
                   const char   *recorder,
                   const char   *now,
                   GError      **error)
{
  g_autofree char *clock = now == NULL ? evg_dup_now_minute () : NULL;
  g_autoptr(EvgMeeting) signing = NULL;
  g_autofree char *saved = NULL;
  EvgMeeting *meeting;

  g_return_val_if_fail (EVG_IS_CALENDAR (self), FALSE);

  meeting = evg_calendar_lookup (self, id);
  if (meeting == NULL)
    return not_found (error, id);
  if (refuse_locked (meeting, error))
    return FALSE;
  if (g_strcmp0 (evg_meeting_get (meeting, EVG_MEETING_STATUS), "held") != 0)
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID,
                   _("Only a meeting that was held can be signed. Mark it as held first."));
      return FALSE;
    }
  if (chair == NULL || *chair == '\0' || recorder == NULL || *recorder == '\0')
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID,
                   _("Both the chair and the recorder must sign."));
      return FALSE;
    }
  signing = evg_meeting_copy (meeting);
  evg_meeting_set (signing, EVG_MEETING_CHAIR, chair);
  evg_meeting_set (signing, EVG_MEETING_RECORDER, recorder);
  evg_meeting_set (signing, EVG_MEETING_SIGNED_AT, now != NULL ? now : clock);
  evg_meeting_set (signing, EVG_MEETING_STATUS, "signed");
  saved = evg_calendar_save (self, signing, now, error);
  return saved != NULL;
}

/**
 * evg_calendar_archive_year:
 *
 * Makes every meeting of @year final: the unsigned ones move to
 * archived; signed ones are final already.
 *
 * Returns: how many meetings were archived; 0 with @error set on failure
 */
guint
evg_calendar_archive_year (EvgCalendar  *self,
                           int           year,
                           GError      **error)
{
  g_autofree char *first = g_strdup_printf ("%04d-01-01", year);
  g_autofree char *last = g_strdup_printf ("%04d-12-31", year);
  g_autoptr(GPtrArray) meetings = evg_calendar_list_between (self, first, last);
  g_autoptr(EvgTxn) txn = NULL;
  guint n = 0;

  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return 0;
  for (guint i = 0; i < meetings->len; i++)
    {
      EvgMeeting *meeting = g_ptr_array_index (meetings, i);
      g_autoptr(EvgFieldSet) fields = NULL;

      if (evg_meeting_is_locked (meeting))
        continue;
      fields = evg_field_set_new (&evg_meeting_table);
      evg_field_set_set_index (fields, EVG_MEETING_STATUS, "archived");
      if (!evg_txn_update (txn, evg_meeting_get_id (meeting), fields, error))
        return 0;
      n++;
    }
  if (!evg_txn_commit (txn, error))
    return 0;
  return n;
}

/* Attendance */

static gboolean
step_failed (EvgCalendar  *self,
             GError      **error)
{
  g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_FAILED, "%s",
               sqlite3_errmsg (evg_store_get_db (self->store)));
  return FALSE;
}

#define PARAMS EVG_PARAMS

static char *
column_text (sqlite3_stmt *stmt,
             int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/**
 * evg_calendar_build_sheet:
 *
 * The meeting's attendance sheet: the members due to attend by the
 * roster of its day (members who joined after it or left before it are
 * not; a 党小组会 is its group's, a 支委会 the committee's: members with
 * a party post), with what is recorded of each, and any member with a
 * record who is not due (shown, not counted).  A member votes who was a
 * full member that day and is not under 留党察看.
 *
 * Returns: (transfer full): a list model of #EvgAttendee
 */
GListModel *
evg_calendar_build_sheet (EvgCalendar  *self,
                          EvgMeeting   *meeting,
                          GError      **error)
{
  g_autoptr(GListStore) sheet = g_list_store_new (EVG_TYPE_ATTENDEE);
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) sql = g_string_new (NULL);
  g_autofree char *day = evg_meeting_dup_day (meeting);
  EvgMeetingKind kind = evg_meeting_get_kind (meeting);
  const char *group = evg_meeting_get (meeting, EVG_MEETING_PARTY_GROUP_ID);
  sqlite3_stmt *stmt;
  int rc;

  g_return_val_if_fail (EVG_IS_CALENDAR (self), NULL);

  if (day == NULL || evg_meeting_get_id (meeting) == NULL)
    return G_LIST_MODEL (g_steal_pointer (&sheet));

  /* ?1 the day, ?2 the meeting, ?3 the party group. */
  g_string_append_printf (sql,
                          "SELECT m.id, m.name, m.party_group_id, "
                          "  m.category = 'full' AND (m.full_member_on IS NULL OR m.full_member_on <= ?1) "
                          "    AND coalesce (m.standing, '') != 'on_probation', "
                          "  (m.joined_on IS NULL OR m.joined_on <= ?1) "
                          "    AND (m.left_on IS NULL OR m.left_on > ?1) "
                          "    AND coalesce (m.standing, '') != 'suspended' %s, "
                          "  a.id IS NOT NULL, a.status, a.reason, a.approved_by, a.excluded_reason, "
                          "  a.makeup_done_on "
                          "FROM %s AS m "
                          "LEFT JOIN %s AS a ON a.meeting_id = ?2 AND a.member_id = m.id AND a.deleted = 0 "
                          "LEFT JOIN %s AS g ON g.id = m.party_group_id "
                          "WHERE m.deleted = 0 "
                          "ORDER BY coalesce (g.sort_order, 1000000), g.name, m.name, m.id",
                          kind == EVG_MEETING_KIND_GROUP ? "AND m.party_group_id IS ?3"
                          : kind == EVG_MEETING_KIND_COMMITTEE ? "AND coalesce (m.party_post, '') != ''"
                          : "",
                          evg_member_table.name, evg_attendance_table.name,
                          evg_party_group_table.name);
  stmt = evg_store_prepare (self->store, sql->str, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, day, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, evg_meeting_get_id (meeting), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, group, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gboolean due = sqlite3_column_int (stmt, 4) != 0;
      gboolean recorded = sqlite3_column_int (stmt, 5) != 0;
      EvgAttendee *attendee;

      if (!due && !recorded)
        continue;
      attendee = evg_attendee_new ((const char *) sqlite3_column_text (stmt, 0),
                                   (const char *) sqlite3_column_text (stmt, 1),
                                   (const char *) sqlite3_column_text (stmt, 2),
                                   sqlite3_column_int (stmt, 3) != 0);
      evg_attendee_set_due (attendee, due);
      evg_attendee_set_recorded (attendee, recorded);
      evg_attendee_set (attendee, EVG_ATTENDANCE_MEETING_ID, evg_meeting_get_id (meeting));
      for (guint i = EVG_ATTENDANCE_STATUS; i < EVG_ATTENDANCE_N_FIELDS; i++)
        evg_attendee_set (attendee, i, (const char *) sqlite3_column_text (stmt, 6 + (int) i - EVG_ATTENDANCE_STATUS));
      g_ptr_array_add (items, attendee);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return step_failed (self, error), NULL;
  g_list_store_splice (sheet, 0, 0, items->pdata, items->len);
  return G_LIST_MODEL (g_steal_pointer (&sheet));
}

static void
take_first (sqlite3_stmt *stmt,
            gpointer      data)
{
  char **text = data;

  if (*text == NULL)
    *text = column_text (stmt, 0);
}

/* @wanted of the live record of @spec whose @column holds @value. */
static char *
find_text (EvgCalendar         *self,
           const EvgTableSpec  *spec,
           const char          *wanted,
           const char          *column,
           const char          *value,
           GError             **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM %s WHERE %s = ? AND deleted = 0",
                                          wanted, spec->name, column);
  g_autofree char *text = NULL;

  if (!evg_store_each_row (self->store, sql, PARAMS (value), take_first, &text, error))
    return NULL;
  return g_steal_pointer (&text);
}

/**
 * evg_calendar_find_member:
 *
 * Returns: (transfer full) (nullable): the id of the member, present or
 *   former, with ID number @id_number; %NULL when none has it (@error
 *   unset) or on failure
 */
char *
evg_calendar_find_member (EvgCalendar  *self,
                          const char   *id_number,
                          GError      **error)
{
  return find_text (self, &evg_member_table, "id",
                    evg_member_field_get_info (EVG_MEMBER_ID_NUMBER)->name, id_number, error);
}

/**
 * evg_calendar_find_party_group:
 *
 * Returns: (transfer full) (nullable): the id of the party group called
 *   @name; %NULL when none is (@error unset) or on failure
 */
char *
evg_calendar_find_party_group (EvgCalendar  *self,
                               const char   *name,
                               GError      **error)
{
  return find_text (self, &evg_party_group_table, "id", "name", name, error);
}

/**
 * evg_calendar_dup_party_group_name:
 *
 * Returns: (transfer full) (nullable): the name of the party group @id;
 *   %NULL when there is none (@error unset) or on failure
 */
char *
evg_calendar_dup_party_group_name (EvgCalendar  *self,
                                   const char   *id,
                                   GError      **error)
{
  return find_text (self, &evg_party_group_table, "name", "id", id, error);
}

/**
 * evg_calendar_find_attendee:
 *
 * Returns: (transfer none) (nullable): the line of @sheet of @member_id
 */
EvgAttendee *
evg_calendar_find_attendee (GListModel *sheet,
                            const char *member_id)
{
  guint n = g_list_model_get_n_items (sheet);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgAttendee) attendee = g_list_model_get_item (sheet, i);

      if (g_strcmp0 (evg_attendee_get_member_id (attendee), member_id) == 0)
        return attendee;   /* the sheet keeps its reference */
    }
  return NULL;
}

void
evg_calendar_count_quorum (EvgCalendar *self,
                           GListModel  *sheet,
                           EvgQuorum   *quorum)
{
  g_return_if_fail (EVG_IS_CALENDAR (self));
  evg_quorum_count (quorum, sheet, self->half_is_enough);
}

static char *
attendance_id (const char *meeting_id,
               const char *member_id)
{
  const char *key[] = { meeting_id, member_id, NULL };

  return evg_table_spec_make_key_id (&evg_attendance_table, key);
}

/* Writes @attendee's record within @txn: its first, or what changed. */
static gboolean
write_attendance (EvgTxn       *txn,
                  EvgMeeting   *meeting,
                  EvgAttendee  *attendee,
                  GError      **error)
{
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_attendance_table);
  g_autofree char *id = attendance_id (evg_meeting_get_id (meeting),
                                       evg_attendee_get_member_id (attendee));

  for (guint i = EVG_ATTENDANCE_STATUS; i < EVG_ATTENDANCE_N_FIELDS; i++)
    evg_field_set_set_index (fields, i, evg_attendee_get (attendee, i));
  if (evg_attendee_get_recorded (attendee))
    return evg_txn_update (txn, id, fields, error);

  evg_field_set_set_index (fields, EVG_ATTENDANCE_MEETING_ID, evg_meeting_get_id (meeting));
  evg_field_set_set_index (fields, EVG_ATTENDANCE_MEMBER_ID, evg_attendee_get_member_id (attendee));
  g_free (id);
  id = evg_txn_insert (txn, fields, NULL, error);
  if (id == NULL)
    return FALSE;
  evg_attendee_set_recorded (attendee, TRUE);
  return TRUE;
}

/* What may be recorded of @attendee at @meeting, checked before it is. */
static gboolean
check_attendance (EvgMeeting   *meeting,
                  EvgAttendee  *attendee,
                  const char   *now,
                  GError      **error)
{
  const char *status = evg_attendee_get (attendee, EVG_ATTENDANCE_STATUS);
  const char *starts = evg_meeting_get (meeting, EVG_MEETING_STARTS_AT);

  if (refuse_locked (meeting, error))
    return FALSE;
  if (!evg_attendee_get_due (attendee) && !evg_attendee_get_recorded (attendee))
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_NOT_DUE,
                   _("%s was not due to attend this meeting: on its day they were not a member "
                     "of the branch, or not of the group or committee that met."),
                   evg_attendee_get_name (attendee));
      return FALSE;
    }
  /* Leave is asked for before; who came or stayed away is known after. */
  if (status != NULL && g_strcmp0 (status, "leave") != 0 && starts != NULL && now != NULL &&
      strcmp (starts, now) > 0)
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID,
                   _("The meeting has not started yet: only leave can be recorded before it."));
      return FALSE;
    }
  if (evg_attendee_get (attendee, EVG_ATTENDANCE_MAKEUP_DONE_ON) != NULL &&
      g_strcmp0 (status, "absent") != 0 && g_strcmp0 (status, "leave") != 0)
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID,
                   _("Make-up study is recorded only for members who were absent or on leave."));
      return FALSE;
    }
  return TRUE;
}

/**
 * evg_calendar_save_attendance:
 *
 * Records what @attendee's fields say of them at @meeting.
 */
gboolean
evg_calendar_save_attendance (EvgCalendar  *self,
                              EvgMeeting   *meeting,
                              EvgAttendee  *attendee,
                              GError      **error)
{
  g_autofree char *now = evg_dup_now_minute ();
  g_autoptr(EvgTxn) txn = NULL;

  g_return_val_if_fail (EVG_IS_CALENDAR (self), FALSE);

  if (!check_attendance (meeting, attendee, now, error))
    return FALSE;
  txn = evg_store_begin (self->store, error);
  return txn != NULL && write_attendance (txn, meeting, attendee, error) &&
         evg_txn_commit (txn, error);
}

/**
 * evg_calendar_record_makeup:
 * @day: (nullable): the day the make-up study was done, YYYY-MM-DD; %NULL
 *   when it was recorded by mistake
 *
 * Records an absentee's 补学.  Unlike the rest of the attendance it may be
 * recorded after the meeting's record is signed.
 */
gboolean
evg_calendar_record_makeup (EvgCalendar  *self,
                            EvgMeeting   *meeting,
                            EvgAttendee  *attendee,
                            const char   *day,
                            GError      **error)
{
  const char *status = evg_attendee_get (attendee, EVG_ATTENDANCE_STATUS);
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_attendance_table);
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (EVG_IS_CALENDAR (self), FALSE);

  if (!evg_attendee_get_recorded (attendee) ||
      (g_strcmp0 (status, "absent") != 0 && g_strcmp0 (status, "leave") != 0))
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID,
                   _("Make-up study is recorded only for members who were absent or on leave."));
      return FALSE;
    }
  id = attendance_id (evg_meeting_get_id (meeting), evg_attendee_get_member_id (attendee));
  evg_field_set_set_index (fields, EVG_ATTENDANCE_MAKEUP_DONE_ON, day);
  txn = evg_store_begin (self->store, error);
  if (txn == NULL || !evg_txn_update (txn, id, fields, error) || !evg_txn_commit (txn, error))
    return FALSE;
  evg_attendee_set (attendee, EVG_ATTENDANCE_MAKEUP_DONE_ON, day);
  return TRUE;
}

/**
 * evg_calendar_mark_all_present:
 *
 * Marks every member due and not yet marked as present, in one
 * transaction: the quick start of an attendance sheet, before its
 * exceptions.
 *
 * Returns: how many were marked
 */
guint
evg_calendar_mark_all_present (EvgCalendar  *self,
                               EvgMeeting   *meeting,
                               GListModel   *sheet,
                               GError      **error)
{
  g_autofree char *now = evg_dup_now_minute ();
  g_autoptr(EvgTxn) txn = NULL;
  g_autoptr(GPtrArray) marked = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (sheet);

  g_return_val_if_fail (EVG_IS_CALENDAR (self), 0);

  if (refuse_locked (meeting, error))
    return 0;
  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return 0;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgAttendee) attendee = g_list_model_get_item (sheet, i);

      if (!evg_attendee_counts (attendee) || evg_attendee_get (attendee, EVG_ATTENDANCE_STATUS) != NULL)
        continue;
      evg_attendee_set (attendee, EVG_ATTENDANCE_STATUS, "present");
      g_ptr_array_add (marked, g_object_ref (attendee));
      if (!check_attendance (meeting, attendee, now, error) ||
          !write_attendance (txn, meeting, attendee, error))
        goto undo;
    }
  if (!evg_txn_commit (txn, error))
    goto undo;
  return marked->len;

undo:
  /* Nothing was written: the sheet shows what is stored. */
  for (guint i = 0; i < marked->len; i++)
    evg_attendee_set (g_ptr_array_index (marked, i), EVG_ATTENDANCE_STATUS, NULL);
  return 0;
}

/* The day a year before @today (the 29th of February: the 28th). */
static char *
year_before (const char *today)
{
  GDate date;

  if (!evg_parse_date (today, &date))
    return g_strdup ("0000-00-00");
  g_date_subtract_years (&date, 1);
  return evg_format_date (&date);
}

static void
count_summary (sqlite3_stmt *stmt,
               gpointer      data)
{
  EvgAttendanceSummary *summary = data;
  const char *status = (const char *) sqlite3_column_text (stmt, 0);
  gboolean makeup_open = sqlite3_column_int (stmt, 1) != 0;

  summary->recorded++;
  if (evg_attendance_status_is_present (status))
    summary->present++;
  else if (g_strcmp0 (status, "absent") == 0)
    summary->absent++;
  else if (g_strcmp0 (status, "leave") == 0)
    summary->on_leave++;
  if (makeup_open && !evg_attendance_status_is_present (status))
    summary->open_makeup++;
}

/**
 * evg_calendar_summarize_member:
 * @today: YYYY-MM-DD
 *
 * The member's attendance at meetings held in the twelve months up to
 * @today, for the roster's detail pane.
 */
gboolean
evg_calendar_summarize_member (EvgCalendar           *self,
                               const char            *member_id,
                               const char            *today,
                               EvgAttendanceSummary  *summary,
                               GError               **error)
{
  g_autofree char *from = year_before (today);
  g_autofree char *sql = NULL;

  g_return_val_if_fail (EVG_IS_CALENDAR (self), FALSE);

  memset (summary, 0, sizeof *summary);
  sql = g_strdup_printf ("SELECT a.status, a.makeup_done_on IS NULL "
                         "FROM %s AS a JOIN %s AS mt ON mt.id = a.meeting_id "
                         "WHERE a.member_id = ?1 AND a.deleted = 0 AND mt.deleted = 0 "
                         "  AND a.excluded_reason IS NULL AND a.status IS NOT NULL "
                         "  AND mt.starts_at >= ?2 AND mt.starts_at < ?3 || '~' "
                         "  AND mt.status IN ('held', 'signed', 'archived')",
                         evg_attendance_table.name, evg_meeting_table.name);
  return evg_store_each_row (self->store, sql, PARAMS (member_id, from, today), count_summary, summary, error);
}

static void
add_rate (sqlite3_stmt *stmt,
          gpointer      data)
{
  double *rate = g_new (double, 1);

  *rate = (double) sqlite3_column_int64 (stmt, 2) / (double) MAX (sqlite3_column_int64 (stmt, 1), 1);
  g_hash_table_insert (data, column_text (stmt, 0), rate);
}

/**
 * evg_calendar_attendance_rates:
 * @today: YYYY-MM-DD
 *
 * Every member's attendance rate over the twelve months up to @today:
 * the share of the meetings with their attendance marked that they came
 * to (出席 or 迟到), one query for the whole roster.
 *
 * Returns: (transfer full) (element-type utf8 gdouble): member id → rate
 *   (0 to 1), for members with any attendance marked
 */
GHashTable *
evg_calendar_attendance_rates (EvgCalendar  *self,
                               const char   *today,
                               GError      **error)
{
  g_autoptr(GHashTable) rates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *from = year_before (today);
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("SELECT a.member_id, count (*), "
                         "  sum (a.status = 'present' OR a.status = 'late') "
                         "FROM %s AS mt JOIN %s AS a ON a.meeting_id = mt.id "
                         "WHERE mt.deleted = 0 AND mt.starts_at >= ?1 AND mt.starts_at < ?2 || '~' "
                         "  AND mt.status IN ('held', 'signed', 'archived') "
                         "  AND a.deleted = 0 AND a.excluded_reason IS NULL AND a.status IS NOT NULL "
                         "GROUP BY a.member_id",
                         evg_meeting_table.name, evg_attendance_table.name);
  if (!evg_store_each_row (self->store, sql, PARAMS (from, today), add_rate, rates, error))
    return NULL;
  return g_steal_pointer (&rates);
}

/* Resolutions and corrections */

void
evg_resolution_info_free (EvgResolutionInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->text);
  g_free (info);
}

void
evg_addendum_info_free (EvgAddendumInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->id);
  g_free (info->written_on);
  g_free (info->author);
  g_free (info->text);
  g_free (info);
}

static gint64
column_count (sqlite3_stmt *stmt,
              int           column)
{
  return sqlite3_column_type (stmt, column) == SQLITE_NULL ? -1 : sqlite3_column_int64 (stmt, column);
}

static void
add_resolution (sqlite3_stmt *stmt,
                gpointer      data)
{
  EvgResolutionInfo *info = g_new0 (EvgResolutionInfo, 1);

  info->id = column_text (stmt, 0);
  info->position = sqlite3_column_int (stmt, 1);
  info->text = column_text (stmt, 2);
  info->votes_for = column_count (stmt, 3);
  info->votes_against = column_count (stmt, 4);
  info->votes_abstain = column_count (stmt, 5);
  g_ptr_array_add (data, info);
}

/**
 * evg_calendar_list_resolutions:
 *
 * Returns: (transfer full) (element-type EvgResolutionInfo): in order
 */
GPtrArray *
evg_calendar_list_resolutions (EvgCalendar  *self,
                               const char   *meeting_id,
                               GError      **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_resolution_info_free);
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("SELECT id, position, text, votes_for, votes_against, votes_abstain "
                         "FROM %s WHERE meeting_id = ? AND deleted = 0 ORDER BY position, id",
                         evg_resolution_table.name);
  if (!evg_store_each_row (self->store, sql, PARAMS (meeting_id), add_resolution, list, error))
    return NULL;
  return g_steal_pointer (&list);
}

static void
set_count (EvgFieldSet *fields,
           guint        column,
           gint64       count)
{
  if (count < 0)
    evg_field_set_set_index (fields, column, NULL);
  else
    evg_field_set_set_int (fields, evg_resolution_table.columns[column].name, count);
}

/**
 * evg_calendar_save_resolution:
 * @resolution: its id %NULL for a new one, which then gets its id
 * @quorum: the meeting's counts: votes beyond the voting members present
 *   are refused
 *
 * Returns: (transfer full): the resolution's id, or %NULL with an error
 */
char *
evg_calendar_save_resolution (EvgCalendar        *self,
                              EvgMeeting         *meeting,
                              EvgResolutionInfo  *resolution,
                              const EvgQuorum    *quorum,
                              GError            **error)
{
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_resolution_table);
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *id = NULL;
  gboolean voted = resolution->votes_for >= 0 || resolution->votes_against >= 0 ||
                   resolution->votes_abstain >= 0;

  g_return_val_if_fail (EVG_IS_CALENDAR (self), NULL);

  if (refuse_locked (meeting, error))
    return NULL;
  if (resolution->text == NULL || g_strstrip (resolution->text)[0] == '\0')
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID,
                   _("Write what the resolution says."));
      return NULL;
    }
  if (voted && quorum != NULL)
    problem = evg_quorum_check_votes (quorum, MAX (resolution->votes_for, 0),
                                      MAX (resolution->votes_against, 0),
                                      MAX (resolution->votes_abstain, 0));
  if (problem != NULL)
    {
      g_set_error_literal (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID, problem);
      return NULL;
    }

  evg_field_set_set_int (fields, evg_resolution_table.columns[EVG_RESOLUTION_POSITION].name,
                         resolution->position);
  evg_field_set_set_index (fields, EVG_RESOLUTION_TEXT, resolution->text);
  set_count (fields, EVG_RESOLUTION_VOTES_FOR, resolution->votes_for);
  set_count (fields, EVG_RESOLUTION_VOTES_AGAINST, resolution->votes_against);
  set_count (fields, EVG_RESOLUTION_VOTES_ABSTAIN, resolution->votes_abstain);

  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return NULL;
  if (resolution->id != NULL)
    {
      if (!evg_txn_update (txn, resolution->id, fields, error))
        return NULL;
      id = g_strdup (resolution->id);
    }
  else
    {
      evg_field_set_set_index (fields, EVG_RESOLUTION_MEETING_ID, evg_meeting_get_id (meeting));
      id = evg_txn_insert (txn, fields, NULL, error);
      if (id == NULL)
        return NULL;
    }
  if (!evg_txn_commit (txn, error))
    return NULL;
  if (resolution->id == NULL)
    resolution->id = g_strdup (id);
  return g_steal_pointer (&id);
}

gboolean
evg_calendar_delete_resolution (EvgCalendar  *self,
                                const char   *id,
                                GError      **error)
{
  g_autoptr(EvgTxn) txn = evg_store_begin (self->store, error);

  return txn != NULL && evg_txn_delete (txn, evg_resolution_table.name, id, error) &&
         evg_txn_commit (txn, error);
}

static void
add_addendum (sqlite3_stmt *stmt,
              gpointer      data)
{
  EvgAddendumInfo *info = g_new0 (EvgAddendumInfo, 1);

  info->id = column_text (stmt, 0);
  info->written_on = column_text (stmt, 1);
  info->author = column_text (stmt, 2);
  info->text = column_text (stmt, 3);
  g_ptr_array_add (data, info);
}

/**
 * evg_calendar_list_addenda:
 *
 * Returns: (transfer full) (element-type EvgAddendumInfo): oldest first
 */
GPtrArray *
evg_calendar_list_addenda (EvgCalendar  *self,
                           const char   *meeting_id,
                           GError      **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_addendum_info_free);
  g_autofree char *sql = NULL;

  sql = g_strdup_printf ("SELECT id, written_on, author, text FROM %s "
                         "WHERE meeting_id = ? AND deleted = 0 ORDER BY written_on, hlc",
                         evg_meeting_addendum_table.name);
  if (!evg_store_each_row (self->store, sql, PARAMS (meeting_id), add_addendum, list, error))
    return NULL;
  return g_steal_pointer (&list);
}

/**
 * evg_calendar_add_addendum:
 * @today: YYYY-MM-DD
 *
 * A dated correction of a signed (or archived) meeting record, written
 * once.
 *
 * Returns: (transfer full): its id, or %NULL with an error
 */
char *
evg_calendar_add_addendum (EvgCalendar  *self,
                           EvgMeeting   *meeting,
                           const char   *author,
                           const char   *text,
                           const char   *today,
                           GError      **error)
{
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_meeting_addendum_table);
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (EVG_IS_CALENDAR (self), NULL);

  if (!evg_meeting_is_locked (meeting))
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID,
                   _("This record is not signed yet: edit it instead of adding a correction."));
      return NULL;
    }
  if (text == NULL || *text == '\0' || author == NULL || *author == '\0')
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID,
                   _("A correction needs its text and who wrote it."));
      return NULL;
    }
  evg_field_set_set_index (fields, EVG_MEETING_ADDENDUM_MEETING_ID, evg_meeting_get_id (meeting));
  evg_field_set_set_index (fields, EVG_MEETING_ADDENDUM_WRITTEN_ON, today);
  evg_field_set_set_index (fields, EVG_MEETING_ADDENDUM_AUTHOR, author);
  evg_field_set_set_index (fields, EVG_MEETING_ADDENDUM_TEXT, text);
  txn = evg_store_begin (self->store, error);
  if (txn == NULL)
    return NULL;
  id = evg_txn_insert (txn, fields, NULL, error);
  if (id == NULL || !evg_txn_commit (txn, error))
    return NULL;
  return g_steal_pointer (&id);
}

/* Compliance */

void
evg_compliance_free (EvgCompliance *compliance)
{
  if (compliance == NULL)
    return;
  g_free (compliance->party_group_id);
  g_free (compliance->party_group_name);
  g_free (compliance->period);
  g_free (compliance->first_day);
  g_free (compliance->last_day);
  g_free (compliance);
}

static guint
periods_in_year (EvgPeriod period)
{
  switch (period)
    {
    case EVG_PERIOD_MONTH:
      return 12;
    case EVG_PERIOD_QUARTER:
      return 4;
    case EVG_PERIOD_HALF_YEAR:
      return 2;
    case EVG_PERIOD_YEAR:
    default:
      return 1;
    }
}

/**
 * evg_period_format:
 * @index: the period's number within @year, from 0
 *
 * Returns: (transfer full): 2026-03, 2026-Q1, 2026-H1 or 2026
 */
char *
evg_period_format (EvgPeriod period,
                   int       year,
                   int       index)
{
  switch (period)
    {
    case EVG_PERIOD_MONTH:
      return g_strdup_printf ("%04d-%02d", year, index + 1);
    case EVG_PERIOD_QUARTER:
      return g_strdup_printf ("%04d-Q%d", year, index + 1);
    case EVG_PERIOD_HALF_YEAR:
      return g_strdup_printf ("%04d-H%d", year, index + 1);
    case EVG_PERIOD_YEAR:
    default:
      return g_strdup_printf ("%04d", year);
    }
}

const char *
evg_compliance_status_to_string (EvgComplianceStatus status)
{
  switch (status)
    {
    case EVG_COMPLIANCE_MET:
      return "met";
    case EVG_COMPLIANCE_MISSED:
      return "missed";
    case EVG_COMPLIANCE_OPEN:
    default:
      return "open";
    }
}

typedef struct
{
  char  *id;
  char  *name;
  gint64 order;
  char  *sort_name;   /* evg_party_group_sort_name() */
} Group;

static void
group_clear (gpointer data)
{
  Group *group = data;

  g_free (group->id);
  g_free (group->name);
  g_free (group->sort_name);
}

/* By the order the branch gave them, then by the numbers in their names
 * (第一, 第二, … 第十二), as the roster shows them. */
static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const Group *x = a, *y = b;

  if (x->order != y->order)
    return x->order < y->order ? -1 : 1;
  return g_strcmp0 (x->sort_name, y->sort_name);
}

static void
add_group (sqlite3_stmt *stmt,
           gpointer      data)
{
  Group group = { column_text (stmt, 0), column_text (stmt, 1), sqlite3_column_int64 (stmt, 2), NULL };

  group.sort_name = evg_party_group_sort_name (group.name != NULL ? group.name : "");
  g_array_append_val ((GArray *) data, group);
}

static GArray *
read_groups (EvgCalendar  *self,
             GError      **error)
{
  g_autoptr(GArray) groups = g_array_new (FALSE, TRUE, sizeof (Group));
  g_autofree char *sql = g_strdup_printf ("SELECT id, name, sort_order FROM %s WHERE deleted = 0",
                                          evg_party_group_table.name);

  g_array_set_clear_func (groups, group_clear);
  if (!evg_store_each_row (self->store, sql, NULL, 0, add_group, groups, error))
    return NULL;
  g_array_sort (groups, compare_groups);
  return g_steal_pointer (&groups);
}

/* The first and last day of period @index of @year. */
static void
period_days (EvgPeriod  period,
             int        year,
             guint      index,
             GDate     *first,
             GDate     *last)
{
  guint months = 12 / periods_in_year (period);
  GDateMonth month = (GDateMonth) (index * months + 1);

  g_date_clear (first, 1);
  g_date_clear (last, 1);
  g_date_set_dmy (first, 1, month, (GDateYear) year);
  *last = *first;
  g_date_add_months (last, months);
  g_date_subtract_days (last, 1);
}

/**
 * evg_calendar_compliance:
 * @today: YYYY-MM-DD
 *
 * For each type and each of its periods in @year (and each party group,
 * for the 党小组会), how many meetings were required and held: met,
 * missed (the period is over) or open, with the days left.
 *
 * Returns: (transfer full) (element-type EvgCompliance): by type, group
 *   and period
 */
GPtrArray *
evg_calendar_compliance (EvgCalendar  *self,
                         int           year,
                         const char   *today,
                         GError      **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_compliance_free);
  g_autoptr(GArray) groups = NULL;
  g_autofree char *first_day = g_strdup_printf ("%04d-01-01", year);
  g_autofree char *last_day = g_strdup_printf ("%04d-12-31", year);
  g_autoptr(GPtrArray) meetings = NULL;
  g_autoptr(GHashTable) index = NULL;
  g_autofree char *today_text = NULL;
  GDate today_date;

  g_return_val_if_fail (EVG_IS_CALENDAR (self), NULL);

  if (today == NULL || !evg_parse_date (today, &today_date))
    g_date_set_time_t (&today_date, time (NULL));
  today_text = evg_format_date (&today_date);
  groups = read_groups (self, error);
  if (groups == NULL)
    return NULL;
  meetings = evg_calendar_list_between (self, first_day, last_day);

  /* Every period's row first, then each meeting of the year into its own:
   * one pass over the meetings. */
  index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint kind = 0; kind < EVG_MEETING_N_KINDS; kind++)
    {
      EvgPeriod period = evg_calendar_get_period (self, kind);
      guint n_periods = periods_in_year (period);
      guint n_units = kind == EVG_MEETING_KIND_GROUP ? groups->len : 1;

      for (guint unit = 0; unit < n_units; unit++)
        for (guint p = 0; p < n_periods; p++)
          {
            EvgCompliance *row = g_new0 (EvgCompliance, 1);
            GDate first, last;

            period_days (period, year, p, &first, &last);
            row->kind = kind;
            if (kind == EVG_MEETING_KIND_GROUP)
              {
                row->party_group_id = g_strdup (g_array_index (groups, Group, unit).id);
                row->party_group_name = g_strdup (g_array_index (groups, Group, unit).name);
              }
            row->period = evg_period_format (period, year, (int) p);
            row->first_day = evg_format_date (&first);
            row->last_day = evg_format_date (&last);
            row->required = 1;
            if (g_date_compare (&last, &today_date) >= 0)
              row->days_left = g_date_days_between (&today_date, &last);
            g_hash_table_insert (index, g_strdup_printf ("%u|%s|%s", kind, row->party_group_id,
                                                         row->period), row);
            g_ptr_array_add (rows, row);
          }
    }

  for (guint i = 0; i < meetings->len; i++)
    {
      EvgMeeting *meeting = g_ptr_array_index (meetings, i);
      int kind = evg_meeting_kind_from_code (evg_meeting_get (meeting, EVG_MEETING_TYPE));
      const char *starts = evg_meeting_get (meeting, EVG_MEETING_STARTS_AT);
      g_autofree char *period = NULL;
      g_autofree char *key = NULL;
      EvgPeriod unit;
      int month;
      EvgCompliance *row;

      if (kind < 0 || !evg_meeting_is_held (meeting))
        continue;
      unit = evg_calendar_get_period (self, kind);
      month = (starts[5] - '0') * 10 + (starts[6] - '0') - 1;
      period = evg_period_format (unit, year, month / (12 / (int) periods_in_year (unit)));
      key = g_strdup_printf ("%d|%s|%s", kind,
                             kind == EVG_MEETING_KIND_GROUP
                             ? evg_meeting_get (meeting, EVG_MEETING_PARTY_GROUP_ID) : NULL,
                             period);
      row = g_hash_table_lookup (index, key);
      if (row != NULL)
        row->held++;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      EvgCompliance *row = g_ptr_array_index (rows, i);

      if (row->held >= row->required)
        row->status = EVG_COMPLIANCE_MET;
      else if (strcmp (row->last_day, today_text) < 0)
        row->status = EVG_COMPLIANCE_MISSED;
      else
        row->status = EVG_COMPLIANCE_OPEN;
    }
  return g_steal_pointer (&rows);
}
