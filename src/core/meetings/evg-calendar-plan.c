/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-calendar"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <sqlite3.h>
#include <string.h>

#include "evg-calendar-plan.h"
#include "evg-store-private.h"
#include "evg-txn.h"
#include "evg-validate.h"

/* Plans and their occurrences.  An occurrence is a meeting whose
 * plan_key is "<plan id>/<day the rule gave>" and whose id is made from
 * that key (evg_table_spec_make_name_id()), so two workstations applying
 * the same plan offline make the same meeting, which sync merges as one.
 * Applying a plan adds what is missing and never touches a meeting a
 * person moved, edited, held or deleted: a deleted occurrence stays a
 * tombstone under its id, so it is not made again. */

EvgMeetingPlanInfo *
evg_meeting_plan_info_new (void)
{
  return g_new0 (EvgMeetingPlanInfo, 1);
}

void
evg_meeting_plan_info_free (EvgMeetingPlanInfo *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->id);
  for (guint i = 0; i < EVG_MEETING_PLAN_N_FIELDS; i++)
    g_free (plan->values[i]);
  g_free (plan);
}

/**
 * evg_calendar_list_plans:
 *
 * Returns: (transfer full) (element-type EvgMeetingPlanInfo): the live plans
 */
GPtrArray *
evg_calendar_list_plans (EvgCalendar  *self,
                         GError      **error)
{
  g_autoptr(GPtrArray) plans = g_ptr_array_new_with_free_func ((GDestroyNotify) evg_meeting_plan_info_free);
  g_autoptr(GString) sql = g_string_new ("SELECT id");
  EvgStore *store = evg_calendar_get_store (self);
  sqlite3_stmt *stmt;
  int rc;

  for (guint i = 0; i < EVG_MEETING_PLAN_N_FIELDS; i++)
    g_string_append_printf (sql, ", %s", evg_meeting_plan_table.columns[i].name);
  g_string_append_printf (sql, " FROM %s WHERE deleted = 0 ORDER BY type, id", evg_meeting_plan_table.name);
  stmt = evg_store_prepare (store, sql->str, error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      EvgMeetingPlanInfo *plan = evg_meeting_plan_info_new ();

      plan->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      for (guint i = 0; i < EVG_MEETING_PLAN_N_FIELDS; i++)
        plan->values[i] = g_strdup ((const char *) sqlite3_column_text (stmt, (int) i + 1));
      g_ptr_array_add (plans, plan);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      evg_store_set_error (store, rc, error);
      return NULL;
    }
  return g_steal_pointer (&plans);
}

/**
 * evg_calendar_save_plan:
 * @plan: a new plan (no id) or a changed one
 *
 * Returns: (transfer full): the plan's id, or %NULL with an error
 */
char *
evg_calendar_save_plan (EvgCalendar         *self,
                        EvgMeetingPlanInfo  *plan,
                        GError             **error)
{
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_meeting_plan_table);
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *id = NULL;
  const char *type = plan->values[EVG_MEETING_PLAN_TYPE];

  if (evg_meeting_kind_from_code (type) < 0)
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID, _("Choose the type of meeting."));
      return NULL;
    }
  if (evg_meeting_kind_from_code (type) == EVG_MEETING_KIND_GROUP &&
      plan->values[EVG_MEETING_PLAN_PARTY_GROUP_ID] == NULL)
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID,
                   _("Choose the party group that meets."));
      return NULL;
    }
  for (guint i = 0; i < EVG_MEETING_PLAN_N_FIELDS; i++)
    {
      const char *problem;

      if (plan->values[i] == NULL || evg_meeting_plan_table.columns[i].type != EVG_COLUMN_TEXT)
        continue;
      problem = evg_table_spec_check_text (&evg_meeting_plan_table, i, plan->values[i]);
      if (problem != NULL)
        {
          g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID,
                       _("%s is not a valid value."), _(evg_meeting_plan_table.columns[i].label));
          return NULL;
        }
    }
  if (plan->values[EVG_MEETING_PLAN_RULE] == NULL || plan->values[EVG_MEETING_PLAN_STARTS_ON] == NULL)
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID,
                   _("A plan needs how often it repeats and the day it starts."));
      return NULL;
    }

  for (guint i = 0; i < EVG_MEETING_PLAN_N_FIELDS; i++)
    evg_field_set_set_index (fields, i, plan->values[i]);
  if (plan->values[EVG_MEETING_PLAN_ACTIVE] == NULL)
    evg_field_set_set_index (fields, EVG_MEETING_PLAN_ACTIVE, "1");
  txn = evg_store_begin (evg_calendar_get_store (self), error);
  if (txn == NULL)
    return NULL;
  if (plan->id != NULL)
    {
      if (!evg_txn_update (txn, plan->id, fields, error))
        return NULL;
      id = g_strdup (plan->id);
    }
  else if ((id = evg_txn_insert (txn, fields, NULL, error)) == NULL)
    return NULL;
  if (!evg_txn_commit (txn, error))
    return NULL;
  if (plan->id == NULL)
    plan->id = g_strdup (id);
  return g_steal_pointer (&id);
}

