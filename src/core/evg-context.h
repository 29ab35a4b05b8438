/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-calendar.h"
#include "evg-checkins.h"
#include "evg-inbox.h"
#include "evg-roster.h"
#include "evg-store.h"
#include "evg-sync-client.h"
#include "evg-types.h"

G_BEGIN_DECLS

#define EVG_TYPE_CONTEXT (evg_context_get_type ())

G_DECLARE_FINAL_TYPE (EvgContext, evg_context, EVG, CONTEXT, GObject)

EvgContext    *evg_context_new             (EvgStore    *store,
                                            GError     **error);
EvgStore      *evg_context_get_store       (EvgContext  *self);
EvgRoster     *evg_context_get_roster      (EvgContext  *self);
EvgCalendar   *evg_context_get_calendar    (EvgContext  *self);
EvgCheckins   *evg_context_get_checkins    (EvgContext  *self);
EvgInbox      *evg_context_get_inbox       (EvgContext  *self);
EvgSyncClient *evg_context_get_sync_client (EvgContext  *self);
char          *evg_context_raise_whistle_for (EvgContext  *self,
                                              const char  *message_id,
                                              GError     **error);
char          *evg_context_put_on_agenda   (EvgContext  *self,
                                            const char  *message_id,
                                            GError     **error);
char       *evg_context_dup_branch_name  (EvgContext  *self);
char       *evg_context_dup_branch_code  (EvgContext  *self);
gboolean    evg_context_set_branch       (EvgContext  *self,
                                          const char  *name,
                                          const char  *code,
                                          GError     **error);
gboolean    evg_context_validate_branch_code (const char *code,
                                              GError    **error);

G_END_DECLS
