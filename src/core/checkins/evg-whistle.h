/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-record.h"

G_BEGIN_DECLS

/* A whistle (吹哨): a call for help that party members report to.  Kept as
 * an EvgRecord of evg_whistle_table; the fields are its columns. */

typedef enum
{
  EVG_WHISTLE_TITLE,
  EVG_WHISTLE_DESCRIPTION,
  EVG_WHISTLE_CATEGORY,
  EVG_WHISTLE_PLACE,
  EVG_WHISTLE_STARTS_AT,
  EVG_WHISTLE_ENDS_AT,
  EVG_WHISTLE_NEEDED,
  EVG_WHISTLE_RAISED_BY,
  EVG_WHISTLE_URGENCY,
  EVG_WHISTLE_STATUS,
  EVG_WHISTLE_N_FIELDS
} EvgWhistleField;

extern const EvgTableSpec evg_whistle_table;

const EvgColumnSpec *evg_whistle_field_get_info  (EvgWhistleField  field);
gboolean             evg_whistle_is_active       (EvgRecord       *whistle);
gboolean             evg_whistle_has_ended       (EvgRecord       *whistle,
                                                  const char      *now);
guint                evg_whistle_get_needed      (EvgRecord       *whistle);
GPtrArray           *evg_whistle_validate        (EvgRecord       *whistle);
const char          *evg_whistle_category_from_text (const char   *text);

G_END_DECLS
