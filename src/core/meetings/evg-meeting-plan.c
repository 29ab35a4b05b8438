/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-meeting-plan"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <libical-glib/libical-glib.h>
#include <stdio.h>
#include <string.h>

#include "evg-meeting.h"
#include "evg-meeting-plan.h"
#include "evg-validate.h"

static const struct
{
  const char *code;
  const char *label;
  int         months;
} cadences[EVG_N_CADENCES] = {
  [EVG_CADENCE_MONTHLY] = { "monthly", N_("Every month"), 1 },
  [EVG_CADENCE_QUARTERLY] = { "quarterly", N_("Every quarter"), 3 },
  [EVG_CADENCE_HALF_YEARLY] = { "half_yearly", N_("Every half-year"), 6 },
  [EVG_CADENCE_YEARLY] = { "yearly", N_("Every year"), 12 },
};

static const EvgColumnSpec plan_columns[EVG_MEETING_PLAN_N_FIELDS] = {
  [EVG_MEETING_PLAN_TYPE] = {
    .name = "type", .type = EVG_COLUMN_TEXT, .max_chars = 32, .kind = EVG_FIELD_KIND_TEXT,
    .field = "type", .header = "类型", .label = N_("Type"),
  },
  [EVG_MEETING_PLAN_TITLE] = {
    .name = "title", .type = EVG_COLUMN_TEXT, .max_chars = 100, .kind = EVG_FIELD_KIND_TEXT,
    .field = "title", .header = "主题", .label = N_("Title"),
  },
  [EVG_MEETING_PLAN_PARTY_GROUP_ID] = {
    .name = "party_group_id", .type = EVG_COLUMN_TEXT, .max_chars = 64,
    .kind = EVG_FIELD_KIND_PARTY_GROUP, .field = "party_group", .header = "党小组",
    .label = N_("Party Group"),
  },
  [EVG_MEETING_PLAN_RULE] = {
    .name = "rule", .type = EVG_COLUMN_TEXT, .max_chars = 64, .kind = EVG_FIELD_KIND_TEXT,
    .field = "rule", .header = "规则", .label = N_("Repeats"),
  },
  [EVG_MEETING_PLAN_STARTS_ON] = {
    .name = "starts_on", .type = EVG_COLUMN_TEXT, .max_chars = 10, .kind = EVG_FIELD_KIND_DATE,
    .field = "starts_on", .header = "开始日期", .label = N_("From"),
  },
  [EVG_MEETING_PLAN_TIME] = {
    .name = "time", .type = EVG_COLUMN_TEXT, .max_chars = 5, .kind = EVG_FIELD_KIND_TEXT,
    .field = "time", .header = "时间", .label = N_("Time"),
  },
  [EVG_MEETING_PLAN_PLACE] = {
    .name = "place", .type = EVG_COLUMN_TEXT, .max_chars = 100, .kind = EVG_FIELD_KIND_TEXT,
    .field = "place", .header = "地点", .label = N_("Place"),
  },
  [EVG_MEETING_PLAN_ACTIVE] = {
    .name = "active", .type = EVG_COLUMN_INT, .min = 0, .max = 1, .kind = EVG_FIELD_KIND_BOOLEAN,
    .field = "active", .header = "启用", .label = N_("Active"),
  },
};

static const char *
check_plan_text (guint       column,
                 const char *text)
{
  switch (column)
    {
    case EVG_MEETING_PLAN_TYPE:
      return evg_meeting_kind_from_code (text) >= 0 ? NULL : "not a type of meeting";
    case EVG_MEETING_PLAN_RULE:
      return evg_meeting_plan_parse_rule (text, NULL, NULL) ? NULL : "not a rule this version makes";
    case EVG_MEETING_PLAN_TIME:
      return strlen (text) == 5 && g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1]) &&
             text[2] == ':' && text[3] >= '0' && text[3] <= '5' && g_ascii_isdigit (text[4]) &&
             (text[0] - '0') * 10 + (text[1] - '0') < 24 ? NULL : "not a time (HH:MM)";
    default:
      return evg_column_spec_check_kind (&plan_columns[column], text);
    }
}

/* Last writer wins per field: a plan is a setting the branch keeps. */
const EvgTableSpec evg_meeting_plan_table = {
  .name = "meeting_plan",
  .label = N_("Meeting Plan"),
  .columns = plan_columns,
  .n_columns = G_N_ELEMENTS (plan_columns),
  .policy = EVG_MERGE_FIELD_LWW,
  .check_text = check_plan_text,
};

const char *
evg_cadence_to_code (EvgCadence cadence)
{
  g_return_val_if_fail (cadence < EVG_N_CADENCES, NULL);
  return cadences[cadence].code;
}

