/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-txn"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-hlc.h"
#include "evg-store-private.h"
#include "evg-txn.h"

/* More changed ids than this in one table are reported as "anything may have
 * changed", which is cheaper for a list model than a long list. */
#define MAX_REPORTED_IDS 1000

/* An insert statement kept for the next insert into the same table and
 * columns.  The store owns it and outlives the transaction. */
typedef struct
{
  const EvgTableSpec *spec;
  guint64             mask;
  sqlite3_stmt       *stmt;
} KeptInsert;

struct _EvgTxn
{
  EvgStore   *store;        /* borrowed: the store outlives its transactions */
  EvgSqlite  *sqlite;       /* borrowed: the store's */
  EvgHlc     *hlc;
  char       *branch;
  GHashTable *changed;      /* table name → GPtrArray of ids, or NULL for "all" */
  GString    *scratch;
  gboolean    open;
  gboolean    all_or_nothing;
  gboolean    failed;       /* a write failed in an all-or-nothing transaction */

  /* Insert statements by table and columns, which bulk imports reuse row
   * after row instead of writing the SQL out each time. */
  GHashTable *insert_sql;   /* "table:mask:rows" → SQL */
  /* The store's prepared statements for the last insert of one row and of
   * BULK_ROWS rows, and for as many outbox entries, kept so that a row
   * after row import neither hashes their SQL nor clears bindings it sets
   * again anyway. */
  KeptInsert    last_insert;
  KeptInsert    bulk_insert;
  sqlite3_stmt *outbox_stmt;
  sqlite3_stmt *bulk_outbox_stmt;

  /* The columns of the last table written by evg_txn_insert_rows() whose
   * default is NULL: rows of one statement may differ only in those. */
  const EvgTableSpec *null_default_spec;
  guint64             null_default_mask;
};

/* Rows that evg_txn_insert_rows() writes with one statement of each kind.
 * SQLite's cost per statement is large next to its cost per row here: an
 * outbox insert builds two temporary tables for the CHECK lists of op and
 * state and updates the AUTOINCREMENT counter, once per statement.  Beyond
 * a few dozen rows the saving levels off while the statements grow. */
#define BULK_ROWS 32

/* What one row of a bulk insert binds, kept until its statements ran. */
typedef struct
{
  char  id[37];
  char  change_id[37];
  char  hlc[EVG_HLC_TEXT_LEN + 1];
  char  field_hlc[EVG_HLC_TEXT_LEN + 16];
  gsize json_start;
} BulkRow;

G_LOCK_DEFINE_STATIC (uuid);

/* A time-ordered UUID (version 7 of RFC 9562): 48 bits of milliseconds, a
 * 12-bit counter that keeps ids made in the same millisecond in order, and
 * 62 random bits that keep them unique across replicas.  Because new ids
 * sort after old ones, the indexes on row ids and change ids grow at their
 * end instead of at random places, which makes a 100,000-row import several
 * times quicker than with random (version 4) ids.  Written out by hand: an
 * import makes two per row. */
/**
 * evg_uuid7_format:
 * @ms: milliseconds since 1970
 * @counter: 12 bits that order ids of one millisecond
 * @r1: (in): random bits (30 of them are used)
 * @r2: (in): random bits
 *
 * Writes the time-ordered UUID (version 7) these make, as text.
 */
void
evg_uuid7_format (guint64 ms,
                  guint   counter,
                  guint32 r1,
                  guint32 r2,
                  char    out[37])
{
  static const char hex[] = "0123456789abcdef";
  guint8 bytes[16];
  guint o = 0;

  for (guint i = 0; i < 6; i++)
    bytes[i] = (guint8) (ms >> (8 * (5 - i)));
  bytes[6] = (guint8) (0x70 | ((counter >> 8) & 0x0f));
  bytes[7] = (guint8) (counter & 0xff);
  bytes[8] = (guint8) (0x80 | (r1 & 0x3f));
  bytes[9] = (guint8) (r1 >> 8);
  bytes[10] = (guint8) (r1 >> 16);
  bytes[11] = (guint8) (r1 >> 24);
  memcpy (bytes + 12, &r2, 4);

  for (guint i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        out[o++] = '-';
      out[o++] = hex[bytes[i] >> 4];
      out[o++] = hex[bytes[i] & 0x0f];
    }
  out[o] = '\0';
}

static void
make_uuid (char out[37])
{
  static guint64 last_ms;
  static guint counter;
  guint64 ms = (guint64) (g_get_real_time () / 1000);
  guint32 r1 = g_random_int (), r2 = g_random_int ();
  guint this_counter;

  G_LOCK (uuid);
  if (ms <= last_ms)
    {
      /* Same millisecond, or the clock went back: stay in order. */
      ms = last_ms;
      if (++counter > 0xfff)
        {
          ms++;
          counter = 0;
        }
    }
  else
    counter = g_random_int_range (0, 0x400);
  last_ms = ms;
  this_counter = counter;
  G_UNLOCK (uuid);

  evg_uuid7_format (ms, this_counter, r1, r2, out);
}

/**
 * evg_txn_new_id:
 *
 * Returns: (transfer full): a new row id of the kind evg_txn_insert()
 *   makes, for a row that must be named before it is written
 */
char *
evg_txn_new_id (void)
{
  char *id = g_malloc (37);

  make_uuid (id);
  return id;
}

/* A table's entry in `changed` is NULL once it stands for "any row". */
static void
free_ids (gpointer ids)
{
  if (ids != NULL)
    g_ptr_array_unref (ids);
}

