/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-attendance.h"
#include "evg-calendar.h"
#include "evg-meeting-report.h"
#include "evg-member.h"
#include "evg-party-group.h"
#include "evg-store.h"
#include "evg-test-util.h"
#include "evg-txn.h"

/* Meetings (三会一课): the record rules, who is due, the quorum rules of
 * DOMAIN.md, signing and locking, compliance, the keyed attendance
 * record that two devices make as one, and the printed record as laid out
 * on any paper (what its pages say is read back from the PDF by
 * test-cli-meetings-print.sh). */

typedef struct
{
  char        *dir;
  EvgStore    *store;
  EvgCalendar *calendar;
  char        *group_one;
  char        *group_two;
} Fixture;

#define ROW EVG_TEST_ROW

static char *
add_member (Fixture    *f,
            const char *name,
            const char *category,
            const char *full_on,
            const char *joined_on,
            const char *group,
            const char *standing,
            const char *post)
{
  return ROW (f->store, &evg_member_table,
              "name", name, "category", category, "full_member_on", full_on,
              "joined_on", joined_on, "party_group_id", group,
              "standing", standing, "party_post", post);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = evg_test_make_dir ();
  f->store = evg_test_open_store (f->dir, "m.db");
  f->calendar = evg_calendar_new (f->store, &error);
  g_assert_no_error (error);
  f->group_one = ROW (f->store, &evg_party_group_table, "name", "第一党小组", "sort_order", "1");
  f->group_two = ROW (f->store, &evg_party_group_table, "name", "第二党小组", "sort_order", "2");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->calendar);
  g_assert_finalize_object (g_steal_pointer (&f->store));
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->group_one);
  g_free (f->group_two);
}

static EvgMeeting *
new_meeting (const char *type,
             const char *starts_at,
             const char *status)
{
  EvgMeeting *meeting = evg_meeting_new (NULL);

  evg_meeting_set (meeting, EVG_MEETING_TYPE, type);
  evg_meeting_set (meeting, EVG_MEETING_STARTS_AT, starts_at);
  evg_meeting_set (meeting, EVG_MEETING_STATUS, status);
  return meeting;
}

/* Saves a meeting as of 2026-06-30 18:00 and returns the stored one. */
static EvgMeeting *
save_meeting (Fixture    *f,
              EvgMeeting *meeting)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = evg_calendar_save (f->calendar, meeting, "2026-06-30 18:00", &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  return evg_calendar_lookup (f->calendar, id);
}

static EvgMeeting *
held (Fixture    *f,
      const char *type,
      const char *starts_at)
{
  g_autoptr(EvgMeeting) meeting = new_meeting (type, starts_at, "held");

  return save_meeting (f, meeting);
}

static void
mark (Fixture     *f,
      EvgMeeting  *meeting,
      GListModel  *sheet,
      const char  *member_id,
      const char  *status)
{
  g_autoptr(GError) error = NULL;
  EvgAttendee *attendee = evg_calendar_find_attendee (sheet, member_id);

  g_assert_nonnull (attendee);
  evg_attendee_set (attendee, EVG_ATTENDANCE_STATUS, status);
  g_assert_true (evg_calendar_save_attendance (f->calendar, meeting, attendee, &error));
  g_assert_no_error (error);
}

static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(EvgMeeting) backwards = new_meeting ("committee", "2026-03-05 14:30", "planned");
  g_autoptr(EvgMeeting) future = new_meeting ("committee", "2026-07-05 14:30", "held");
  g_autoptr(EvgMeeting) groupless = new_meeting ("group_meeting", "2026-03-05 14:30", "planned");
  g_autoptr(EvgMeeting) no_type = new_meeting (NULL, "2026-03-05 14:30", "planned");
  g_autoptr(EvgMeeting) bad_time = new_meeting ("lecture", "2026-03-05 25:30", "planned");
  g_autoptr(GError) error = NULL;
  char *id;

  evg_meeting_set (backwards, EVG_MEETING_ENDS_AT, "2026-03-05 14:00");
  for (guint i = 0; i < 5; i++)
    {
      EvgMeeting *bad = (EvgMeeting *[]) { backwards, future, groupless, no_type, bad_time }[i];

      id = evg_calendar_save (f->calendar, bad, "2026-06-30 18:00", &error);
      g_assert_null (id);
      g_assert_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID);
      g_clear_error (&error);
    }
  /* Nothing was written. */
  g_assert_cmpint (evg_store_count_rows (f->store, evg_meeting_table.name, NULL), ==, 0);
  g_assert_cmpint (evg_store_count_pending (f->store), ==, 2);   /* the two groups */
}

