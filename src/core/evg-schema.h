/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the store knows of each synced table: its data columns (besides the
 * bookkeeping columns id, branch, hlc, field_hlc and deleted that every
 * synced table has) and how concurrent edits of it are merged. */

typedef enum
{
  EVG_COLUMN_TEXT,
  EVG_COLUMN_INT,
} EvgColumnType;

typedef enum
{
  EVG_COLUMN_FLAG_NONE     = 0,
  /* A concurrent change of this column is kept as a conflict for a person. */
  EVG_COLUMN_FLAG_IDENTITY = 1 << 0,
  /* Written once when the row is made; later writes are refused. */
  EVG_COLUMN_FLAG_IMMUTABLE = 1 << 1,
} EvgColumnFlags;

typedef enum
{
  EVG_MERGE_FIELD_LWW,    /* last writer wins per field */
  EVG_MERGE_APPEND_ONLY,  /* rows are never edited after insertion */
} EvgMergePolicy;

typedef struct
{
  const char     *name;
  EvgColumnType   type;
  EvgColumnFlags  flags;
} EvgColumnSpec;

typedef struct
{
  const char          *name;
  const EvgColumnSpec *columns;
  guint                n_columns;
  EvgMergePolicy       policy;
  /* The outbox entry of an insert keeps a copy of the values as inserted,
   * instead of pointing at the row (see the outbox in evg-schema.c).  For a
   * table whose inserts the server checks against how such a record must
   * begin: a transfer must arrive as issued, even when it is sent again
   * after it was accepted. */
  gboolean             insert_keeps_values;
} EvgTableSpec;

#define EVG_SCHEMA_MAX_COLUMNS 64

const EvgTableSpec  *evg_schema_lookup_table   (const char         *name);
const EvgTableSpec **evg_schema_get_tables     (guint              *n_tables);
int                  evg_table_spec_find_column (const EvgTableSpec *spec,
                                                 const char         *column);

guint                evg_schema_get_version    (void);
const char          *evg_schema_get_migration  (guint               from_version);

G_END_DECLS
