/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-schema"

#include "config.h"

#include <string.h>

#include "evg-schema.h"

/* Each migration runs in its own transaction and moves user_version up by
 * one.  Never edit a migration that has shipped: append a new one. */
static const char * const migrations[] = {
  /* 0 → 1: bookkeeping for sync and the first synced table. */
  "CREATE TABLE meta ("
  "  key   TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL"
  ");"
  "CREATE TABLE sync_state ("
  "  id           INTEGER PRIMARY KEY CHECK (id = 1),"
  "  site_id      TEXT NOT NULL,"
  "  last_hlc     TEXT NOT NULL,"
  "  pull_cursor  INTEGER NOT NULL DEFAULT 0,"
  "  server_epoch TEXT,"
  "  last_sync_at INTEGER,"
  "  last_error   TEXT"
  ");"
  "INSERT INTO sync_state (id, site_id, last_hlc)"
  "  VALUES (1, lower(hex(randomblob(16))), '0000000000000000');"
  "CREATE TABLE outbox ("
  "  seq       INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  change_id TEXT NOT NULL UNIQUE,"
  "  tbl       TEXT NOT NULL,"
  "  row_id    TEXT NOT NULL,"
  "  op        TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),"
  "  fields    TEXT NOT NULL,"
  "  hlc       TEXT NOT NULL,"
  "  base_hlc  TEXT,"
  "  batch_id  TEXT,"
  "  state     TEXT NOT NULL DEFAULT 'pending'"
  "            CHECK (state IN ('pending', 'sent', 'acked'))"
  ");"
  "CREATE INDEX outbox_by_state ON outbox (state, seq);"
  "CREATE TABLE conflicts ("
  "  id           INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  tbl          TEXT NOT NULL,"
  "  row_id       TEXT NOT NULL,"
  "  kind         TEXT NOT NULL,"
  "  local_value  TEXT,"
  "  remote_value TEXT,"
  "  change_id    TEXT,"
  "  created_at   INTEGER NOT NULL,"
  "  resolved_at  INTEGER,"
  "  resolution   TEXT"
  ");"
  "CREATE INDEX conflicts_open ON conflicts (resolved_at);"
  "CREATE TABLE party_group ("
  "  id         TEXT PRIMARY KEY,"
  "  branch     TEXT NOT NULL,"
  "  hlc        TEXT NOT NULL,"
  "  field_hlc  TEXT NOT NULL,"
  "  deleted    INTEGER NOT NULL DEFAULT 0,"
  "  name       TEXT NOT NULL,"
  "  sort_order INTEGER NOT NULL DEFAULT 0"
  ");",
};

static const EvgColumnSpec party_group_columns[] = {
  { "name", EVG_COLUMN_TEXT, EVG_COLUMN_FLAG_NONE },
  { "sort_order", EVG_COLUMN_INT, EVG_COLUMN_FLAG_NONE },
};

static const EvgTableSpec party_group_table = {
  "party_group", party_group_columns, G_N_ELEMENTS (party_group_columns), EVG_MERGE_FIELD_LWW,
};

static const EvgTableSpec *tables[] = {
  &party_group_table,
};

const EvgTableSpec **
evg_schema_get_tables (guint *n_tables)
{
  if (n_tables != NULL)
    *n_tables = G_N_ELEMENTS (tables);
  return tables;
}

const EvgTableSpec *
evg_schema_lookup_table (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    if (g_strcmp0 (tables[i]->name, name) == 0)
      return tables[i];
  return NULL;
}

int
evg_table_spec_find_column (const EvgTableSpec *spec,
                            const char         *column)
{
  for (guint i = 0; i < spec->n_columns; i++)
    if (strcmp (spec->columns[i].name, column) == 0)
      return (int) i;
  return -1;
}

guint
evg_schema_get_version (void)
{
  return G_N_ELEMENTS (migrations);
}

const char *
evg_schema_get_migration (guint from_version)
{
  g_return_val_if_fail (from_version < G_N_ELEMENTS (migrations), NULL);
  return migrations[from_version];
}