static void
test_sheet_and_quorum (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *full1 = add_member (f, "甲", "full", "2000-07-01", "1999-07-01", f->group_one, "normal", "书记");
  g_autofree char *full2 = add_member (f, "乙", "full", "2000-07-01", "1999-07-01", f->group_one, NULL, NULL);
  g_autofree char *full3 = add_member (f, "丙", "full", "2000-07-01", "1999-07-01", f->group_two, NULL, NULL);
  g_autofree char *full4 = add_member (f, "丁", "full", "2000-07-01", "1999-07-01", f->group_two, NULL, "委员");
  g_autofree char *probationary = add_member (f, "戊", "probationary", NULL, "2025-09-01", f->group_one, NULL, NULL);
  g_autofree char *on_probation = add_member (f, "己", "full", "2000-07-01", "1999-07-01", f->group_two, "on_probation", NULL);
  g_autofree char *suspended = add_member (f, "庚", "full", "2000-07-01", "1999-07-01", f->group_two, "suspended", NULL);
  g_autofree char *later = add_member (f, "辛", "probationary", NULL, "2026-05-01", f->group_one, NULL, NULL);
  /* Full since after the meeting: probationary on its day. */
  g_autofree char *turned_full = add_member (f, "壬", "full", "2026-04-01", "2025-04-01", f->group_one, NULL, NULL);
  g_autoptr(GListModel) sheet = NULL;
  g_autoptr(GListModel) group_sheet = NULL;
  g_autoptr(GListModel) committee_sheet = NULL;
  g_autoptr(GError) error = NULL;
  EvgMeeting *general = held (f, "general_meeting", "2026-03-05 14:30");
  g_autoptr(EvgMeeting) group_meeting = new_meeting ("group_meeting", "2026-03-06 14:30", "held");
  EvgMeeting *committee = held (f, "committee", "2026-03-07 09:00");
  EvgResolutionInfo resolution = { 0 };
  EvgQuorum quorum;
  char *rid;

  sheet = evg_calendar_build_sheet (f->calendar, general, &error);
  g_assert_no_error (error);
  /* Due: 甲 乙 丙 丁 戊 己 壬; 庚 is suspended, 辛 joined later. */
  g_assert_cmpuint (g_list_model_get_n_items (sheet), ==, 7);
  g_assert_null (evg_calendar_find_attendee (sheet, suspended));
  g_assert_null (evg_calendar_find_attendee (sheet, later));
  g_assert_false (evg_attendee_get_voting (evg_calendar_find_attendee (sheet, probationary)));
  g_assert_false (evg_attendee_get_voting (evg_calendar_find_attendee (sheet, on_probation)));
  g_assert_false (evg_attendee_get_voting (evg_calendar_find_attendee (sheet, turned_full)));
  g_assert_true (evg_attendee_get_voting (evg_calendar_find_attendee (sheet, full1)));

  /* Four voting members are due; two present is exactly half: not enough. */
  mark (f, general, sheet, full1, "present");
  mark (f, general, sheet, full2, "late");
  mark (f, general, sheet, probationary, "present");
  mark (f, general, sheet, full3, "leave");
  evg_calendar_count_quorum (f->calendar, sheet, &quorum);
  g_assert_cmpuint (quorum.due, ==, 7);
  g_assert_cmpuint (quorum.present, ==, 3);
  g_assert_cmpuint (quorum.late, ==, 1);
  g_assert_cmpuint (quorum.on_leave, ==, 1);
  g_assert_cmpuint (quorum.due_voting, ==, 4);
  g_assert_cmpuint (quorum.present_voting, ==, 2);
  g_assert_false (quorum.may_vote);
  g_assert_false (quorum.election_valid);
  /* Where the branch counts exactly half, it may. */
  evg_calendar_set_half_is_enough (f->calendar, TRUE);
  evg_calendar_count_quorum (f->calendar, sheet, &quorum);
  g_assert_true (quorum.may_vote);
  evg_calendar_set_half_is_enough (f->calendar, FALSE);

  /* A member left out with a recorded reason is not due. */
  {
    EvgAttendee *away = evg_calendar_find_attendee (sheet, full4);

    evg_attendee_set (away, EVG_ATTENDANCE_EXCLUDED_REASON, "abroad");
    g_assert_true (evg_calendar_save_attendance (f->calendar, general, away, &error));
    g_assert_no_error (error);
  }
  evg_calendar_count_quorum (f->calendar, sheet, &quorum);
  g_assert_cmpuint (quorum.due_voting, ==, 3);
  g_assert_true (quorum.may_vote);
  g_assert_false (quorum.election_valid);   /* 2 of 3 is below 4/5 */

  /* Votes over the voting members present are refused; a resolution
   * passes with more than half of the voting members due. */
  resolution.text = g_strdup ("同意");
  resolution.votes_for = 3;
  resolution.votes_against = resolution.votes_abstain = -1;
  rid = evg_calendar_save_resolution (f->calendar, general, &resolution, &quorum, &error);
  g_assert_null (rid);
  g_assert_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID);
  g_clear_error (&error);
  resolution.votes_for = 2;
  rid = evg_calendar_save_resolution (f->calendar, general, &resolution, &quorum, &error);
  g_assert_no_error (error);
  g_assert_true (evg_quorum_resolution_passes (&quorum, 2));
  g_assert_false (evg_quorum_resolution_passes (&quorum, 1));
  g_free (rid);
  g_free (resolution.id);
  g_free (resolution.text);

  /* A group meeting's sheet is its group; the committee's, the members
   * with a party post. */
  evg_meeting_set (group_meeting, EVG_MEETING_PARTY_GROUP_ID, f->group_two);
  group_sheet = evg_calendar_build_sheet (f->calendar, save_meeting (f, group_meeting), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (group_sheet), ==, 3);   /* 丙 丁 己 */
  committee_sheet = evg_calendar_build_sheet (f->calendar, committee, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (committee_sheet), ==, 2);   /* 甲 丁 */
}