EvgTxn *
evg_txn_new_internal (EvgStore  *store,
                      GError   **error)
{
  g_autoptr(EvgTxn) txn = g_new0 (EvgTxn, 1);
  sqlite3_stmt *stmt;
  guint64 last = 0;
  int rc;

  txn->store = store;
  txn->sqlite = evg_store_get_sqlite (store);
  txn->changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_ids);
  txn->scratch = g_string_new (NULL);
  txn->insert_sql = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  /* IMMEDIATE takes the write lock now, so the clock read below cannot be
   * raced by another connection writing at the same time. */
  if (!evg_sqlite_begin (txn->sqlite, error))
    return NULL;
  txn->open = TRUE;

  stmt = evg_store_prepare (store, "SELECT last_hlc, (SELECT value FROM meta WHERE key = 'branch_code') "
                                   "FROM sync_state WHERE id = 1", error);
  if (stmt == NULL)
    return NULL;
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      evg_hlc_parse ((const char *) sqlite3_column_text (stmt, 0), &last);
      txn->branch = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    {
      evg_store_set_error (store, rc == SQLITE_DONE ? SQLITE_CORRUPT : rc, error);
      return NULL;
    }

  txn->hlc = evg_hlc_new (last);
  evg_store_configure_hlc (store, txn->hlc);
  if (txn->branch == NULL)
    txn->branch = g_strdup ("");

  return g_steal_pointer (&txn);
}

EvgStore *
evg_txn_get_store (EvgTxn *txn)
{
  return txn->store;
}

static void
note_changed (EvgTxn     *txn,
              const char *table,
              const char *id)
{
  GPtrArray *ids;

  if (!g_hash_table_lookup_extended (txn->changed, table, NULL, (gpointer *) &ids))
    {
      ids = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (txn->changed, g_strdup (table), ids);
    }

  if (ids == NULL)
    return;
  if (ids->len >= MAX_REPORTED_IDS)
    {
      g_hash_table_insert (txn->changed, g_strdup (table), NULL);
      return;
    }
  g_ptr_array_add (ids, g_strdup (id));
}

static gboolean
savepoint (EvgTxn      *txn,
           GError     **error)
{
  if (!txn->open || txn->failed)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
                   txn->open ? "An earlier write of this transaction failed"
                             : "The transaction is already finished");
      return FALSE;
    }
  /* An all-or-nothing transaction is never committed after a failed write,
   * so a write needs no savepoint of its own to undo. */
  if (txn->all_or_nothing)
    return TRUE;
  return evg_sqlite_exec_cached (txn->sqlite, "SAVEPOINT evg_write", error);
}

/* Ends one write: kept on success, undone on failure so that a failed write
 * leaves neither its row nor its outbox entry behind. */
static gboolean
release (EvgTxn    *txn,
         gboolean   ok,
         GError   **error)
{
  if (txn->all_or_nothing)
    {
      if (!ok)
        txn->failed = TRUE;
      return ok;
    }
  if (!ok)
    {
      evg_sqlite_exec_cached (txn->sqlite, "ROLLBACK TO evg_write", NULL);
      evg_sqlite_exec_cached (txn->sqlite, "RELEASE evg_write", NULL);
      return FALSE;
    }
  return evg_sqlite_exec_cached (txn->sqlite, "RELEASE evg_write", error);
}

/* The statement that writes @n_rows outbox entries (1 or BULK_ROWS), for
 * all their values. */
static sqlite3_stmt *
outbox_statement (EvgTxn   *txn,
                  guint     n_rows,
                  GError  **error)
{
  sqlite3_stmt **kept = n_rows == 1 ? &txn->outbox_stmt : &txn->bulk_outbox_stmt;
  g_autoptr(GString) sql = NULL;

  if (*kept != NULL)
    return *kept;

  sql = g_string_new ("INSERT INTO outbox (change_id, tbl, row_id, op, fields, hlc, base_hlc) VALUES ");
  for (guint i = 0; i < n_rows; i++)
    g_string_append (sql, i == 0 ? "(?, ?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?, ?)");
  *kept = evg_store_prepare (txn->store, sql->str, error);
  return *kept;
}

/* Binds one outbox entry as the @row'th of @stmt.  Nothing is copied: the
 * values must stay as they are until the statement has run. */
static void
bind_outbox (sqlite3_stmt *stmt,
             guint         row,
             const char   *change_id,
             const char   *table,
             const char   *row_id,
             const char   *op,
             const char   *fields_json,
             const char   *hlc,
             const char   *base_hlc)
{
  int pos = (int) row * 7;

  sqlite3_bind_text (stmt, pos + 1, change_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos + 2, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos + 3, row_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos + 4, op, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos + 5, fields_json, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos + 6, hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos + 7, base_hlc, -1, SQLITE_STATIC);
}

static gboolean
append_outbox (EvgTxn      *txn,
               const char  *table,
               const char  *row_id,
               const char  *op,
               const char  *fields_json,
               const char  *hlc,
               const char  *base_hlc,
               GError     **error)
{
  char change_id[37];
  sqlite3_stmt *stmt;

  make_uuid (change_id);
  /* Every parameter is bound below, so the statement needs no clearing;
   * evg_sqlite_step_done() has reset it. */
  stmt = outbox_statement (txn, 1, error);
  if (stmt == NULL)
    return FALSE;
  bind_outbox (stmt, 0, change_id, table, row_id, op, fields_json, hlc, base_hlc);
  return evg_sqlite_step_done (txn->sqlite, stmt, error);
}

static void
bind_value (sqlite3_stmt        *stmt,
            int                  pos,
            const EvgColumnSpec *col,
            const char          *value)
{
  if (value == NULL)
    sqlite3_bind_null (stmt, pos);
  else if (col->type == EVG_COLUMN_INT)
    sqlite3_bind_int64 (stmt, pos, g_ascii_strtoll (value, NULL, 10));
  else
    sqlite3_bind_text (stmt, pos, value, -1, SQLITE_STATIC);
}

