/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-schema.h"

G_BEGIN_DECLS

/* A dated correction to a signed meeting record: written once, never
 * edited (append-only), shown under the minutes. */

typedef enum
{
  EVG_MEETING_ADDENDUM_MEETING_ID,
  EVG_MEETING_ADDENDUM_WRITTEN_ON,
  EVG_MEETING_ADDENDUM_AUTHOR,
  EVG_MEETING_ADDENDUM_TEXT,
  EVG_MEETING_ADDENDUM_N_FIELDS
} EvgMeetingAddendumField;

extern const EvgTableSpec evg_meeting_addendum_table;

G_END_DECLS