static void
test_attendance_rules (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *member = add_member (f, "甲", "full", "2000-07-01", "1999-07-01", f->group_one, NULL, NULL);
  g_autofree char *newcomer = add_member (f, "乙", "probationary", NULL, "2026-05-01", f->group_one, NULL, NULL);
  g_autoptr(EvgMeeting) planned = new_meeting ("lecture", "2099-03-05 14:30", "planned");
  g_autoptr(GListModel) sheet = NULL;
  g_autoptr(GListModel) future_sheet = NULL;
  g_autoptr(EvgAttendee) stranger = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_attendance_table);
  g_autoptr(EvgTxn) txn = NULL;
  EvgMeeting *meeting = held (f, "lecture", "2026-03-05 14:30");
  EvgMeeting *future;
  EvgAttendee *attendee;
  const char *key[] = { evg_meeting_get_id (meeting), member, NULL };
  g_autofree char *key_id = evg_table_spec_make_key_id (&evg_attendance_table, key);
  char *id;

  sheet = evg_calendar_build_sheet (f->calendar, meeting, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (sheet), ==, 1);

  /* Someone not due is refused, and nothing is written. */
  stranger = evg_attendee_new (newcomer, "乙", NULL, FALSE);
  evg_attendee_set_due (stranger, FALSE);
  evg_attendee_set (stranger, EVG_ATTENDANCE_STATUS, "present");
  g_assert_false (evg_calendar_save_attendance (f->calendar, meeting, stranger, &error));
  g_assert_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_NOT_DUE);
  g_clear_error (&error);
  g_assert_cmpint (evg_store_count_rows (f->store, evg_attendance_table.name, NULL), ==, 0);

  /* Make-up study only for the absent. */
  attendee = evg_calendar_find_attendee (sheet, member);
  evg_attendee_set (attendee, EVG_ATTENDANCE_STATUS, "present");
  evg_attendee_set (attendee, EVG_ATTENDANCE_MAKEUP_DONE_ON, "2026-03-10");
  g_assert_false (evg_calendar_save_attendance (f->calendar, meeting, attendee, &error));
  g_assert_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID);
  g_clear_error (&error);
  evg_attendee_set (attendee, EVG_ATTENDANCE_MAKEUP_DONE_ON, NULL);
  evg_attendee_set (attendee, EVG_ATTENDANCE_STATUS, NULL);

  /* The record's id is made from its key; a second insert of the same
   * key is refused by EvgTxn. */
  g_assert_cmpuint (evg_calendar_mark_all_present (f->calendar, meeting, sheet, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpuint (evg_calendar_mark_all_present (f->calendar, meeting, sheet, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_cmpint (evg_store_count_rows (f->store, evg_attendance_table.name, NULL), ==, 1);
  txn = evg_store_begin (f->store, &error);
  g_assert_no_error (error);
  evg_field_set_set (fields, "meeting_id", evg_meeting_get_id (meeting));
  evg_field_set_set (fields, "member_id", member);
  evg_field_set_set (fields, "status", "absent");
  id = evg_txn_insert (txn, fields, NULL, &error);
  g_assert_null (id);
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_CONSTRAINT);
  g_clear_error (&error);
  id = evg_txn_insert (txn, fields, "01234567-0000-7000-8000-000000000000", &error);
  g_assert_null (id);
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&txn, evg_txn_free);
  {
    g_autoptr(GListModel) again = evg_calendar_build_sheet (f->calendar, meeting, &error);
    EvgAttendee *stored = evg_calendar_find_attendee (again, member);

    g_assert_true (evg_attendee_get_recorded (stored));
    g_assert_cmpstr (evg_attendee_get (stored, EVG_ATTENDANCE_STATUS), ==, "present");
  }
  g_assert_cmpint (strlen (key_id), ==, 36);

  /* Before a meeting, only leave. */
  future = save_meeting (f, planned);
  future_sheet = evg_calendar_build_sheet (f->calendar, future, &error);
  attendee = evg_calendar_find_attendee (future_sheet, member);
  evg_attendee_set (attendee, EVG_ATTENDANCE_STATUS, "present");
  g_assert_false (evg_calendar_save_attendance (f->calendar, future, attendee, &error));
  g_assert_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID);
  g_clear_error (&error);
  evg_attendee_set (attendee, EVG_ATTENDANCE_STATUS, "leave");
  evg_attendee_set (attendee, EVG_ATTENDANCE_REASON, "出差");
  g_assert_true (evg_calendar_save_attendance (f->calendar, future, attendee, &error));
  g_assert_no_error (error);
}