/* A state as people read it: its choice's label. */
static const char *
state_label (const EvgTableSpec *spec,
             const char         *state)
{
  const EvgColumnSpec *col = evg_table_spec_lookup_column (spec, spec->state_column);
  const EvgChoice *choice = col != NULL ? evg_column_spec_find_choice (col, state) : NULL;

  return choice != NULL ? _(choice->label) : (state != NULL ? state : "");
}

static gboolean
check_writable (const EvgTableSpec  *spec,
                const EvgFieldSet   *fields,
                gboolean             is_insert,
                GError             **error)
{
  /* Append-only records are written once; the server refuses the rest. */
  if (!is_insert && spec->policy == EVG_MERGE_APPEND_ONLY)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
                   _("This record cannot be changed once written; add a new one instead."));
      return FALSE;
    }

  for (guint i = 0; i < spec->n_columns; i++)
    {
      const char *value, *problem;

      if (!evg_field_set_has_index (fields, i))
        continue;
      if (!is_insert && (spec->columns[i].flags & EVG_COLUMN_FLAG_IMMUTABLE) != 0)
        {
          g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
                       "%s.%s cannot be changed once written", spec->name, spec->columns[i].name);
          return FALSE;
        }
      /* The same domain check as the protocol's (evg_sync_change_validate()),
       * so that nothing goes out that a server would refuse. */
      value = evg_field_set_get_index (fields, i);
      if (value == NULL)
        continue;
      problem = spec->columns[i].type == EVG_COLUMN_INT
                ? evg_table_spec_check_int (spec, i, g_ascii_strtoll (value, NULL, 10))
                : evg_table_spec_check_text (spec, i, value);
      if (problem != NULL)
        {
          g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
                       "%s.%s: %s", spec->name, spec->columns[i].name, problem);
          return FALSE;
        }
    }
  /* A new record starts in its table's first state. */
  if (is_insert && spec->state_column != NULL &&
      evg_table_spec_check_state (spec, FALSE, NULL, evg_field_set_has (fields, spec->state_column),
                                  evg_field_set_get (fields, spec->state_column), TRUE) != NULL)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
                   _("A new record starts as “%s”."), state_label (spec, spec->initial_state));
      return FALSE;
    }
  return TRUE;
}

/* Whether the record's parent (EvgTableSpec.parent) locks it: the parent
 * @fields name, else the one row @id (when not %NULL) names.  The server
 * checks the same for every change it is sent. */
static gboolean
check_parent (EvgTxn        *txn,
              const char    *id,
              EvgFieldSet   *fields,
              GError       **error)
{
  const EvgTableSpec *spec = evg_field_set_get_table (fields);
  g_autofree char *parent_id = NULL;
  g_autofree char *state = NULL;
  sqlite3_stmt *stmt;

  if (spec->parent == NULL)
    return TRUE;
  /* An update of exempt columns only is allowed whatever the parent. */
  if (id != NULL && evg_field_set_count (fields) > 0)
    {
      gboolean exempt = TRUE;

      for (guint i = 0; i < spec->n_columns && exempt; i++)
        if (evg_field_set_has_index (fields, i) &&
            !evg_table_spec_is_lock_exempt (spec, spec->columns[i].name))
          exempt = FALSE;
      if (exempt)
        return TRUE;
    }
  if (evg_field_set_get (fields, spec->parent_column) != NULL)
    parent_id = g_strdup (evg_field_set_get (fields, spec->parent_column));
  else if (id != NULL)
    {
      g_string_printf (txn->scratch, "SELECT %s FROM %s WHERE id = ?", spec->parent_column, spec->name);
      stmt = evg_store_prepare (txn->store, txn->scratch->str, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        parent_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_reset (stmt);
    }
  if (parent_id == NULL)
    return TRUE;

  g_string_printf (txn->scratch, "SELECT %s FROM %s WHERE id = ? AND deleted = 0",
                   spec->parent->state_column, spec->parent->name);
  stmt = evg_store_prepare (txn->store, txn->scratch->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, parent_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    state = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (!evg_table_spec_parent_locks (spec, state))
    return TRUE;
  g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
               _("This belongs to a record that is final (“%s”) and can no longer be changed."),
               state_label (spec->parent, state));
  return FALSE;
}

/* The id of a new row of a keyed table (EvgTableSpec.key_columns), made
 * from its key; an error when @fields lacks a key value or @id differs. */
static char *
key_id (const EvgTableSpec  *spec,
        EvgFieldSet         *fields,
        const char          *id,
        GError             **error)
{
  const char *key[EVG_SCHEMA_MAX_COLUMNS + 1] = { NULL };
  g_autofree char *made = NULL;

  for (guint n = 0; spec->key_columns[n] != NULL && n < EVG_SCHEMA_MAX_COLUMNS; n++)
    key[n] = evg_field_set_get (fields, spec->key_columns[n]);
  made = evg_table_spec_make_key_id (spec, key);
  if (made == NULL || (id != NULL && !g_str_equal (id, made)))
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
                   "%s: a new record needs its key (%s) and the id made from it",
                   spec->name, spec->key_columns[0]);
      return NULL;
    }
  return g_steal_pointer (&made);
}

/* A keyed record is made once: a second one is an edit of the first. */
static gboolean
check_key_free (EvgTxn              *txn,
                const EvgTableSpec  *spec,
                const char          *id,
                GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  g_string_printf (txn->scratch, "SELECT 1 FROM %s WHERE id = ?", spec->name);
  stmt = evg_store_prepare (txn->store, txn->scratch->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_ROW)
    return TRUE;
  g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_CONSTRAINT,
               _("This %s exists already."), _(spec->label));
  return FALSE;
}

