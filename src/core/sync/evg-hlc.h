/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-types.h"

G_BEGIN_DECLS

/* A hybrid logical clock value packs 48 bits of milliseconds since the Unix
 * epoch with a 16-bit counter.  Its text form is 16 lower-case hex digits, so
 * comparing two texts with strcmp() orders them in time. */
#define EVG_HLC_TEXT_LEN 16

typedef gint64 (*EvgClockFunc) (gpointer user_data);

EvgHlc  *evg_hlc_new            (guint64       last);
void     evg_hlc_free           (EvgHlc       *hlc);
void     evg_hlc_set_clock      (EvgHlc       *hlc,
                                 EvgClockFunc  func,
                                 gpointer      user_data);
guint64  evg_hlc_now            (EvgHlc       *hlc);
guint64  evg_hlc_observe        (EvgHlc       *hlc,
                                 guint64       remote);
guint64  evg_hlc_get_last       (EvgHlc       *hlc);

gint64   evg_hlc_wall_ms        (void);
guint64  evg_hlc_pack           (gint64        ms,
                                 guint         counter);
gint64   evg_hlc_get_ms         (guint64       value);
guint    evg_hlc_get_counter    (guint64       value);
void     evg_hlc_format         (guint64       value,
                                 char          buf[EVG_HLC_TEXT_LEN + 1]);
char    *evg_hlc_to_string      (guint64       value);
gboolean evg_hlc_parse          (const char   *text,
                                 guint64      *value);
int      evg_hlc_compare        (const char   *hlc_a,
                                 const char   *site_a,
                                 const char   *hlc_b,
                                 const char   *site_b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgHlc, evg_hlc_free)

G_END_DECLS