static void
test_sign_and_lock (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *member = add_member (f, "甲", "full", "2000-07-01", "1999-07-01", f->group_one, NULL, NULL);
  g_autoptr(GListModel) sheet = NULL;
  g_autoptr(GPtrArray) addenda = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgMeeting) edit = NULL;
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (&evg_attendance_table);
  g_autoptr(EvgTxn) txn = NULL;
  g_autofree char *addendum = NULL;
  g_autoptr(EvgMeeting) planned = new_meeting ("committee", "2026-05-05 09:00", "planned");
  EvgMeeting *meeting = held (f, "general_meeting", "2026-03-05 14:30");
  const char *id = evg_meeting_get_id (meeting);
  EvgMeeting *plan;
  gint64 pending;

  sheet = evg_calendar_build_sheet (f->calendar, meeting, &error);
  g_assert_no_error (error);

  /* Corrections only once signed. */
  g_assert_null (evg_calendar_add_addendum (f->calendar, meeting, "甲", "x", "2026-03-06", &error));
  g_assert_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (evg_calendar_sign (f->calendar, id, "甲", NULL, "2026-03-05 17:00", &error));
  g_assert_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (evg_calendar_sign (f->calendar, id, "甲", "乙", "2026-03-05 17:00", &error));
  g_assert_no_error (error);
  meeting = evg_calendar_lookup (f->calendar, id);
  g_assert_cmpstr (evg_meeting_get (meeting, EVG_MEETING_STATUS), ==, "signed");
  g_assert_cmpstr (evg_meeting_get (meeting, EVG_MEETING_SIGNED_AT), ==, "2026-03-05 17:00");
  g_assert_true (evg_meeting_is_locked (meeting));
  pending = evg_store_count_pending (f->store);

  /* The record, its attendance and resolutions take no change: the
   * service says so, and EvgTxn refuses a write that goes around it. */
  edit = evg_meeting_copy (meeting);
  evg_meeting_set (edit, EVG_MEETING_MINUTES, "改写");
  g_assert_null (evg_calendar_save (f->calendar, edit, "2026-06-30 18:00", &error));
  g_assert_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_LOCKED);
  g_clear_error (&error);
  g_assert_false (evg_calendar_delete (f->calendar, id, &error));
  g_assert_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_LOCKED);
  g_clear_error (&error);
  evg_attendee_set (evg_calendar_find_attendee (sheet, member), EVG_ATTENDANCE_STATUS, "absent");
  g_assert_false (evg_calendar_save_attendance (f->calendar, meeting,
                                                evg_calendar_find_attendee (sheet, member), &error));
  g_assert_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_LOCKED);
  g_clear_error (&error);
  txn = evg_store_begin (f->store, &error);
  g_assert_no_error (error);
  evg_field_set_set (fields, "meeting_id", id);
  evg_field_set_set (fields, "member_id", member);
  evg_field_set_set (fields, "status", "present");
  g_assert_null (evg_txn_insert (txn, fields, NULL, &error));
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_clear_pointer (&txn, evg_txn_free);
  g_assert_cmpint (evg_store_count_pending (f->store), ==, pending);

  /* 补学 is recorded after signing; nothing else of the attendance is. */
  {
    g_autoptr(GListModel) signed_sheet = evg_calendar_build_sheet (f->calendar, meeting, &error);
    EvgAttendee *absentee = evg_calendar_find_attendee (signed_sheet, member);

    g_assert_no_error (error);
    g_assert_false (evg_calendar_record_makeup (f->calendar, meeting, absentee, "2026-03-09", &error));
    g_assert_error (error, EVG_CALENDAR_ERROR, EVG_CALENDAR_ERROR_INVALID);   /* nothing recorded */
    g_clear_error (&error);
  }

  addendum = evg_calendar_add_addendum (f->calendar, meeting, "甲", "更正：第二项议题为“发展党员”。",
                                        "2026-03-06", &error);
  g_assert_no_error (error);
  addenda = evg_calendar_list_addenda (f->calendar, id, &error);
  g_assert_cmpuint (addenda->len, ==, 1);
  g_assert_cmpstr (((EvgAddendumInfo *) addenda->pdata[0])->text, ==, "更正：第二项议题为“发展党员”。");

  /* Archiving the year locks what was left open. */
  plan = save_meeting (f, planned);
  g_assert_cmpuint (evg_calendar_archive_year (f->calendar, 2026, &error), ==, 1);
  g_assert_no_error (error);
  plan = evg_calendar_lookup (f->calendar, evg_meeting_get_id (plan));
  g_assert_cmpstr (evg_meeting_get (plan, EVG_MEETING_STATUS), ==, "archived");
  g_assert_true (evg_meeting_is_locked (plan));
}