/* The clocks of a new row's fields: all of them take the row's clock. */
static void
format_field_hlc (char        out[EVG_HLC_TEXT_LEN + 16],
                  const char *hlc)
{
  memcpy (out, "{\"*\":\"", 6);
  memcpy (out + 6, hlc, EVG_HLC_TEXT_LEN);
  memcpy (out + 6 + EVG_HLC_TEXT_LEN, "\"}", 3);
}

/* The statement that inserts @n_rows rows of @spec with the columns of
 * @mask.  Its SQL is kept by table, columns and rows, so that a bulk
 * import writes it out once. */
static sqlite3_stmt *
insert_statement (EvgTxn              *txn,
                  const EvgTableSpec  *spec,
                  guint64              mask,
                  guint                n_rows,
                  GError             **error)
{
  GString *sql = txn->scratch;
  const char *insert_sql;

  g_string_printf (sql, "%s:%" G_GINT64_MODIFIER "x:%u", spec->name, mask, n_rows);
  insert_sql = g_hash_table_lookup (txn->insert_sql, sql->str);
  if (insert_sql == NULL)
    {
      char *key = g_strdup (sql->str);
      guint n_columns = (guint) __builtin_popcountll (mask);

      g_string_printf (sql, "INSERT INTO %s (id, branch, hlc, field_hlc, deleted", spec->name);
      for (guint i = 0; i < spec->n_columns; i++)
        if ((mask & (G_GUINT64_CONSTANT (1) << i)) != 0)
          g_string_append_printf (sql, ", %s", spec->columns[i].name);
      g_string_append (sql, ") VALUES ");
      for (guint row = 0; row < n_rows; row++)
        {
          g_string_append (sql, row == 0 ? "(?, ?, ?, ?, 0" : ", (?, ?, ?, ?, 0");
          for (guint i = 0; i < n_columns; i++)
            g_string_append (sql, ", ?");
          g_string_append_c (sql, ')');
        }
      insert_sql = g_strdup (sql->str);
      g_hash_table_insert (txn->insert_sql, key, (char *) insert_sql);
    }
  return evg_store_prepare (txn->store, insert_sql, error);
}

/* insert_statement(), or the statement in @kept when it is for the same
 * table and columns: evg_sqlite_step_done() has reset it, and every
 * parameter takes a new value. */
static sqlite3_stmt *
kept_insert_statement (EvgTxn              *txn,
                       KeptInsert          *kept,
                       const EvgTableSpec  *spec,
                       guint64              mask,
                       guint                n_rows,
                       GError             **error)
{
  if (kept->stmt == NULL || kept->spec != spec || kept->mask != mask)
    {
      kept->stmt = insert_statement (txn, spec, mask, n_rows, error);
      kept->spec = spec;
      kept->mask = mask;
    }
  return kept->stmt;
}

/* Binds a new row as the @row'th of an insert_statement() over the columns
 * of @mask.  A column of @mask that @fields lacks is bound NULL, which is
 * its default: evg_txn_insert_rows() puts rows together only then. */
static void
bind_insert (sqlite3_stmt      *stmt,
             guint              row,
             guint64            mask,
             const EvgFieldSet *fields,
             const char        *id,
             const char        *branch,
             const char        *hlc,
             const char        *field_hlc)
{
  const EvgTableSpec *spec = evg_field_set_get_table (fields);
  int pos = (int) row * (4 + __builtin_popcountll (mask)) + 1;

  sqlite3_bind_text (stmt, pos++, id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos++, branch, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos++, hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, pos++, field_hlc, -1, SQLITE_STATIC);
  for (guint i = 0; i < spec->n_columns; i++)
    if ((mask & (G_GUINT64_CONSTANT (1) << i)) != 0)
      bind_value (stmt, pos++, &spec->columns[i], evg_field_set_get_index (fields, i));
}

/* The `fields` of a new row's outbox entry.  Mostly the entry points at
 * the row, which is read when the entry is sent: a 100,000-row import then
 * writes each row once instead of once more as JSON, close to half the
 * bytes it writes, and makes no JSON at all.  Otherwise @fields as JSON in
 * @scratch, which must then stay untouched until the entry is written. */
static const char *
insert_entry_fields (const EvgFieldSet *fields,
                     GString           *scratch)
{
  if (!evg_field_set_get_table (fields)->insert_keeps_values)
    return EVG_OUTBOX_FIELDS_FROM_ROW;
  g_string_truncate (scratch, 0);
  evg_field_set_append_json (fields, scratch);
  return scratch->str;
}

/**
 * evg_txn_insert:
 * @txn: an open transaction
 * @fields: the new row's values; columns not set take their defaults
 * @id: (nullable): the row's id, or %NULL to make a new UUID
 *
 * Returns: (transfer full): the id of the new row, or %NULL on error
 */