gboolean
evg_calendar_delete_plan (EvgCalendar  *self,
                          const char   *id,
                          GError      **error)
{
  g_autoptr(EvgTxn) txn = evg_store_begin (evg_calendar_get_store (self), error);

  return txn != NULL && evg_txn_delete (txn, evg_meeting_plan_table.name, id, error) &&
         evg_txn_commit (txn, error);
}

static EvgMeetingPlanInfo *
find_plan (GPtrArray  *plans,
           const char *id,
           gsize       id_len)
{
  for (guint i = 0; i < plans->len; i++)
    {
      EvgMeetingPlanInfo *plan = g_ptr_array_index (plans, i);

      if (strlen (plan->id) == id_len && strncmp (plan->id, id, id_len) == 0)
        return plan;
    }
  return NULL;
}

static gboolean
row_exists (EvgStore    *store,
            const char  *id,
            gboolean    *exists,
            GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT 1 FROM %s WHERE id = ?", evg_meeting_table.name);
  sqlite3_stmt *stmt = evg_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      evg_store_set_error (store, rc, error);
      return FALSE;
    }
  *exists = rc == SQLITE_ROW;
  return TRUE;
}

/* Makes the occurrences of @plan from @today to @last that are missing. */
static gboolean
add_occurrences (EvgCalendar         *self,
                 EvgTxn              *txn,
                 EvgMeetingPlanInfo  *plan,
                 GPtrArray           *days,
                 guint               *n_added,
                 GError             **error)
{
  EvgStore *store = evg_calendar_get_store (self);

  for (guint d = 0; d < days->len; d++)
    {
      const char *day = g_ptr_array_index (days, d);
      g_autofree char *key = g_strdup_printf ("%s/%s", plan->id, day);
      const char *parts[] = { key, NULL };
      g_autofree char *id = evg_table_spec_make_name_id (&evg_meeting_table, parts);
      g_autofree char *starts = NULL;
      g_autofree char *made = NULL;
      g_autoptr(EvgFieldSet) fields = NULL;
      gboolean exists;

      if (!row_exists (store, id, &exists, error))
        return FALSE;
      if (exists)
        continue;
      starts = g_strdup_printf ("%s %s", day, plan->values[EVG_MEETING_PLAN_TIME] != NULL
                                             ? plan->values[EVG_MEETING_PLAN_TIME] : "09:00");
      fields = evg_field_set_new (&evg_meeting_table);
      evg_field_set_set_index (fields, EVG_MEETING_TYPE, plan->values[EVG_MEETING_PLAN_TYPE]);
      evg_field_set_set_index (fields, EVG_MEETING_TITLE, plan->values[EVG_MEETING_PLAN_TITLE]);
      evg_field_set_set_index (fields, EVG_MEETING_STARTS_AT, starts);
      evg_field_set_set_index (fields, EVG_MEETING_PLACE, plan->values[EVG_MEETING_PLAN_PLACE]);
      evg_field_set_set_index (fields, EVG_MEETING_PARTY_GROUP_ID, plan->values[EVG_MEETING_PLAN_PARTY_GROUP_ID]);
      evg_field_set_set_index (fields, EVG_MEETING_PLAN_KEY, key);
      made = evg_txn_insert (txn, fields, id, error);
      if (made == NULL)
        return FALSE;
      (*n_added)++;
    }
  return TRUE;
}

