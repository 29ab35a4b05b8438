/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Each synced record type is described once, by an EvgTableSpec in its
 * feature's code (the member table in evg-member.c): its table, its data
 * columns (besides the bookkeeping columns id, branch, hlc, field_hlc and
 * deleted that every synced table has) with their SQL type, domain, label
 * and spreadsheet headers, and how concurrent edits of it are merged.  The
 * store, EvgTxn, the protocol, the merge, the server, the CSV reader and
 * writer, the editor and the conflicts window read it; a test compares it
 * with every table's PRAGMA table_info. */

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
  /* Personal data shown masked until asked for (ID numbers, phones). */
  EVG_COLUMN_FLAG_PERSONAL = 1 << 2,
  /* Times that only move one way, whoever wrote last: the earliest
   * (or latest) value any replica holds wins the merge, and a local edit
   * may only move the value that way.  Two workstations that check in the
   * same member thus keep the earliest arrival and the latest departure,
   * in whatever order their changes meet.  A choice column moves along
   * the order of its choices instead (a message's status only moves
   * forward).  Empty is no value: it never wins over one. */
  EVG_COLUMN_FLAG_EARLIEST = 1 << 3,
  EVG_COLUMN_FLAG_LATEST   = 1 << 4,
} EvgColumnFlags;

/* What a column holds, as people see it. */
typedef enum
{
  EVG_FIELD_KIND_TEXT,
  EVG_FIELD_KIND_CHOICE,      /* one of the column's choices */
  EVG_FIELD_KIND_DATE,        /* YYYY-MM-DD */
  EVG_FIELD_KIND_YEAR_MONTH,  /* YYYY-MM */
  EVG_FIELD_KIND_BOOLEAN,     /* "1" or "0" */
  EVG_FIELD_KIND_MONEY,       /* yuan with two decimals */
  EVG_FIELD_KIND_ID_NUMBER,
  EVG_FIELD_KIND_PHONE,
  EVG_FIELD_KIND_PARTY_GROUP, /* the id of a party group */
  EVG_FIELD_KIND_NUMBER,      /* a whole number */
  EVG_FIELD_KIND_REFERENCE,   /* the id of another record */
  EVG_FIELD_KIND_DATE_TIME,   /* YYYY-MM-DD HH:MM, local time */
} EvgFieldKind;

/* A value a choice column may take: @code is stored, @label (an English
 * msgid) is shown, @chinese is what the national form writes.  An ethnic
 * group is its Chinese name in all three. */
typedef struct
{
  const char *code;
  const char *label;
  const char *chinese;
} EvgChoice;

typedef enum
{
  EVG_MERGE_FIELD_LWW,    /* last writer wins per field */
  EVG_MERGE_APPEND_ONLY,  /* rows are never edited after insertion */
} EvgMergePolicy;

/* One data column.  Its domain is checked by evg_table_spec_check_text()
 * and evg_table_spec_check_int() on both sides of sync: by EvgTxn before a
 * change enters the outbox and by the protocol's validation of every
 * change a server or client receives.  A text column holds at most
 * @max_chars characters (0: the default, 500); an integer column holds
 * @min to @max (both 0: any). */
typedef struct
{
  const char          *name;      /* the column, and its key in sync JSON */
  EvgColumnType        type;
  EvgColumnFlags       flags;
  guint                max_chars;
  gint64               min;
  gint64               max;
  EvgFieldKind         kind;
  const char          *field;     /* DOMAIN.md field name, the English CSV header */
  const char          *header;    /* the national form's Chinese header */
  const char          *label;     /* English msgid for forms, columns, conflicts; use _() */
  const char * const  *aliases;   /* other headers seen in branch spreadsheets */
  const EvgChoice     *choices;   /* for EVG_FIELD_KIND_CHOICE */
  guint                n_choices;
} EvgColumnSpec;

#define EVG_SCHEMA_DEFAULT_MAX_CHARS 500

typedef struct _EvgTableSpec EvgTableSpec;

struct _EvgTableSpec
{
  const char          *name;      /* the table */
  const char          *label;     /* English msgid naming one record, for conflicts */
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
   * in English for logs and rejections.  NULL for the check of each
   * column's kind, evg_column_spec_check_kind(). */
  const char        *(*check_text) (guint       column,
                                    const char *text);

  /* A forward-only state machine, when @state_column is set: a record
   * starts in @initial_state and its state moves only as @transitions
   * allow ("issued>accepted", NULL-terminated); a record in one of the
   * @locked_states takes no further change.  Checked by
   * evg_table_spec_check_state() in EvgTxn and on the server alike. */
  const char          *state_column;
  const char          *initial_state;
  const char * const  *transitions;
  const char * const  *locked_states;

  /* Uniqueness over several columns: a record is known by the values of
   * its @key_columns (NULL-terminated; each immutable), and its id is made
   * from them by evg_table_spec_make_key_id().  Two replicas that make the
   * same record offline (one attendance per meeting and member) thus make
   * the same row, and the merge joins them field by field like two edits
   * of one record; a change whose id does not match its key is refused. */
  const char * const  *key_columns;

  /* Locked with its parent: while the record that column @parent_column
   * names, of table @parent, is in one of @parent's locked states, a record
   * of this table takes no change, and none is made for it (the attendance
   * of a signed meeting). */
  const EvgTableSpec  *parent;
  const char          *parent_column;
  /* Columns that stay writable when the parent locks the record
   * (NULL-terminated): what is done after a meeting is signed, such as the
   * day an absentee did the make-up study. */
  const char * const  *parent_lock_exempt;
};

#define EVG_SCHEMA_MAX_COLUMNS 64

const EvgTableSpec  *evg_schema_lookup_table   (const char         *name);
const EvgColumnSpec *evg_table_spec_lookup_column (const EvgTableSpec *spec,
                                                   const char         *column);
const EvgChoice     *evg_column_spec_find_choice  (const EvgColumnSpec *column,
                                                   const char          *code);
const EvgTableSpec **evg_schema_get_tables     (guint              *n_tables);
const char          *evg_column_spec_check_kind (const EvgColumnSpec *column,
                                                 const char          *text);
int                  evg_table_spec_find_column (const EvgTableSpec *spec,
                                                 const char         *column);
const char          *evg_table_spec_check_text  (const EvgTableSpec *spec,
                                                 guint               column,
                                                 const char         *text);
const char          *evg_table_spec_check_state (const EvgTableSpec *spec,
                                                 gboolean            exists,
                                                 const char         *stored_state,
                                                 gboolean            sets_state,
                                                 const char         *new_state,
                                                 gboolean            sets_others);
const char          *evg_table_spec_check_int   (const EvgTableSpec *spec,
                                                 guint               column,
                                                 gint64              value);

char                *evg_table_spec_make_key_id (const EvgTableSpec *spec,
                                                 const char * const *values);
char                *evg_table_spec_make_name_id (const EvgTableSpec *spec,
                                                  const char * const *parts);
gboolean             evg_table_spec_parent_locks (const EvgTableSpec *spec,
                                                  const char         *parent_state);
gboolean             evg_column_spec_keeps_stored (const EvgColumnSpec *column,
                                                   const char          *stored,
                                                   const char          *wanted);
gboolean             evg_table_spec_is_lock_exempt (const EvgTableSpec *spec,
                                                    const char         *column);

guint                evg_schema_get_version    (void);
const char          *evg_schema_get_migration  (guint               from_version);
const char * const  *evg_schema_get_migrations (guint              *n_migrations);

G_END_DECLS
