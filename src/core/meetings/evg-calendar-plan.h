/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-calendar.h"
#include "evg-meeting-plan.h"

G_BEGIN_DECLS

/* The branch's plans (evg-meeting-plan.h) as the calendar keeps them:
 * listed, saved, and applied, which makes each plan's occurrences of the
 * coming months as planned meetings. */

typedef struct
{
  char *id;
  char *values[EVG_MEETING_PLAN_N_FIELDS];
} EvgMeetingPlanInfo;

GPtrArray *evg_calendar_list_plans   (EvgCalendar         *self,
                                      GError             **error);
char      *evg_calendar_save_plan    (EvgCalendar         *self,
                                      EvgMeetingPlanInfo  *plan,
                                      GError             **error);
gboolean   evg_calendar_delete_plan  (EvgCalendar         *self,
                                      const char          *id,
                                      GError             **error);
gboolean   evg_calendar_apply_plans  (EvgCalendar         *self,
                                      const char          *today,
                                      int                  months_ahead,
                                      guint               *n_added,
                                      guint               *n_removed,
                                      GError             **error);

EvgMeetingPlanInfo *evg_meeting_plan_info_new  (void);
void                evg_meeting_plan_info_free (EvgMeetingPlanInfo *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgMeetingPlanInfo, evg_meeting_plan_info_free)

G_END_DECLS