char *
evg_txn_insert (EvgTxn       *txn,
                EvgFieldSet  *fields,
                const char   *id,
                GError      **error)
{
  const EvgTableSpec *spec = evg_field_set_get_table (fields);
  guint64 mask = evg_field_set_get_mask (fields);
  g_autofree char *new_id = NULL;
  char hlc[EVG_HLC_TEXT_LEN + 1];
  char field_hlc[EVG_HLC_TEXT_LEN + 16];
  sqlite3_stmt *stmt;
  GString *sql = txn->scratch;
  gboolean ok;

  g_return_val_if_fail (txn != NULL, NULL);

  if (!check_writable (spec, fields, TRUE, error) || !savepoint (txn, error))
    return NULL;

  if (!check_parent (txn, NULL, fields, error))
    return release (txn, FALSE, NULL), NULL;
  if (spec->key_columns != NULL)
    {
      new_id = key_id (spec, fields, id, error);
      if (new_id == NULL)
        return release (txn, FALSE, NULL), NULL;
      if (!check_key_free (txn, spec, new_id, error))
        return release (txn, FALSE, NULL), NULL;
    }
  else
    new_id = id != NULL ? g_strdup (id) : evg_txn_new_id ();

  evg_hlc_format (evg_hlc_now (txn->hlc), hlc);
  format_field_hlc (field_hlc, hlc);

  stmt = kept_insert_statement (txn, &txn->last_insert, spec, mask, 1, error);
  if (stmt == NULL)
    return release (txn, FALSE, NULL), NULL;

  bind_insert (stmt, 0, mask, fields, new_id, txn->branch, hlc, field_hlc);
  ok = evg_sqlite_step_done (txn->sqlite, stmt, error);
  if (ok)
    ok = append_outbox (txn, spec->name, new_id, "insert", insert_entry_fields (fields, sql), hlc,
                        NULL, error);

  if (!release (txn, ok, error))
    return NULL;

  note_changed (txn, spec->name, new_id);
  return g_steal_pointer (&new_id);
}

/* The columns of @spec whose default is NULL, read from the database once
 * per transaction. */
static gboolean
get_null_default_mask (EvgTxn              *txn,
                       const EvgTableSpec  *spec,
                       guint64             *mask,
                       GError             **error)
{
  sqlite3_stmt *stmt;
  int rc;

  if (txn->null_default_spec == spec)
    {
      *mask = txn->null_default_mask;
      return TRUE;
    }

  stmt = evg_store_prepare (txn->store, "SELECT name FROM pragma_table_info (?) WHERE dflt_value IS NULL",
                            error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, spec->name, -1, SQLITE_STATIC);
  *mask = 0;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int col = evg_table_spec_find_column (spec, (const char *) sqlite3_column_text (stmt, 0));

      if (col >= 0)
        *mask |= G_GUINT64_CONSTANT (1) << col;
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      evg_store_set_error (txn->store, rc, error);
      return FALSE;
    }

  txn->null_default_spec = spec;
  txn->null_default_mask = *mask;
  return TRUE;
}

/* How many of the first BULK_ROWS of @rows one statement can insert: rows
 * of the first one's table whose columns differ from its own only in
 * columns that default to NULL.  Their union is returned in @mask. */
static guint
count_alike (EvgFieldSet * const *rows,
             guint                n_rows,
             guint64              null_default,
             guint64             *mask)
{
  const EvgTableSpec *spec = evg_field_set_get_table (rows[0]);
  guint64 first = evg_field_set_get_mask (rows[0]);
  guint n = 0;

  *mask = 0;
  for (; n < n_rows && n < BULK_ROWS; n++)
    {
      guint64 m = evg_field_set_get_mask (rows[n]);

      if (evg_field_set_get_table (rows[n]) != spec || ((m ^ first) & ~null_default) != 0)
        break;
      *mask |= m;
    }
  return n;
}

/* Writes BULK_ROWS rows with one member statement and one outbox
 * statement.  The caller deals with a failure. */
static gboolean
insert_bulk (EvgTxn              *txn,
             EvgFieldSet * const *rows,
             guint64              mask,
             GError             **error)
{
  const EvgTableSpec *spec = evg_field_set_get_table (rows[0]);
  BulkRow bulk[BULK_ROWS];
  GString *json = txn->scratch;
  sqlite3_stmt *stmt;

  stmt = kept_insert_statement (txn, &txn->bulk_insert, spec, mask, BULK_ROWS, error);
  if (stmt == NULL)
    return FALSE;

  /* When the entries keep copies of the rows (insert_entry_fields()),
   * their JSON goes into one buffer, bound only once it is whole and no
   * longer moves. */
  g_string_truncate (json, 0);
  for (guint i = 0; i < BULK_ROWS; i++)
    {
      make_uuid (bulk[i].id);
      make_uuid (bulk[i].change_id);
      evg_hlc_format (evg_hlc_now (txn->hlc), bulk[i].hlc);
      format_field_hlc (bulk[i].field_hlc, bulk[i].hlc);
      bind_insert (stmt, i, mask, rows[i], bulk[i].id, txn->branch, bulk[i].hlc, bulk[i].field_hlc);
      if (spec->insert_keeps_values)
        {
          bulk[i].json_start = json->len;
          evg_field_set_append_json (rows[i], json);
          g_string_append_c (json, '\0');
        }
    }
  if (!evg_sqlite_step_done (txn->sqlite, stmt, error))
    return FALSE;

  stmt = outbox_statement (txn, BULK_ROWS, error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < BULK_ROWS; i++)
    bind_outbox (stmt, i, bulk[i].change_id, spec->name, bulk[i].id, "insert",
                 spec->insert_keeps_values ? json->str + bulk[i].json_start
                                           : EVG_OUTBOX_FIELDS_FROM_ROW,
                 bulk[i].hlc, NULL);
  if (!evg_sqlite_step_done (txn->sqlite, stmt, error))
    return FALSE;

  for (guint i = 0; i < BULK_ROWS; i++)
    note_changed (txn, spec->name, bulk[i].id);
  return TRUE;
}