static EvgCompliance *
find_row (GPtrArray  *rows,
          const char *type,
          const char *period,
          const char *group)
{
  for (guint i = 0; i < rows->len; i++)
    {
      EvgCompliance *row = g_ptr_array_index (rows, i);

      if (g_str_equal (evg_meeting_kind_to_code (row->kind), type) && g_str_equal (row->period, period) &&
          g_strcmp0 (row->party_group_id, group) == 0)
        return row;
    }
  g_assert_not_reached ();
}

static void
test_compliance (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgMeeting) group_meeting = new_meeting ("group_meeting", "2026-02-10 19:00", "held");
  g_autoptr(EvgMeeting) cancelled = new_meeting ("theme_day", "2026-03-01 09:00", "cancelled");
  EvgCompliance *row;

  held (f, "general_meeting", "2026-02-01 09:00");
  held (f, "committee", "2026-01-31 23:59");
  held (f, "lecture", "2026-06-30 10:00");
  evg_meeting_set (group_meeting, EVG_MEETING_PARTY_GROUP_ID, f->group_two);
  save_meeting (f, group_meeting);
  save_meeting (f, cancelled);

  rows = evg_calendar_compliance (f->calendar, 2026, "2026-06-25", &error);
  g_assert_no_error (error);
  /* 12 committee + 12 theme days + 24 group months + 4 + 4 lectures + 1. */
  g_assert_cmpuint (rows->len, ==, 12 + 12 + 24 + 4 + 4 + 1);
  g_assert_cmpint (find_row (rows, "general_meeting", "2026-Q1", NULL)->status, ==, EVG_COMPLIANCE_MET);
  g_assert_cmpint (find_row (rows, "committee", "2026-01", NULL)->status, ==, EVG_COMPLIANCE_MET);
  g_assert_cmpint (find_row (rows, "committee", "2026-02", NULL)->status, ==, EVG_COMPLIANCE_MISSED);
  g_assert_cmpint (find_row (rows, "theme_day", "2026-03", NULL)->status, ==, EVG_COMPLIANCE_MISSED);
  g_assert_cmpint (find_row (rows, "group_meeting", "2026-02", f->group_two)->status, ==, EVG_COMPLIANCE_MET);
  g_assert_cmpint (find_row (rows, "group_meeting", "2026-02", f->group_one)->status, ==, EVG_COMPLIANCE_MISSED);
  g_assert_cmpint (find_row (rows, "lecture", "2026-Q2", NULL)->status, ==, EVG_COMPLIANCE_MET);
  row = find_row (rows, "general_meeting", "2026-Q2", NULL);
  g_assert_cmpint (row->status, ==, EVG_COMPLIANCE_OPEN);
  g_assert_cmpint (row->days_left, ==, 5);
  g_assert_cmpstr (find_row (rows, "life_meeting", "2026", NULL)->last_day, ==, "2026-12-31");
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* A half-yearly lecture: the one of June meets the first half. */
  evg_calendar_set_lecture_period (f->calendar, EVG_PERIOD_HALF_YEAR);
  rows = evg_calendar_compliance (f->calendar, 2026, "2026-06-25", &error);
  g_assert_cmpint (find_row (rows, "lecture", "2026-H1", NULL)->status, ==, EVG_COMPLIANCE_MET);
  g_assert_cmpint (find_row (rows, "lecture", "2026-H2", NULL)->status, ==, EVG_COMPLIANCE_OPEN);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Groups of the same order follow the numbers in their names, not the
   * characters' codes: 第二 before 第三 (三 is U+4E09, 二 U+4E8C). */
  {
    g_autofree char *third = ROW (f->store, &evg_party_group_table, "name", "第三党小组", "sort_order", "5");
    g_autofree char *second = ROW (f->store, &evg_party_group_table, "name", "第二党小组", "sort_order", "5");
    int at_second = -1, at_third = -1;

    rows = evg_calendar_compliance (f->calendar, 2026, "2026-06-25", &error);
    for (guint i = 0; i < rows->len; i++)
      {
        EvgCompliance *r = g_ptr_array_index (rows, i);

        if (at_second < 0 && g_strcmp0 (r->party_group_id, second) == 0)
          at_second = (int) i;
        if (at_third < 0 && g_strcmp0 (r->party_group_id, third) == 0)
          at_third = (int) i;
      }
    g_assert_cmpint (at_second, >=, 0);
    g_assert_cmpint (at_second, <, at_third);
  }
}

