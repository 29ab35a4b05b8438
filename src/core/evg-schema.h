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

/* A column's domain, checked by evg_table_spec_check_value() on both
 * sides of sync: by EvgTxn before a change enters the outbox and by the
 * protocol's validation of every change a server or client receives.  A
 * text column holds at most @max_chars characters (0: the default, 500);
 * an integer column holds @min to @max. */
typedef struct
{
  const char     *name;
  EvgColumnType   type;
  EvgColumnFlags  flags;
  guint           max_chars;
  gint64          min;
  gint64          max;
} EvgColumnSpec;

#define EVG_SCHEMA_DEFAULT_MAX_CHARS 500

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
  /* What the table's text values must look like beyond their length
   * (dates, choices): NULL when @text fits column @column, else why not,
   * in English for logs and rejections.  NULL for no further checks. */
  const char        *(*check_text) (guint       column,
                                    const char *text);
} EvgTableSpec;

#define EVG_SCHEMA_MAX_COLUMNS 64

const EvgTableSpec  *evg_schema_lookup_table   (const char         *name);
const EvgTableSpec **evg_schema_get_tables     (guint              *n_tables);
int                  evg_table_spec_find_column (const EvgTableSpec *spec,
                                                 const char         *column);
const char          *evg_table_spec_check_text  (const EvgTableSpec *spec,
                                                 guint               column,
                                                 const char         *text);
const char          *evg_table_spec_check_int   (const EvgTableSpec *spec,
                                                 guint               column,
                                                 gint64              value);

guint                evg_schema_get_version    (void);
const char          *evg_schema_get_migration  (guint               from_version);

G_END_DECLS