/**
 * evg_txn_insert_rows:
 * @txn: an open all-or-nothing transaction
 * @rows: (array length=n_rows): the new rows' values
 * @n_rows: the number of rows
 * @n_written: (out) (optional): the number of rows written, which on
 *   failure is the index of the row whose write failed
 *
 * evg_txn_insert() of many new rows, in order, each with a new id, its own
 * clock and its own outbox entry, for bulk work such as an import.  Rows
 * of one table share statements: a run of rows is written with one insert
 * and one outbox statement, which costs SQLite a fraction of one statement
 * per row.  A statement that breaks a constraint undoes only itself, so
 * its rows are then written again one by one to name the one at fault;
 * any other failure (a full disk) is reported as it came.  As with any
 * failed write, the transaction then commits nothing.
 *
 * Returns: %TRUE when every row was written
 */
gboolean
evg_txn_insert_rows (EvgTxn              *txn,
                     EvgFieldSet * const *rows,
                     guint                n_rows,
                     guint               *n_written,
                     GError             **error)
{
  guint done = 0;
  gboolean ok = TRUE;

  g_return_val_if_fail (txn != NULL, FALSE);
  g_return_val_if_fail (txn->all_or_nothing, FALSE);
  g_return_val_if_fail (rows != NULL || n_rows == 0, FALSE);

  while (ok && done < n_rows)
    {
      const EvgTableSpec *spec = evg_field_set_get_table (rows[done]);
      g_autoptr(GError) bulk_error = NULL;
      guint64 null_default, mask;

      ok = savepoint (txn, error) && get_null_default_mask (txn, spec, &null_default, error);
      if (!ok)
        break;

      /* A run too short for a shared statement goes row by row, and so
       * do keyed rows, whose ids come from their keys. */
      if (spec->key_columns != NULL || spec->parent != NULL ||
          count_alike (rows + done, n_rows - done, null_default, &mask) < BULK_ROWS)
        {
          g_autofree char *id = evg_txn_insert (txn, rows[done], NULL, error);

          ok = id != NULL;
          done += ok ? 1 : 0;
          continue;
        }

      if (insert_bulk (txn, rows + done, mask, &bulk_error))
        {
          done += BULK_ROWS;
          continue;
        }

      ok = FALSE;
      /* Only a row's own fault, a constraint, is worth finding row by row.
       * A full disk or a failed write would fail every row alike, and after
       * the row statement succeeded and the outbox statement failed, its
       * rows would make the retry fail as duplicates: the user would be
       * told of a conflict rather than of the full disk. */
      if (g_error_matches (bulk_error, EVG_STORE_ERROR, EVG_STORE_ERROR_CONSTRAINT) &&
          !sqlite3_get_autocommit (evg_store_get_db (txn->store)))
        {
          for (guint i = 0; i < BULK_ROWS; i++)
            {
              g_autofree char *id = evg_txn_insert (txn, rows[done + i], NULL, error);

              if (id == NULL)
                {
                  done += i;
                  g_clear_error (&bulk_error);
                  break;
                }
            }
        }
      if (bulk_error != NULL)
        g_propagate_error (error, g_steal_pointer (&bulk_error));
      txn->failed = TRUE;
    }

  if (n_written != NULL)
    *n_written = done;
  return ok;
}

/* Reads the row's clock and drops from @fields every value that equals what
 * is stored, so that saving an unchanged form or re-importing the same file
 * makes no change at all. */
static gboolean
read_current (EvgTxn        *txn,
              const char    *id,
              EvgFieldSet   *fields,
              char         **base_hlc,
              GError       **error)
{
  const EvgTableSpec *spec = evg_field_set_get_table (fields);
  GString *sql = txn->scratch;
  sqlite3_stmt *stmt;
  int rc, col = 2;

  g_string_printf (sql, "SELECT hlc, deleted");
  for (guint i = 0; i < spec->n_columns; i++)
    if (evg_field_set_has_index (fields, i))
      g_string_append_printf (sql, ", %s", spec->columns[i].name);
  g_string_append_printf (sql, " FROM %s WHERE id = ?", spec->name);

  stmt = evg_store_prepare (txn->store, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW || sqlite3_column_int (stmt, 1) != 0)
    {
      sqlite3_reset (stmt);
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_FOUND,
                     _("The record no longer exists; it may have been deleted meanwhile."));
      else
        evg_store_set_error (txn->store, rc, error);
      return FALSE;
    }

  *base_hlc = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  for (guint i = 0; i < spec->n_columns; i++)
    {
      const char *stored, *wanted;

      if (!evg_field_set_has_index (fields, i))
        continue;

      stored = (const char *) sqlite3_column_text (stmt, col++);
      wanted = evg_field_set_get_index (fields, i);
      if (g_strcmp0 (stored, wanted) != 0 &&
          evg_column_spec_keeps_stored (&spec->columns[i], stored, wanted))
        {
          /* The merge would keep the stored time on every other replica. */
          g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
                       (spec->columns[i].flags & EVG_COLUMN_FLAG_EARLIEST) != 0
                       ? _("“%s” can only be moved earlier once it is recorded.")
                       : _("“%s” can only be moved later once it is recorded."),
                       _(spec->columns[i].label));
          sqlite3_reset (stmt);
          return FALSE;
        }
      if (spec->columns[i].type == EVG_COLUMN_INT && stored != NULL && wanted != NULL)
        {
          if (g_ascii_strtoll (stored, NULL, 10) == g_ascii_strtoll (wanted, NULL, 10))
            evg_field_set_unset (fields, spec->columns[i].name);
        }
      else if (g_strcmp0 (stored, wanted) == 0)
        evg_field_set_unset (fields, spec->columns[i].name);
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* The table's state machine (evg_table_spec_check_state()) for a change
 * of row @id, stored already, that sets @fields (@deleting: or deletes it).
 * The server checks the same for every change it is sent. */
