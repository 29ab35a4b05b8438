/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* What one sync did. */
typedef struct
{
  guint pushed;       /* local changes the server confirmed (applied or conflict) */
  guint duplicates;   /* changes the server had already: resent after a lost answer */
  guint pulled;       /* remote changes applied here */
  guint conflicts;    /* new conflicts to show */
  guint rejected;     /* local changes the server refused (kept as conflicts) */
} EvgSyncReport;

#define EVG_TYPE_SYNC_REPORT (evg_sync_report_get_type ())

GType          evg_sync_report_get_type (void) G_GNUC_CONST;
EvgSyncReport *evg_sync_report_copy     (const EvgSyncReport *report);
void           evg_sync_report_free     (EvgSyncReport       *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgSyncReport, evg_sync_report_free)

G_END_DECLS