static void
test_member_summary (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *member = add_member (f, "甲", "full", "2000-07-01", "1999-07-01", f->group_one, NULL, NULL);
  g_autoptr(GHashTable) rates = NULL;
  g_autoptr(GError) error = NULL;
  EvgAttendanceSummary summary;
  const char *days[] = { "2025-05-01 09:00", "2025-08-01 09:00", "2025-11-01 09:00", "2026-02-01 09:00" };
  const char *marks[] = { "present", "absent", "leave", "late" };

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      EvgMeeting *meeting = held (f, "theme_day", days[i]);
      g_autoptr(GListModel) sheet = evg_calendar_build_sheet (f->calendar, meeting, &error);

      mark (f, meeting, sheet, member, marks[i]);
    }
  g_assert_true (evg_calendar_summarize_member (f->calendar, member, "2026-06-01", &summary, &error));
  g_assert_no_error (error);
  /* The meeting of 2025-05-01 is over a year before. */
  g_assert_cmpuint (summary.recorded, ==, 3);
  g_assert_cmpuint (summary.present, ==, 1);
  g_assert_cmpuint (summary.absent, ==, 1);
  g_assert_cmpuint (summary.on_leave, ==, 1);
  g_assert_cmpuint (summary.open_makeup, ==, 2);
  rates = evg_calendar_attendance_rates (f->calendar, "2026-06-01", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (*(double *) g_hash_table_lookup (rates, member), 1.0 / 3.0, 1e-9);
}

/* The protocol refuses an insert of a keyed record whose id is not made
 * from its key: on the server that is a rejected change. */
static void
test_key_in_protocol (void)
{
  const char *key[] = { "m-1", "p-1", NULL };
  const char *other[] = { "m-1p", "-1", NULL };
  g_autofree char *id = evg_table_spec_make_key_id (&evg_attendance_table, key);
  g_autofree char *id_other = evg_table_spec_make_key_id (&evg_attendance_table, other);
  const char *missing[] = { "m-1", NULL, NULL };

  g_assert_nonnull (id);
  g_assert_cmpstr (id, !=, id_other);
  g_assert_null (evg_table_spec_make_key_id (&evg_attendance_table, missing));
  g_assert_cmpint (id[14], ==, '8');
}

