/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-calendar-plan.h"
#include "evg-store.h"
#include "evg-test-util.h"
#include "evg-txn.h"

/* Plans (计划): the rules they hold, the days libical gives for them, and
 * applying them: occurrences appear once, moving or deleting one changes
 * only that one, a changed rule removes only untouched occurrences, and
 * two workstations make the same meetings. */

static void
test_rules (void)
{
  g_autofree char *monthly = evg_meeting_plan_make_rule (EVG_CADENCE_MONTHLY, 15);
  g_autofree char *quarterly = evg_meeting_plan_make_rule (EVG_CADENCE_QUARTERLY, 1);
  const char *bad[] = {
    "FREQ=DAILY", "FREQ=MONTHLY;INTERVAL=03;BYMONTHDAY=5", "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=29",
    "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=5", "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=5;COUNT=9999",
    "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=+5", "", "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=0",
  };
  EvgCadence cadence;
  int day;

  g_assert_cmpstr (monthly, ==, "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15");
  g_assert_true (evg_meeting_plan_parse_rule (quarterly, &cadence, &day));
  g_assert_cmpint (cadence, ==, EVG_CADENCE_QUARTERLY);
  g_assert_cmpint (day, ==, 1);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (evg_meeting_plan_parse_rule (bad[i], NULL, NULL));
      /* The same check guards what sync brings. */
      g_assert_nonnull (evg_table_spec_check_text (&evg_meeting_plan_table, EVG_MEETING_PLAN_RULE, bad[i]));
    }
  g_assert_nonnull (evg_table_spec_check_text (&evg_meeting_plan_table, EVG_MEETING_PLAN_TIME, "24:00"));
  g_assert_null (evg_table_spec_check_text (&evg_meeting_plan_table, EVG_MEETING_PLAN_TIME, "19:30"));
}

static void
assert_days (GPtrArray          *days,
             const char * const *want)
{
  guint n = g_strv_length ((char **) want);

  g_assert_cmpuint (days->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (days, i), ==, want[i]);
}

static void
test_expand (void)
{
  g_autofree char *monthly = evg_meeting_plan_make_rule (EVG_CADENCE_MONTHLY, 15);
  g_autofree char *quarterly = evg_meeting_plan_make_rule (EVG_CADENCE_QUARTERLY, 10);
  g_autofree char *half = evg_meeting_plan_make_rule (EVG_CADENCE_HALF_YEARLY, 28);
  g_autoptr(GPtrArray) a = evg_meeting_plan_expand (monthly, "2026-01-01", "2026-03-01", "2026-05-31", NULL);
  g_autoptr(GPtrArray) b = evg_meeting_plan_expand (quarterly, "2026-01-01", "2026-01-01", "2026-12-31", NULL);
  g_autoptr(GPtrArray) c = evg_meeting_plan_expand (half, "2026-03-01", "2026-01-01", "2027-12-31", NULL);
  g_autoptr(GError) error = NULL;

  assert_days (a, (const char * const[]) { "2026-03-15", "2026-04-15", "2026-05-15", NULL });
  assert_days (b, (const char * const[]) { "2026-01-10", "2026-04-10", "2026-07-10", "2026-10-10", NULL });
  assert_days (c, (const char * const[]) { "2026-03-28", "2026-09-28", "2027-03-28", "2027-09-28", NULL });
  g_assert_null (evg_meeting_plan_expand ("FREQ=DAILY", "2026-01-01", "2026-01-01", "2026-02-01", &error));
  g_assert_nonnull (error);
}

static EvgMeeting *
occurrence (EvgCalendar *calendar,
            const char  *day)
{
  g_autoptr(GPtrArray) found = evg_calendar_list_between (calendar, day, day);

  return found->len == 1 ? g_object_ref (g_ptr_array_index (found, 0)) : NULL;
}

static gboolean
has_occurrence (EvgCalendar *calendar,
                const char  *day)
{
  g_autoptr(EvgMeeting) meeting = occurrence (calendar, day);

  return meeting != NULL;
}

