/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-schema.h"

G_BEGIN_DECLS

/* A resolution (决议) a meeting voted on, with its votes; final with its
 * meeting. */

typedef enum
{
  EVG_RESOLUTION_MEETING_ID,
  EVG_RESOLUTION_POSITION,
  EVG_RESOLUTION_TEXT,
  EVG_RESOLUTION_VOTES_FOR,
  EVG_RESOLUTION_VOTES_AGAINST,
  EVG_RESOLUTION_VOTES_ABSTAIN,
  EVG_RESOLUTION_N_FIELDS
} EvgResolutionField;

extern const EvgTableSpec evg_resolution_table;

G_END_DECLS