static EvgMeetingReport *
report_of (Fixture    *f,
           EvgMeeting *meeting)
{
  g_autoptr(GError) error = NULL;
  EvgMeetingReport *report = evg_meeting_report_new (f->calendar, meeting, &error);

  g_assert_no_error (error);
  return report;
}

/* The type's name, after the branch and the party group that met. */
static void
test_title (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(EvgMeeting) group_meeting = evg_meeting_new (NULL);
  g_autoptr(EvgMeeting) lecture = evg_meeting_new (NULL);
  g_autoptr(EvgMeetingReport) report = NULL;

  evg_meeting_set (lecture, EVG_MEETING_TYPE, "lecture");
  evg_meeting_set (lecture, EVG_MEETING_STARTS_AT, "2026-05-01 09:00");
  report = report_of (f, save_meeting (f, lecture));
  g_assert_cmpstr (evg_meeting_report_get_title (report), ==, "党课记录");
  g_clear_object (&report);

  g_assert_true (evg_store_set_meta (f->store, "branch_name", "幸福社区第一党支部", NULL));
  evg_meeting_set (group_meeting, EVG_MEETING_TYPE, "group_meeting");
  evg_meeting_set (group_meeting, EVG_MEETING_STARTS_AT, "2026-05-02 19:00");
  evg_meeting_set (group_meeting, EVG_MEETING_PARTY_GROUP_ID, f->group_one);
  report = report_of (f, save_meeting (f, group_meeting));
  g_assert_cmpstr (evg_meeting_report_get_title (report), ==, "幸福社区第一党支部第一党小组 党小组会会议记录");
}

/* Draws each page where cairo keeps what it covers, and asserts that it
 * is all on the page. */
static void
assert_pages_fit (EvgMeetingReport *report,
                  double            width,
                  double            height)
{
  guint n_pages = evg_meeting_report_get_n_pages (report);

  for (guint page = 0; page < n_pages; page++)
    {
      cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
      cairo_t *cr = cairo_create (surface);
      double x, y, w, h;

      evg_meeting_report_draw_page (report, cr, page);
      cairo_destroy (cr);
      cairo_recording_surface_ink_extents (surface, &x, &y, &w, &h);
      cairo_surface_destroy (surface);
      g_assert_cmpfloat (w, >, 0);
      g_assert_cmpfloat (x, >=, 0);
      g_assert_cmpfloat (y, >=, 0);
      g_assert_cmpfloat (x + w, <=, width);
      g_assert_cmpfloat (y + h, <=, height);
    }
}

/* A record with much of everything, on A4, on Letter turned sideways and
 * on A5: the names of those present alone fill more than a page. */
