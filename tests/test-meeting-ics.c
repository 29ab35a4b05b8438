/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-meeting.h"
#include "evg-meeting-ics.h"
#include "evg-test-ical.h"
#include "evg-test-util.h"

/* The iCalendar export of meetings, read back with libical: every field as
 * it was, whatever the text holds; lines of at most 75 octets that never
 * cut a character in two; UIDs that do not change from one export to the
 * next; and files written whole or not at all.
 * tests/test-meetings-ics.sh reads the CLI's export with python3-icalendar. */

/* Text a calendar program must keep to the letter. */
#define NASTY "议题一, 二; 三\\四 \"引号\" '单引号'\n第二行：换行, 逗号;分号\\\\双反斜杠"
#define LONG_CHINESE "学习贯彻党的二十大精神暨社区党组织书记述职评议会议，请全体党员准时参加并做好发言准备，" \
                     "会后开展志愿服务与走访慰问困难群众活动"

static EvgMeeting *
make_meeting (const char *id,
              const char *type,
              const char *starts,
              const char *ends,
              const char *title,
              const char *place)
{
  EvgMeeting *meeting = evg_meeting_new (id);

  evg_meeting_set (meeting, EVG_MEETING_TYPE, type);
  evg_meeting_set (meeting, EVG_MEETING_STARTS_AT, starts);
  evg_meeting_set (meeting, EVG_MEETING_ENDS_AT, ends);
  evg_meeting_set (meeting, EVG_MEETING_TITLE, title);
  evg_meeting_set (meeting, EVG_MEETING_PLACE, place);
  evg_meeting_set (meeting, EVG_MEETING_STATUS, "planned");
  return meeting;
}

static GPtrArray *
one_meeting (EvgMeeting *meeting)
{
  GPtrArray *meetings = g_ptr_array_new_with_free_func (g_object_unref);

  g_ptr_array_add (meetings, meeting);
  return meetings;
}

