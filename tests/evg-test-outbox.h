/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "evg-schema.h"
#include "evg-store-private.h"

/* Asserts the outbox invariant over every synced table: each row's latest
 * clock belongs to an outbox entry for that row, so no write reached a
 * synced table without also being queued for the server.  Service tests
 * call it after their operations.  Rows written by a sync pull carry the
 * remote clock and have no outbox entry, so it is for stores that have not
 * pulled. */
static inline void
evg_test_assert_outbox_covers_all (EvgStore *store)
{
  guint n_tables;
  const EvgTableSpec **tables = evg_schema_get_tables (&n_tables);

  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *sql = NULL;
      sqlite3_stmt *stmt = NULL;

      sql = g_strdup_printf ("SELECT t.id, t.hlc FROM %s AS t WHERE NOT EXISTS "
                             "(SELECT 1 FROM outbox o WHERE o.tbl = '%s' AND o.row_id = t.id "
                             " AND o.hlc = t.hlc)",
                             tables[i]->name, tables[i]->name);
      g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        g_error ("Row %s.%s (clock %s) was written without an outbox entry",
                 tables[i]->name, sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1));
      sqlite3_finalize (stmt);
    }
}