static gboolean
strv_contains (GPtrArray  *days,
               const char *day)
{
  for (guint i = 0; i < days->len; i++)
    if (g_str_equal (g_ptr_array_index (days, i), day))
      return TRUE;
  return FALSE;
}

/**
 * evg_calendar_apply_plans:
 * @today: YYYY-MM-DD
 * @months_ahead: how far ahead occurrences are made
 *
 * Makes every active plan's occurrences from @today to @months_ahead
 * months on that are missing, and removes the occurrences a changed,
 * paused or deleted plan no longer gives, as long as nobody touched them
 * (still planned, on the day the rule gave, in the future).
 */
gboolean
evg_calendar_apply_plans (EvgCalendar  *self,
                          const char   *today,
                          int           months_ahead,
                          guint        *n_added,
                          guint        *n_removed,
                          GError      **error)
{
  g_autoptr(GPtrArray) plans = NULL;
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *last = NULL;
  GListModel *meetings = evg_calendar_get_meetings (self);
  guint added = 0, removed = 0;
  GDate horizon;

  g_return_val_if_fail (EVG_IS_CALENDAR (self), FALSE);

  if (!evg_parse_date (today, &horizon))
    {
      g_set_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID, _("“%s” is not a date."), today);
      return FALSE;
    }
  g_date_add_months (&horizon, (guint) MAX (months_ahead, 0));
  last = evg_format_date (&horizon);
  plans = evg_calendar_list_plans (self, error);
  if (plans == NULL)
    return FALSE;
  txn = evg_store_begin (evg_calendar_get_store (self), error);
  if (txn == NULL)
    return FALSE;

  for (guint i = 0; i < plans->len; i++)
    {
      EvgMeetingPlanInfo *plan = g_ptr_array_index (plans, i);
      GPtrArray *days;

      if (g_strcmp0 (plan->values[EVG_MEETING_PLAN_ACTIVE], "0") == 0)
        days = g_ptr_array_new_with_free_func (g_free);
      else
        {
          days = evg_meeting_plan_expand (plan->values[EVG_MEETING_PLAN_RULE],
                                          plan->values[EVG_MEETING_PLAN_STARTS_ON], today, last, error);
          if (days == NULL)
            return FALSE;
        }
      g_hash_table_insert (wanted, plan->id, days);
      if (!add_occurrences (self, txn, plan, days, &added, error))
        return FALSE;
    }

  /* Occurrences nobody touched that their plan no longer gives. */
  for (guint i = 0; i < g_list_model_get_n_items (meetings); i++)
    {
      g_autoptr(EvgMeeting) meeting = g_list_model_get_item (meetings, i);
      const char *key = evg_meeting_get (meeting, EVG_MEETING_PLAN_KEY);
      const char *starts = evg_meeting_get (meeting, EVG_MEETING_STARTS_AT);
      const char *slash = key != NULL ? strrchr (key, '/') : NULL;
      EvgMeetingPlanInfo *plan;
      GPtrArray *days;

      if (slash == NULL || g_strcmp0 (evg_meeting_get (meeting, EVG_MEETING_STATUS), "planned") != 0 ||
          starts == NULL || strncmp (starts, slash + 1, 10) != 0 || strcmp (slash + 1, today) < 0)
        continue;
      plan = find_plan (plans, key, (gsize) (slash - key));
      days = plan != NULL ? g_hash_table_lookup (wanted, plan->id) : NULL;
      if (days != NULL && strv_contains (days, slash + 1))
        continue;
      if (plan != NULL && strcmp (slash + 1, last) > 0)
        continue;   /* beyond what was applied: not judged */
      if (!evg_txn_delete (txn, evg_meeting_table.name, evg_meeting_get_id (meeting), error))
        return FALSE;
      removed++;
    }

  if (!evg_txn_commit (txn, error))
    return FALSE;
  if (n_added != NULL)
    *n_added = added;
  if (n_removed != NULL)
    *n_removed = removed;
  return TRUE;
}