int
evg_cadence_from_code (const char *code)
{
  for (guint i = 0; code != NULL && i < EVG_N_CADENCES; i++)
    if (g_str_equal (code, cadences[i].code))
      return (int) i;
  return -1;
}

const char *
evg_cadence_get_label (EvgCadence cadence)
{
  g_return_val_if_fail (cadence < EVG_N_CADENCES, "");
  return _(cadences[cadence].label);
}

/**
 * evg_meeting_plan_make_rule:
 * @day_of_month: 1 to 28, so that every month has it
 *
 * Returns: (transfer full): the RFC 5545 rule, such as
 *   `FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=15`
 */
char *
evg_meeting_plan_make_rule (EvgCadence cadence,
                            int        day_of_month)
{
  g_return_val_if_fail (cadence < EVG_N_CADENCES, NULL);
  g_return_val_if_fail (day_of_month >= 1 && day_of_month <= 28, NULL);

  return g_strdup_printf ("FREQ=MONTHLY;INTERVAL=%d;BYMONTHDAY=%d", cadences[cadence].months, day_of_month);
}

/**
 * evg_meeting_plan_parse_rule:
 *
 * Whether @rule is one that evg_meeting_plan_make_rule() makes: plans hold
 * no other, so that every device and the server agree on what it means.
 */
gboolean
evg_meeting_plan_parse_rule (const char *rule,
                             EvgCadence *cadence,
                             int        *day_of_month)
{
  int months = 0, day = 0, used = 0;

  if (rule == NULL ||
      sscanf (rule, "FREQ=MONTHLY;INTERVAL=%2d;BYMONTHDAY=%2d%n", &months, &day, &used) != 2 ||
      rule[used] != '\0' || day < 1 || day > 28)
    return FALSE;
  for (guint i = 0; i < EVG_N_CADENCES; i++)
    if (cadences[i].months == months)
      {
        g_autofree char *again = evg_meeting_plan_make_rule (i, day);

        /* One spelling only: no leading zeros or signs. */
        if (!g_str_equal (again, rule))
          return FALSE;
        if (cadence != NULL)
          *cadence = i;
        if (day_of_month != NULL)
          *day_of_month = day;
        return TRUE;
      }
  return FALSE;
}

static ICalTime *
date_to_ical (const GDate *date)
{
  ICalTime *time = i_cal_time_new_null_time ();

  i_cal_time_set_date (time, g_date_get_year (date), g_date_get_month (date), g_date_get_day (date));
  i_cal_time_set_is_date (time, TRUE);
  return time;
}

/**
 * evg_meeting_plan_expand:
 * @starts_on: the rule's first day, YYYY-MM-DD
 * @first_day: the first day wanted
 * @last_day: the last day wanted, included
 *
 * The days @rule gives from @starts_on, those from @first_day to
 * @last_day, worked out by libical.
 *
 * Returns: (transfer full) (element-type utf8): days, YYYY-MM-DD, in order
 */
GPtrArray *
evg_meeting_plan_expand (const char  *rule,
                         const char  *starts_on,
                         const char  *first_day,
                         const char  *last_day,
                         GError     **error)
{
  g_autoptr(GPtrArray) days = g_ptr_array_new_with_free_func (g_free);
  ICalRecurrence *recurrence;
  ICalRecurIterator *iterator;
  ICalTime *start;
  GDate from, first, last;

  if (!evg_meeting_plan_parse_rule (rule, NULL, NULL) || !evg_parse_date (starts_on, &from) ||
      !evg_parse_date (first_day, &first) || !evg_parse_date (last_day, &last))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The plan’s rule or dates cannot be read."));
      return NULL;
    }

  /* libical-glib 3.0 defines no autoptr cleanups: freed by hand. */
  recurrence = i_cal_recurrence_new_from_string (rule);
  start = date_to_ical (&from);
  iterator = i_cal_recur_iterator_new (recurrence, start);
  /* A plan runs for decades at most; the bound keeps a bad date cheap. */
  for (guint n = 0; iterator != NULL && n < 2000; n++)
    {
      ICalTime *next = i_cal_recur_iterator_next (iterator);
      gboolean done = next == NULL || i_cal_time_is_null_time (next);
      GDate day;

      if (!done)
        {
          g_date_clear (&day, 1);
          g_date_set_dmy (&day, (GDateDay) i_cal_time_get_day (next),
                          (GDateMonth) i_cal_time_get_month (next),
                          (GDateYear) i_cal_time_get_year (next));
          done = g_date_compare (&day, &last) > 0;
          if (!done && g_date_compare (&day, &first) >= 0)
            g_ptr_array_add (days, evg_format_date (&day));
        }
      g_clear_object (&next);
      if (done)
        break;
    }
  g_clear_object (&iterator);
  g_clear_object (&start);
  g_clear_object (&recurrence);
  return g_steal_pointer (&days);
}
