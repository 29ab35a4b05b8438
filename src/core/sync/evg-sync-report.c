/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "evg-sync-report.h"

EvgSyncReport *
evg_sync_report_copy (const EvgSyncReport *report)
{
  return g_memdup2 (report, sizeof *report);
}

void
evg_sync_report_free (EvgSyncReport *report)
{
  g_free (report);
}

G_DEFINE_BOXED_TYPE (EvgSyncReport, evg_sync_report, evg_sync_report_copy, evg_sync_report_free)