static char *
export (GPtrArray  *meetings,
        const char *name)
{
  g_autoptr(GDateTime) stamp = g_date_time_new_utc (2026, 3, 1, 8, 0, 0);
  g_autoptr(GError) error = NULL;
  char *text = evg_meeting_ics_export (meetings, name, stamp, &error);

  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

/* Every line ends in CR LF, holds at most 75 octets and is UTF-8 on its
 * own: a character cut in two by folding would leave both halves invalid. */
static void
assert_lines (const char *text)
{
  g_auto(GStrv) lines = NULL;
  guint n;

  g_assert_true (g_str_has_suffix (text, "\r\n"));
  lines = g_strsplit (text, "\r\n", -1);
  n = g_strv_length (lines);
  g_assert_cmpstr (lines[n - 1], ==, "");
  for (guint i = 0; i + 1 < n; i++)
    {
      g_assert_null (strchr (lines[i], '\n'));
      g_assert_null (strchr (lines[i], '\r'));
      g_assert_cmpuint (strlen (lines[i]), <=, 75);
      g_assert_true (g_utf8_validate (lines[i], -1, NULL));
    }
}

/* Every export keeps to assert_lines() and reads without an error. */
static ICalComponent *
parse (const char *text)
{
  ICalComponent *calendar;

  assert_lines (text);
  calendar = i_cal_component_new_from_string (text);
  g_assert_nonnull (calendar);
  g_assert_cmpint (i_cal_component_isa (calendar), ==, I_CAL_VCALENDAR_COMPONENT);
  g_assert_cmpint (i_cal_component_count_errors (calendar), ==, 0);
  return calendar;
}

/* The first event of @calendar. */
static ICalComponent *
first_event (ICalComponent *calendar)
{
  ICalComponent *event = i_cal_component_get_first_component (calendar, I_CAL_VEVENT_COMPONENT);

  g_assert_nonnull (event);
  return event;
}

static void
assert_property (ICalComponent    *component,
                 ICalPropertyKind  kind,
                 const char       *expected)
{
  g_autofree char *text = evg_test_ical_property_text (component, kind, NULL);

  g_assert_cmpstr (text, ==, expected);
}

static void
assert_time (ICalComponent    *component,
             ICalPropertyKind  kind,
             const char       *expected)
{
  g_autofree char *tzid = NULL;
  g_autofree char *text = evg_test_ical_property_text (component, kind, &tzid);

  g_assert_cmpstr (text, ==, expected);
  g_assert_cmpstr (tzid, ==, EVG_MEETING_ICS_TZID);
}

static void
test_fields (void)
{
  g_autoptr(GPtrArray) meetings = one_meeting (make_meeting ("m-1", "general_meeting", "2026-03-05 14:30",
                                                             "2026-03-05 16:00", NASTY, LONG_CHINESE ";" NASTY));
  g_autofree char *text = NULL;
  ICalComponent *calendar, *event, *zone, *standard;

  evg_meeting_set (g_ptr_array_index (meetings, 0), EVG_MEETING_AGENDA, "一、" NASTY "\n二、" LONG_CHINESE);
  text = export (meetings, "某某社区第一党支部, 第二; \"三\"");
  calendar = parse (text);

  assert_property (calendar, I_CAL_VERSION_PROPERTY, "2.0");
  assert_property (calendar, I_CAL_METHOD_PROPERTY, "PUBLISH");
  g_assert_nonnull (strstr (text, "\r\nX-WR-CALNAME:某某社区第一党支部"));

  zone = i_cal_component_get_first_component (calendar, I_CAL_VTIMEZONE_COMPONENT);
  g_assert_nonnull (zone);
  assert_property (zone, I_CAL_TZID_PROPERTY, EVG_MEETING_ICS_TZID);
  standard = i_cal_component_get_first_component (zone, I_CAL_XSTANDARD_COMPONENT);
  g_assert_nonnull (standard);
  assert_property (standard, I_CAL_TZOFFSETTO_PROPERTY, "+0800");
  assert_property (standard, I_CAL_TZOFFSETFROM_PROPERTY, "+0800");
  g_assert_null (i_cal_component_get_first_component (zone, I_CAL_XDAYLIGHT_COMPONENT));
  g_object_unref (standard);
  g_object_unref (zone);

  event = first_event (calendar);
  assert_property (event, I_CAL_UID_PROPERTY, "m-1@e-vanguard");
  assert_property (event, I_CAL_DTSTAMP_PROPERTY, "20260301T080000Z");
  assert_time (event, I_CAL_DTSTART_PROPERTY, "20260305T143000");
  assert_time (event, I_CAL_DTEND_PROPERTY, "20260305T160000");
  assert_property (event, I_CAL_SUMMARY_PROPERTY, NASTY);
  assert_property (event, I_CAL_LOCATION_PROPERTY, LONG_CHINESE ";" NASTY);
  assert_property (event, I_CAL_DESCRIPTION_PROPERTY, "一、" NASTY "\n二、" LONG_CHINESE);
  assert_property (event, I_CAL_CATEGORIES_PROPERTY, "支部党员大会");
  assert_property (event, I_CAL_STATUS_PROPERTY, "CONFIRMED");
  g_object_unref (event);
  g_object_unref (calendar);
}

/* No title: the type's Chinese name.  No end, place or agenda: no DTEND,
 * LOCATION or DESCRIPTION rather than empty ones. */
static void
test_untitled_and_cancelled (void)
{
  g_autoptr(GPtrArray) meetings = one_meeting (make_meeting ("m-2", "committee", "2026-04-01 09:00",
                                                             NULL, NULL, NULL));
  g_autofree char *text = NULL;
  ICalComponent *calendar, *event;

  evg_meeting_set (g_ptr_array_index (meetings, 0), EVG_MEETING_STATUS, "cancelled");
  text = export (meetings, NULL);
  g_assert_null (strstr (text, "X-WR-CALNAME"));
  calendar = parse (text);
  event = first_event (calendar);
  assert_property (event, I_CAL_SUMMARY_PROPERTY, "支部委员会");
  assert_property (event, I_CAL_CATEGORIES_PROPERTY, "支部委员会");
  assert_property (event, I_CAL_STATUS_PROPERTY, "CANCELLED");
  assert_time (event, I_CAL_DTSTART_PROPERTY, "20260401T090000");
  assert_property (event, I_CAL_DTEND_PROPERTY, NULL);
  assert_property (event, I_CAL_LOCATION_PROPERTY, NULL);
  assert_property (event, I_CAL_DESCRIPTION_PROPERTY, NULL);
  g_object_unref (event);
  g_object_unref (calendar);
}

/* Folding at every offset: an ASCII lead-in of 0 to 80 bytes puts each
 * byte of the three-byte (and four-byte) characters after it at the fold. */
static void
test_folding (void)
{
  for (guint shift = 0; shift <= 80; shift++)
    {
      g_autofree char *lead = g_strnfill (shift, 'x');
      g_autofree char *title = g_strconcat (lead, LONG_CHINESE, "𠀀𠀁𠀂", LONG_CHINESE, NULL);
      g_autoptr(GPtrArray) meetings = one_meeting (make_meeting ("m-3", "lecture", "2026-05-01 09:00",
                                                                 NULL, title, title));
      g_autofree char *text = export (meetings, title);
      ICalComponent *calendar, *event;

      calendar = parse (text);
      event = first_event (calendar);
      assert_property (event, I_CAL_SUMMARY_PROPERTY, title);
      assert_property (event, I_CAL_LOCATION_PROPERTY, title);
      g_object_unref (event);
      g_object_unref (calendar);
    }
}

/* CR LF and a lone CR are line breaks like LF; the control characters
 * TEXT may not hold are left out, a tab is kept. */
static void
test_line_breaks (void)
{
  g_autoptr(GPtrArray) meetings = one_meeting (make_meeting ("m-4", "theme_day", "2026-05-10 09:00", NULL,
                                                             "一\r\n二\r三\n四\t五\x01六\x7f", NULL));
  g_autofree char *text = export (meetings, NULL);
  ICalComponent *calendar = parse (text);
  ICalComponent *event = first_event (calendar);

  assert_property (event, I_CAL_SUMMARY_PROPERTY, "一\n二\n三\n四\t五六");
  g_object_unref (event);
  g_object_unref (calendar);
}

/* The same meetings give the same file but for DTSTAMP. */
static void
test_stable (void)
{
  g_autoptr(GPtrArray) meetings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GDateTime) later = g_date_time_new_utc (2026, 6, 1, 12, 30, 0);
  g_autoptr(GRegex) dtstamp = g_regex_new ("DTSTAMP:[0-9TZ]*", 0, 0, NULL);
  g_autofree char *first = NULL, *second = NULL, *first_rest = NULL, *second_rest = NULL;

  g_ptr_array_add (meetings, make_meeting ("m-5", "group_meeting", "2026-05-11 19:00", NULL, "甲", NULL));
  g_ptr_array_add (meetings, make_meeting ("m-6", "life_meeting", "2026-12-20 09:00", NULL, "乙", NULL));
  first = export (meetings, "支部");
  second = evg_meeting_ics_export (meetings, "支部", later, NULL);
  g_assert_nonnull (strstr (first, "\r\nUID:m-5@e-vanguard\r\n"));
  g_assert_nonnull (strstr (first, "\r\nUID:m-6@e-vanguard\r\n"));
  g_assert_nonnull (strstr (second, "\r\nDTSTAMP:20260601T123000Z\r\n"));
  first_rest = g_regex_replace_literal (dtstamp, first, -1, 0, "", 0, NULL);
  second_rest = g_regex_replace_literal (dtstamp, second, -1, 0, "", 0, NULL);
  g_assert_cmpstr (first_rest, ==, second_rest);
  g_assert_cmpstr (first, !=, second);
}

