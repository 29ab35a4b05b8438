/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>

#include "evg-test-ical.h"

/* ics-dump FILE: what libical reads in an iCalendar file, as JSON on
 * stdout, for tests/test-meetings-ics.sh to compare with what was stored:
 * {"errors": N, "timezones": [TZID…], "events": [{"uid": …, "dtstart": …,
 * "dtstart_tzid": …, …}]}.  Exits 1 when the file cannot be read or is
 * not a calendar. */

static const struct
{
  const char       *name;
  ICalPropertyKind  kind;
  gboolean          zoned;
} fields[] = {
  { "uid", I_CAL_UID_PROPERTY, FALSE },
  { "dtstamp", I_CAL_DTSTAMP_PROPERTY, FALSE },
  { "dtstart", I_CAL_DTSTART_PROPERTY, TRUE },
  { "dtend", I_CAL_DTEND_PROPERTY, TRUE },
  { "summary", I_CAL_SUMMARY_PROPERTY, FALSE },
  { "location", I_CAL_LOCATION_PROPERTY, FALSE },
  { "description", I_CAL_DESCRIPTION_PROPERTY, FALSE },
  { "categories", I_CAL_CATEGORIES_PROPERTY, FALSE },
  { "status", I_CAL_STATUS_PROPERTY, FALSE },
};

static void
add_member (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_event (JsonBuilder   *builder,
           ICalComponent *event)
{
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *tzid = NULL;
      g_autofree char *value = evg_test_ical_property_text (event, fields[i].kind, &tzid);

      add_member (builder, fields[i].name, value);
      if (fields[i].zoned)
        {
          g_autofree char *name = g_strconcat (fields[i].name, "_tzid", NULL);

          add_member (builder, name, tzid);
        }
    }
  json_builder_end_object (builder);
}

/* Each component of @kind in @calendar, handed to @add. */
static void
add_components (JsonBuilder      *builder,
                ICalComponent    *calendar,
                ICalComponentKind kind,
                void            (*add) (JsonBuilder *, ICalComponent *))
{
  ICalComponent *child;

  json_builder_begin_array (builder);
  for (child = i_cal_component_get_first_component (calendar, kind); child != NULL;
       child = i_cal_component_get_next_component (calendar, kind))
    {
      add (builder, child);
      g_object_unref (child);
    }
  json_builder_end_array (builder);
}

static void
add_timezone (JsonBuilder   *builder,
              ICalComponent *zone)
{
  g_autofree char *tzid = evg_test_ical_property_text (zone, I_CAL_TZID_PROPERTY, NULL);

  json_builder_add_string_value (builder, tzid);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL, *json = NULL;
  ICalComponent *calendar;

  if (argc != 2 || !g_file_get_contents (argv[1], &text, NULL, &error))
    {
      g_printerr ("usage: ics-dump FILE%s%s\n", error != NULL ? ": " : "", error != NULL ? error->message : "");
      return 1;
    }
  calendar = i_cal_component_new_from_string (text);
  if (calendar == NULL || i_cal_component_isa (calendar) != I_CAL_VCALENDAR_COMPONENT)
    {
      g_printerr ("%s: not an iCalendar file\n", argv[1]);
      g_clear_object (&calendar);
      return 1;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "errors");
  json_builder_add_int_value (builder, i_cal_component_count_errors (calendar));
  json_builder_set_member_name (builder, "timezones");
  add_components (builder, calendar, I_CAL_VTIMEZONE_COMPONENT, add_timezone);
  json_builder_set_member_name (builder, "events");
  add_components (builder, calendar, I_CAL_VEVENT_COMPONENT, add_event);
  json_builder_end_object (builder);
  g_object_unref (calendar);

  root = json_builder_get_root (builder);
  json = json_to_string (root, TRUE);
  /* As bytes: g_print() would turn the Chinese into "?" in the C locale. */
  fputs (json, stdout);
  fputs ("\n", stdout);
  return 0;
}
