/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Merging changes as a replica receives them, for the tests of record
 * types with merge rules of their own (check-ins, messages). */

#include "evg-sync-merge.h"
#include "evg-sync-private.h"

typedef struct
{
  const char *hlc;
  const char *site;
  const char *op;
  const char *fields;
} EvgTestChange;

/* A pull page of @change to row @row_id of @table, as the protocol's
 * own writer and reader make it. */
static inline EvgSyncPullResponse *
evg_test_pull_page (const char          *table,
                    const char          *row_id,
                    const EvgTestChange *change,
                    gint64               seq)
{
  g_autoptr(GString) body = g_string_new ("{\"epoch\":\"e\",\"server_time\":1,\"changes\":[");
  g_autofree char *change_id = g_strdup_printf ("c-%" G_GINT64_FORMAT, seq);
  g_autoptr(GError) error = NULL;
  EvgSyncPullResponse *page;

  evg_sync_append_change (body, change_id, table, row_id, change->op, change->fields, change->hlc,
                          NULL, change->site, seq);
  g_string_append_printf (body, "],\"next\":%" G_GINT64_FORMAT ",\"has_more\":false}", seq);
  page = evg_sync_pull_response_parse (body->str, body->len, &error);
  g_assert_no_error (error);
  return page;
}

/* Merges @changes in the order @order gives, into a new record of @spec,
 * and returns its values. */
static inline JsonObject *
evg_test_merge_in_order (const EvgTableSpec  *spec,
                         const char          *row_id,
                         const EvgTestChange *changes,
                         const guint         *order,
                         guint                n)
{
  EvgSyncRecord record = { 0 };

  record.values = json_object_new ();
  record.clocks = json_object_new ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgSyncPullResponse) page = evg_test_pull_page (spec->name, row_id, &changes[order[i]], i + 1);
      EvgSyncMergeResult result;

      evg_sync_merge (spec, &record, g_ptr_array_index (page->changes, 0), "here", &result);
      evg_sync_merge_result_clear (&result);
    }
  json_object_unref (record.clocks);
  return record.values;
}