static gboolean
check_state (EvgTxn        *txn,
             const char    *id,
             EvgFieldSet   *fields,
             gboolean       deleting,
             GError       **error)
{
  const EvgTableSpec *spec = evg_field_set_get_table (fields);
  g_autofree char *stored = NULL;
  const char *problem;
  gboolean sets_state;
  sqlite3_stmt *stmt;

  if (spec->state_column == NULL)
    return TRUE;
  g_string_printf (txn->scratch, "SELECT %s FROM %s WHERE id = ?", spec->state_column, spec->name);
  stmt = evg_store_prepare (txn->store, txn->scratch->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    stored = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  sets_state = evg_field_set_has (fields, spec->state_column);
  problem = evg_table_spec_check_state (spec, TRUE, stored, sets_state,
                                        sets_state ? evg_field_set_get (fields, spec->state_column) : NULL,
                                        deleting || evg_field_set_count (fields) > (sets_state ? 1u : 0u));
  if (problem == NULL)
    return TRUE;
  g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
               g_str_equal (problem, "locked")
               ? _("This record is final and can no longer be changed.")
               : _("The record cannot move from “%s” to that status."),
               state_label (spec, stored != NULL ? stored : spec->initial_state));
  return FALSE;
}

/* Writes @fields to row @id with a new clock, and with @restore also clears
 * its tombstone, then queues the change; both update paths end here.  The
 * caller holds the savepoint and releases it with the result. */
static gboolean
write_row (EvgTxn       *txn,
           const char   *id,
           EvgFieldSet  *fields,
           const char   *base_hlc,
           gboolean      restore,
           GError      **error)
{
  const EvgTableSpec *spec = evg_field_set_get_table (fields);
  char hlc[EVG_HLC_TEXT_LEN + 1];
  g_autofree char *json = NULL;
  GString *sql = txn->scratch;
  sqlite3_stmt *stmt;
  int pos;

  evg_hlc_format (evg_hlc_now (txn->hlc), hlc);
  g_string_printf (sql, "UPDATE %s SET hlc = ?1", spec->name);
  if (restore)
    g_string_append (sql, ", deleted = 0");
  /* Numbered: a bare “?” after ?1 would take number 2, the id's. */
  pos = 3;
  for (guint i = 0; i < spec->n_columns; i++)
    if (evg_field_set_has_index (fields, i))
      g_string_append_printf (sql, ", %s = ?%d", spec->columns[i].name, pos++);
  g_string_append (sql, ", field_hlc = json_set(field_hlc");
  if (restore)
    g_string_append (sql, ", '$.deleted', ?1");
  for (guint i = 0; i < spec->n_columns; i++)
    if (evg_field_set_has_index (fields, i))
      g_string_append_printf (sql, ", '$.%s', ?1", spec->columns[i].name);
  g_string_append (sql, ") WHERE id = ?2");

  stmt = evg_store_prepare (txn->store, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);
  pos = 3;
  for (guint i = 0; i < spec->n_columns; i++)
    if (evg_field_set_has_index (fields, i))
      bind_value (stmt, pos++, &spec->columns[i], evg_field_set_get_index (fields, i));

  if (!evg_sqlite_step_done (txn->sqlite, stmt, error))
    return FALSE;

  g_string_truncate (sql, 0);
  evg_field_set_append_json (fields, sql);
  if (restore)
    g_string_insert (sql, 1, evg_field_set_count (fields) > 0 ? "\"deleted\":0," : "\"deleted\":0");
  json = g_strdup (sql->str);
  return append_outbox (txn, spec->name, id, "update", json, hlc, base_hlc, error);
}

/**
 * evg_txn_update:
 * @txn: an open transaction
 * @id: the row to change
 * @fields: the columns to change; values equal to the stored ones are
 *   removed from the set
 *
 * Returns: %TRUE on success, including when nothing needed to change
 */
gboolean
evg_txn_update (EvgTxn       *txn,
                const char   *id,
                EvgFieldSet  *fields,
                GError      **error)
{
  const EvgTableSpec *spec = evg_field_set_get_table (fields);
  g_autofree char *base_hlc = NULL;

  g_return_val_if_fail (txn != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!check_writable (spec, fields, FALSE, error) || !savepoint (txn, error))
    return FALSE;

  if (!read_current (txn, id, fields, &base_hlc, error))
    return release (txn, FALSE, NULL);

  if (evg_field_set_count (fields) == 0)
    return release (txn, TRUE, error);

  if (!check_state (txn, id, fields, FALSE, error) || !check_parent (txn, id, fields, error))
    return release (txn, FALSE, NULL);

  if (!release (txn, write_row (txn, id, fields, base_hlc, FALSE, error), error))
    return FALSE;

  note_changed (txn, spec->name, id);
  return TRUE;
}

/**
 * evg_txn_delete:
 *
 * Marks the row deleted.  The row stays as a tombstone so that the deletion
 * can travel to other replicas.
 */