static void
test_empty (void)
{
  g_autoptr(GPtrArray) meetings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *text = export (meetings, NULL);
  ICalComponent *calendar = parse (text);

  g_assert_cmpint (i_cal_component_count_components (calendar, I_CAL_VEVENT_COMPONENT), ==, 0);
  g_assert_cmpint (i_cal_component_count_components (calendar, I_CAL_VTIMEZONE_COMPONENT), ==, 1);
  g_object_unref (calendar);
}

static void
test_unreadable_time (void)
{
  g_autoptr(GPtrArray) meetings = one_meeting (make_meeting ("m-7", "committee", "2026-02-30 10:00",
                                                             NULL, NULL, NULL));
  g_autoptr(GError) error = NULL;
  g_autofree char *text = evg_meeting_ics_export (meetings, NULL, NULL, &error);

  g_assert_null (text);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "m-7"));
}

/* A file is replaced whole; a path that cannot be written is named in the
 * error, and nothing is left behind. */
static void
test_save (void)
{
  g_autofree char *dir = evg_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "meetings.ics", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "meetings.ics", NULL);
  g_autoptr(GPtrArray) meetings = one_meeting (make_meeting ("m-8", "lecture", "2026-07-01 09:00",
                                                             NULL, "党课", NULL));
  g_autoptr(GPtrArray) none = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GDir) listing = NULL;

  g_assert_true (evg_meeting_ics_save (none, NULL, path, &error));
  g_assert_no_error (error);
  g_assert_true (evg_meeting_ics_save (meetings, NULL, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents, "BEGIN:VCALENDAR\r\n"));
  g_assert_nonnull (strstr (contents, "UID:m-8@e-vanguard"));

  g_assert_false (evg_meeting_ics_save (meetings, NULL, missing, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, missing));
  g_clear_error (&error);
  g_assert_false (evg_meeting_ics_save (meetings, NULL, dir, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, dir));
  g_clear_error (&error);

  listing = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (listing), ==, "meetings.ics");
  g_assert_null (g_dir_read_name (listing));
  evg_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/evg/meeting-ics/fields", test_fields);
  g_test_add_func ("/evg/meeting-ics/untitled-and-cancelled", test_untitled_and_cancelled);
  g_test_add_func ("/evg/meeting-ics/folding", test_folding);
  g_test_add_func ("/evg/meeting-ics/line-breaks", test_line_breaks);
  g_test_add_func ("/evg/meeting-ics/stable", test_stable);
  g_test_add_func ("/evg/meeting-ics/empty", test_empty);
  g_test_add_func ("/evg/meeting-ics/unreadable-time", test_unreadable_time);
  g_test_add_func ("/evg/meeting-ics/save", test_save);

  return g_test_run ();
}