static void
test_apply (void)
{
  g_autofree char *dir = evg_test_make_dir ();
  g_autoptr(EvgStore) store = evg_test_open_store (dir, "p.db");
  g_autoptr(EvgStore) other = evg_test_open_store (dir, "q.db");
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgCalendar) calendar = evg_calendar_new (store, &error);
  g_autoptr(EvgCalendar) other_calendar = evg_calendar_new (other, &error);
  g_autoptr(EvgMeetingPlanInfo) plan = evg_meeting_plan_info_new ();
  g_autoptr(EvgMeeting) april = NULL;
  g_autoptr(EvgMeeting) may = NULL;
  g_autoptr(EvgMeeting) moved = NULL;
  g_autoptr(EvgMeeting) march = NULL;
  g_autofree char *id = NULL;
  g_autofree char *saved = NULL;
  guint added, removed;

  plan->values[EVG_MEETING_PLAN_TYPE] = g_strdup ("theme_day");
  plan->values[EVG_MEETING_PLAN_RULE] = evg_meeting_plan_make_rule (EVG_CADENCE_MONTHLY, 15);
  plan->values[EVG_MEETING_PLAN_STARTS_ON] = g_strdup ("2026-01-01");
  plan->values[EVG_MEETING_PLAN_TIME] = g_strdup ("09:00");
  plan->values[EVG_MEETING_PLAN_PLACE] = g_strdup ("社区广场");
  id = evg_calendar_save_plan (calendar, plan, &error);
  g_assert_no_error (error);

  g_assert_true (evg_calendar_apply_plans (calendar, "2026-03-01", 3, &added, &removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (added, ==, 3);
  g_assert_cmpuint (removed, ==, 0);
  april = occurrence (calendar, "2026-04-15");
  g_assert_nonnull (april);
  g_assert_cmpstr (evg_meeting_get (april, EVG_MEETING_STARTS_AT), ==, "2026-04-15 09:00");
  g_assert_cmpstr (evg_meeting_get (april, EVG_MEETING_STATUS), ==, "planned");
  g_assert_cmpstr (evg_meeting_get (april, EVG_MEETING_PLACE), ==, "社区广场");
  g_assert_true (evg_calendar_apply_plans (calendar, "2026-03-01", 3, &added, &removed, &error));
  g_assert_cmpuint (added + removed, ==, 0);

  /* Another workstation with the same plan makes the same meetings. */
  {
    g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_meeting_plan_table);
    g_autoptr(EvgTxn) txn = evg_store_begin (other, &error);
    g_autofree char *copy = NULL;
    g_autoptr(EvgMeeting) theirs = NULL;

    for (guint i = 0; i < EVG_MEETING_PLAN_N_FIELDS; i++)
      if (plan->values[i] != NULL)
        evg_field_set_set_index (fields, i, plan->values[i]);
    copy = evg_txn_insert (txn, fields, id, &error);
    g_assert_no_error (error);
    g_assert_true (evg_txn_commit (txn, &error));
    g_assert_true (evg_calendar_apply_plans (other_calendar, "2026-03-01", 3, &added, NULL, &error));
    g_assert_cmpuint (added, ==, 3);
    theirs = occurrence (other_calendar, "2026-04-15");
    g_assert_cmpstr (evg_meeting_get_id (theirs), ==, evg_meeting_get_id (april));
  }

  /* Moving one occurrence does not move the series, nor is the old day
   * planned again; a deleted one is not made again. */
  moved = evg_meeting_copy (april);
  evg_meeting_set (moved, EVG_MEETING_STARTS_AT, "2026-04-18 09:00");
  saved = evg_calendar_save (calendar, moved, "2026-03-01 08:00", &error);
  g_assert_no_error (error);
  may = occurrence (calendar, "2026-05-15");
  g_assert_true (evg_calendar_delete (calendar, evg_meeting_get_id (may), &error));
  g_assert_true (evg_calendar_apply_plans (calendar, "2026-03-01", 3, &added, &removed, &error));
  g_assert_cmpuint (added + removed, ==, 0);
  g_assert_false (has_occurrence (calendar, "2026-04-15"));
  g_assert_false (has_occurrence (calendar, "2026-05-15"));

  /* A new day of the month: the untouched March occurrence goes, the
   * moved April one stays, and the new days come. */
  g_free (plan->values[EVG_MEETING_PLAN_RULE]);
  plan->values[EVG_MEETING_PLAN_RULE] = evg_meeting_plan_make_rule (EVG_CADENCE_MONTHLY, 20);
  g_free (evg_calendar_save_plan (calendar, plan, &error));
  g_assert_no_error (error);
  g_assert_true (evg_calendar_apply_plans (calendar, "2026-03-01", 3, &added, &removed, &error));
  g_assert_cmpuint (added, ==, 3);
  g_assert_cmpuint (removed, ==, 1);
  g_assert_false (has_occurrence (calendar, "2026-03-15"));
  march = occurrence (calendar, "2026-03-20");
  g_assert_nonnull (march);
  g_assert_true (has_occurrence (calendar, "2026-04-18"));

  /* Pausing it removes what is untouched. */
  g_free (plan->values[EVG_MEETING_PLAN_ACTIVE]);
  plan->values[EVG_MEETING_PLAN_ACTIVE] = g_strdup ("0");
  g_free (evg_calendar_save_plan (calendar, plan, &error));
  g_assert_true (evg_calendar_apply_plans (calendar, "2026-03-01", 3, &added, &removed, &error));
  g_assert_cmpuint (removed, ==, 3);
  g_assert_true (has_occurrence (calendar, "2026-04-18"));

  g_clear_object (&calendar);
  g_clear_object (&other_calendar);
  g_clear_object (&store);
  g_clear_object (&other);
  evg_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/evg/meeting-plans/rules", test_rules);
  g_test_add_func ("/evg/meeting-plans/expand", test_expand);
  g_test_add_func ("/evg/meeting-plans/apply", test_apply);
  return g_test_run ();
}