static void
test_fits (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(EvgMeeting) meeting = evg_meeting_new (NULL);
  g_autoptr(EvgMeetingReport) report = NULL;
  g_autoptr(GString) minutes = g_string_new (NULL);
  g_autoptr(GString) agenda = g_string_new (NULL);
  g_autoptr(GString) observers = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GListModel) sheet = NULL;
  EvgMeeting *stored;
  EvgQuorum quorum = { 0 };
  guint a4, letter, a5;

  /* Enough members that the list of those present runs over a page. */
  for (guint i = 0; i < 400; i++)
    {
      g_autofree char *name = g_strdup_printf ("党员%03u号", i);
      g_autofree char *id = add_member (f, name, "full", "2010-07-01", "2009-07-01", f->group_one,
                                        NULL, NULL);
    }
  for (guint i = 0; i < 60; i++)
    g_string_append (minutes, "与会党员结合工作实际逐一发言，开展批评与自我批评，查找问题并明确整改措施。\n");
  for (guint i = 0; i < 20; i++)
    g_string_append (agenda, "学习贯彻上级会议精神并结合社区实际研究部署下一阶段重点工作安排\n");
  for (guint i = 0; i < 30; i++)
    g_string_append (observers, "社区居委会委员、");
  evg_meeting_set (meeting, EVG_MEETING_TYPE, "general_meeting");
  evg_meeting_set (meeting, EVG_MEETING_TITLE, "一个很长的会议主题，长到一行写不下，看它在表格里是否换行而不越出单元格的边框");
  evg_meeting_set (meeting, EVG_MEETING_STARTS_AT, "2026-05-03 14:00");
  evg_meeting_set (meeting, EVG_MEETING_ENDS_AT, "2026-05-04 11:30");
  evg_meeting_set (meeting, EVG_MEETING_PLACE, "幸福社区党群服务中心三楼多功能会议室（东侧）");
  evg_meeting_set (meeting, EVG_MEETING_STATUS, "held");
  evg_meeting_set (meeting, EVG_MEETING_MINUTES, minutes->str);
  evg_meeting_set (meeting, EVG_MEETING_AGENDA, agenda->str);
  evg_meeting_set (meeting, EVG_MEETING_OBSERVERS, observers->str);
  stored = save_meeting (f, meeting);
  sheet = evg_calendar_build_sheet (f->calendar, stored, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (evg_calendar_mark_all_present (f->calendar, stored, sheet, &error), ==, 400);
  g_assert_no_error (error);
  for (int i = 1; i <= 12; i++)
    {
      g_autofree char *text = g_strdup ("同意支部委员会关于年度工作的报告及下一年度工作计划");
      EvgResolutionInfo resolution = { .position = i, .text = text,
                                       .votes_for = -1, .votes_against = -1, .votes_abstain = -1 };
      g_autofree char *id = evg_calendar_save_resolution (f->calendar, stored, &resolution, &quorum, &error);

      g_assert_no_error (error);
      g_free (resolution.id);
    }
  report = report_of (f, stored);

  a4 = evg_meeting_report_paginate (report, EVG_MEETING_REPORT_A4_WIDTH, EVG_MEETING_REPORT_A4_HEIGHT);
  g_assert_cmpuint (a4, ==, evg_meeting_report_get_n_pages (report));
  g_assert_cmpuint (a4, >=, 3);
  assert_pages_fit (report, EVG_MEETING_REPORT_A4_WIDTH, EVG_MEETING_REPORT_A4_HEIGHT);
  letter = evg_meeting_report_paginate (report, 792, 612);
  g_assert_cmpuint (letter, >, a4);
  assert_pages_fit (report, 792, 612);
  a5 = evg_meeting_report_paginate (report, 419.5, 595.3);
  g_assert_cmpuint (a5, >, a4);
  assert_pages_fit (report, 419.5, 595.3);
  g_assert_cmpuint (evg_meeting_report_paginate (report, EVG_MEETING_REPORT_A4_WIDTH,
                                                 EVG_MEETING_REPORT_A4_HEIGHT), ==, a4);
}

/* A meeting not saved yet prints as a form to fill in by hand. */
static void
test_unsaved (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(EvgMeeting) meeting = evg_meeting_new (NULL);
  g_autoptr(EvgMeetingReport) report = NULL;

  evg_meeting_set (meeting, EVG_MEETING_TYPE, "committee");
  report = report_of (f, meeting);
  g_assert_cmpuint (evg_meeting_report_paginate (report, EVG_MEETING_REPORT_A4_WIDTH,
                                                 EVG_MEETING_REPORT_A4_HEIGHT), ==, 1);
  assert_pages_fit (report, EVG_MEETING_REPORT_A4_WIDTH, EVG_MEETING_REPORT_A4_HEIGHT);
}

static void
test_write_error (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(EvgMeeting) meeting = evg_meeting_new (NULL);
  g_autoptr(EvgMeetingReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "missing", "record.pdf", NULL);

  evg_meeting_set (meeting, EVG_MEETING_TYPE, "committee");
  report = report_of (f, meeting);
  g_assert_false (evg_meeting_report_write_pdf (report, path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/evg/meetings/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("validation", test_validation);
  ADD ("sheet-and-quorum", test_sheet_and_quorum);
  ADD ("attendance-rules", test_attendance_rules);
  ADD ("sign-and-lock", test_sign_and_lock);
  ADD ("compliance", test_compliance);
  ADD ("member-summary", test_member_summary);
  ADD ("report/title", test_title);
  ADD ("report/fits", test_fits);
  ADD ("report/unsaved", test_unsaved);
  ADD ("report/write-error", test_write_error);
#undef ADD
  g_test_add_func ("/evg/meetings/key-ids", test_key_in_protocol);

  return g_test_run ();
}