gboolean
evg_txn_delete (EvgTxn      *txn,
                const char  *table,
                const char  *id,
                GError     **error)
{
  const EvgTableSpec *spec = evg_schema_lookup_table (table);
  g_autoptr(EvgFieldSet) none = NULL;
  g_autofree char *base_hlc = NULL;
  char hlc[EVG_HLC_TEXT_LEN + 1];
  sqlite3_stmt *stmt;
  gboolean ok;

  g_return_val_if_fail (txn != NULL, FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  if (!savepoint (txn, error))
    return FALSE;

  none = evg_field_set_new (spec);
  if (!check_writable (spec, none, FALSE, error))
    return release (txn, FALSE, NULL);
  if (!read_current (txn, id, none, &base_hlc, error) ||
      !check_state (txn, id, none, TRUE, error) ||
      !check_parent (txn, id, none, error))
    return release (txn, FALSE, NULL);

  evg_hlc_format (evg_hlc_now (txn->hlc), hlc);
  g_string_printf (txn->scratch,
                   "UPDATE %s SET deleted = 1, hlc = ?1, "
                   "field_hlc = json_set(field_hlc, '$.deleted', ?1) WHERE id = ?2",
                   spec->name);
  stmt = evg_store_prepare (txn->store, txn->scratch->str, error);
  if (stmt == NULL)
    return release (txn, FALSE, NULL);
  sqlite3_bind_text (stmt, 1, hlc, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_STATIC);

  ok = evg_sqlite_step_done (txn->sqlite, stmt, error) &&
       append_outbox (txn, spec->name, id, "delete", "{}", hlc, base_hlc, error);

  if (!release (txn, ok, error))
    return FALSE;

  note_changed (txn, spec->name, id);
  return TRUE;
}

/* Writes @fields with a fresh clock even where they equal the stored
 * values, and with @restore also clears the tombstone.  Resolving a sync
 * conflict needs both: the chosen value must carry a clock newer than the
 * contested ones so that every replica settles on it. */
static gboolean
write_forced (EvgTxn       *txn,
              const char   *id,
              EvgFieldSet  *fields,
              gboolean      restore,
              GError      **error)
{
  const EvgTableSpec *spec = evg_field_set_get_table (fields);
  g_autofree char *base_hlc = NULL;
  GString *sql = txn->scratch;
  sqlite3_stmt *stmt;
  gboolean ok;
  int rc;

  g_return_val_if_fail (txn != NULL, FALSE);
  g_return_val_if_fail (id != NULL, FALSE);

  if (!check_writable (spec, fields, FALSE, error) || !savepoint (txn, error))
    return FALSE;

  g_string_printf (sql, "SELECT hlc FROM %s WHERE id = ?", spec->name);
  stmt = evg_store_prepare (txn->store, sql->str, error);
  if (stmt == NULL)
    return release (txn, FALSE, NULL);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    base_hlc = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);
  if (base_hlc == NULL)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_NOT_FOUND,
                   _("The record no longer exists; it may have been deleted meanwhile."));
      return release (txn, FALSE, NULL);
    }

  ok = write_row (txn, id, fields, base_hlc, restore, error);

  if (!release (txn, ok, error))
    return FALSE;

  note_changed (txn, spec->name, id);
  return TRUE;
}

/**
 * evg_txn_rewrite:
 *
 * Like evg_txn_update(), but writes every value of @fields with a new clock,
 * even the ones that equal what is stored.  For resolving sync conflicts.
 */
gboolean
evg_txn_rewrite (EvgTxn       *txn,
                 const char   *id,
                 EvgFieldSet  *fields,
                 GError      **error)
{
  return write_forced (txn, id, fields, FALSE, error);
}

/**
 * evg_txn_restore:
 *
 * Brings a deleted row back, writing @fields (which may be empty) with it.
 * The restore travels as an update that sets "deleted" to 0, which wins
 * over the delete on every replica because its clock is newer.
 */
gboolean
evg_txn_restore (EvgTxn       *txn,
                 const char   *id,
                 EvgFieldSet  *fields,
                 GError      **error)
{
  return write_forced (txn, id, fields, TRUE, error);
}

/**
 * evg_txn_set_all_or_nothing:
 *
 * Makes the transaction one unit for bulk work such as an import: the
 * writes skip their own savepoints, and once one fails no other write is
 * accepted and evg_txn_commit() refuses, so freeing the transaction rolls
 * all of it back.  Call it before the first write.
 */
void
evg_txn_set_all_or_nothing (EvgTxn *txn)
{
  g_return_if_fail (txn != NULL);
  txn->all_or_nothing = TRUE;
}

/**
 * evg_txn_commit:
 *
 * Makes every write of the transaction durable at once, then tells the
 * store's listeners which tables changed.  On failure nothing was written.
 */
gboolean
evg_txn_commit (EvgTxn  *txn,
                GError **error)
{
  char hlc[EVG_HLC_TEXT_LEN + 1];
  sqlite3_stmt *stmt;

  g_return_val_if_fail (txn != NULL, FALSE);
  g_return_val_if_fail (txn->open, FALSE);

  if (txn->failed)
    {
      g_set_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_INVALID,
                   "An earlier write of this transaction failed; nothing was written");
      return FALSE;
    }

  evg_hlc_format (evg_hlc_get_last (txn->hlc), hlc);
  stmt = evg_store_prepare (txn->store, "UPDATE sync_state SET last_hlc = ? WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hlc, -1, SQLITE_STATIC);
  if (!evg_sqlite_step_done (txn->sqlite, stmt, error))
    return FALSE;

  if (!evg_sqlite_commit (txn->sqlite, error))
    return FALSE;

  txn->open = FALSE;
  evg_store_txn_finished (txn->store, txn);

  evg_store_emit_changes (txn->store, txn->changed);

  return TRUE;
}

/* Frees the transaction, rolling it back when it was not committed. */
void
evg_txn_free (EvgTxn *txn)
{
  if (txn == NULL)
    return;

  if (txn->open)
    {
      evg_sqlite_rollback (txn->sqlite);
      evg_store_txn_finished (txn->store, txn);
    }

  g_clear_pointer (&txn->hlc, evg_hlc_free);
  g_clear_pointer (&txn->changed, g_hash_table_unref);
  g_string_free (txn->scratch, TRUE);
  g_clear_pointer (&txn->branch, g_free);
  g_clear_pointer (&txn->insert_sql, g_hash_table_unref);
  g_free (txn);
}
