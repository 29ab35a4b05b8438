/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For the sync client only: the work of one sync or connection test, done
 * in a worker thread on its own connection to the database. */

#include <gio/gio.h>

#include "evg-sync-client.h"

G_BEGIN_DECLS

typedef struct
{
  EvgSyncClient *client;        /* a reference, released on the main thread */
  char          *database;
  char          *site_id;
  GMainContext  *context;
  EvgSyncReport  report;
  GHashTable    *changed_tables;
  /* test-connection only */
  char          *url;
  char          *token;
  char          *branch_code;
  char          *branch_name;
  /* public-page only: -1 to read the setting, 0 or 1 to set it */
  int            page_request;
  gboolean       page_enabled;
} EvgSyncJob;

EvgSyncJob *evg_sync_job_new      (EvgSyncClient *client);
void        evg_sync_job_free     (EvgSyncJob    *job);
void        evg_sync_job_run_sync (GTask         *task,
                                   gpointer       source_object,
                                   gpointer       task_data,
                                   GCancellable  *cancellable);
void        evg_sync_job_run_test (GTask         *task,
                                   gpointer       source_object,
                                   gpointer       task_data,
                                   GCancellable  *cancellable);
void        evg_sync_job_run_page (GTask         *task,
                                   gpointer       source_object,
                                   gpointer       task_data,
                                   GCancellable  *cancellable);

G_END_DECLS
