/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "evg-schema.h"

G_BEGIN_DECLS

/* A branch's standing rule for a kind of meeting (主题党日 on the 15th of
 * every month, a 党课 every quarter, each group's 党小组会 monthly): an
 * RFC 5545 recurrence rule from a first day.  The calendar makes its
 * occurrences as planned meetings, each with the plan's key and the day
 * the rule gave it (plan_key), so that moving or cancelling one
 * occurrence changes only that meeting. */

typedef enum
{
  EVG_MEETING_PLAN_TYPE,
  EVG_MEETING_PLAN_TITLE,
  EVG_MEETING_PLAN_PARTY_GROUP_ID,
  EVG_MEETING_PLAN_RULE,
  EVG_MEETING_PLAN_STARTS_ON,
  EVG_MEETING_PLAN_TIME,
  EVG_MEETING_PLAN_PLACE,
  EVG_MEETING_PLAN_ACTIVE,
  EVG_MEETING_PLAN_N_FIELDS
} EvgMeetingPlanField;

/* The cadences the plan dialog and the CLI offer. */
typedef enum
{
  EVG_CADENCE_MONTHLY,
  EVG_CADENCE_QUARTERLY,
  EVG_CADENCE_HALF_YEARLY,
  EVG_CADENCE_YEARLY,
  EVG_N_CADENCES
} EvgCadence;

extern const EvgTableSpec evg_meeting_plan_table;

char      *evg_meeting_plan_make_rule  (EvgCadence   cadence,
                                        int          day_of_month);
gboolean   evg_meeting_plan_parse_rule (const char  *rule,
                                        EvgCadence  *cadence,
                                        int         *day_of_month);
const char *evg_cadence_to_code        (EvgCadence   cadence);
int         evg_cadence_from_code      (const char  *code);
const char *evg_cadence_get_label      (EvgCadence   cadence);
GPtrArray  *evg_meeting_plan_expand    (const char  *rule,
                                        const char  *starts_on,
                                        const char  *first_day,
                                        const char  *last_day,
                                        GError     **error);

G_END_DECLS
