/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-record.h"

G_BEGIN_DECLS

/* A check-in (报到): one member at one whistle, known by the two (its id is
 * made from them), so that two workstations that check in the same member
 * offline make one record.  Arrival only moves earlier and departure only
 * later, on every replica; the service time is worked out from them each
 * time it is shown, never stored, so that it cannot be counted twice. */

typedef enum
{
  EVG_CHECKIN_WHISTLE_ID,
  EVG_CHECKIN_MEMBER_ID,
  EVG_CHECKIN_REPORTED_AT,
  EVG_CHECKIN_ARRIVED_AT,
  EVG_CHECKIN_LEFT_AT,
  EVG_CHECKIN_SOURCE,
  EVG_CHECKIN_RECORDED_BY,
  EVG_CHECKIN_CONFIRMED,
  EVG_CHECKIN_NOTE,
  EVG_CHECKIN_N_FIELDS
} EvgCheckinField;

/* The longest one check-in may count: a day. */
#define EVG_CHECKIN_MAX_MINUTES (24 * 60)

extern const EvgTableSpec evg_checkin_table;

const EvgColumnSpec *evg_checkin_field_get_info (EvgCheckinField field);
char                *evg_checkin_make_id        (const char *whistle_id,
                                                 const char *member_id);
int                  evg_checkin_count_minutes  (const char *arrived_at,
                                                 const char *left_at,
                                                 const char *cap);
const char          *evg_checkin_source_get_label (const char *source);

G_END_DECLS
