/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-member-io"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-csv.h"
#include "evg-row-reader.h"
#include "evg-field-set.h"
#include "evg-member-io.h"
#include "evg-roster-private.h"
#include "evg-store-private.h"
#include "evg-txn.h"
#include "evg-xlsx-writer.h"

/* Rows between checks for cancellation and progress reports. */
#define CHECK_EVERY 256

/* An import checks its rows in a thread of its own while the calling
 * thread writes the rows checked before, so that the two cores of an
 * ordinary office PC share the work.  The checking thread hands its writes
 * over every CHECK_EVERY rows, at most N_BATCHES batches ahead of the
 * writer; a batch has room for the party groups that rows make too. */
#define BATCH_ROWS (2 * CHECK_EVERY)
#define N_BATCHES  8

/* One write the checking thread asks for. */
typedef struct
{
  guint        line;
  gboolean     update;
  char        *id;      /* the member to update, a new group's id, or NULL */
  EvgFieldSet *fields;  /* kept from one use to the next */
} Write;

typedef struct
{
  Write    writes[BATCH_ROWS];
  guint    n_writes;
  double   fraction;    /* of the file checked when the batch was handed over */
  gboolean last;
} Batch;

/* The national form's 所在党支部: written on export, ignored on import
 * since every member of the file belongs to this workstation's branch. */
#define BRANCH_HEADER "所在党支部"

/* The columns that evg_import_result_save_rejected() adds, which a file
 * fixed and imported again may still have. */
#define LINE_HEADER   "原行号"
#define REASON_HEADER "问题说明"

/* The sheet of a workbook export, named as the national form is. */
#define MEMBER_SHEET "党员名册"

static void
rejection_free (EvgImportRejection *r)
{
  g_free (r->field);
  g_free (r->column);
  g_free (r->message);
  g_free (r);
}

static EvgImportRejection *
rejection_copy (const EvgImportRejection *r)
{
  EvgImportRejection *copy = g_new0 (EvgImportRejection, 1);

  copy->line = r->line;
  copy->field = g_strdup (r->field);
  copy->column = g_strdup (r->column);
  copy->message = g_strdup (r->message);
  return copy;
}

static void
import_row_free (EvgImportRow *row)
{
  g_strfreev (row->cells);
  g_free (row);
}

static EvgImportResult *
import_result_new (void)
{
  EvgImportResult *result = g_new0 (EvgImportResult, 1);

  result->rejected = g_ptr_array_new_with_free_func ((GDestroyNotify) rejection_free);
  result->ignored_columns = g_ptr_array_new_with_free_func (g_free);
  result->header = g_ptr_array_new_with_free_func (g_free);
  result->rejected_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) import_row_free);
  return result;
}

EvgImportResult *
evg_import_result_copy (const EvgImportResult *result)
{
  EvgImportResult *copy;

  g_return_val_if_fail (result != NULL, NULL);

  copy = import_result_new ();
  copy->added = result->added;
  copy->updated = result->updated;
  copy->unchanged = result->unchanged;
  copy->n_rejected_rows = result->n_rejected_rows;
  copy->groups_added = result->groups_added;
  copy->written = result->written;
  copy->encoding = g_strdup (result->encoding);
  copy->sheet = g_strdup (result->sheet);
  copy->n_lines = result->n_lines;
  copy->n_header_lines = result->n_header_lines;
  copy->n_header_rows = result->n_header_rows;
  copy->n_accepted_lines = result->n_accepted_lines;
  copy->n_rejected_lines = result->n_rejected_lines;
  copy->n_blank_lines = result->n_blank_lines;
  for (guint i = 0; i < result->rejected->len; i++)
    g_ptr_array_add (copy->rejected, rejection_copy (g_ptr_array_index (result->rejected, i)));
  for (guint i = 0; i < result->ignored_columns->len; i++)
    g_ptr_array_add (copy->ignored_columns, g_strdup (g_ptr_array_index (result->ignored_columns, i)));
  for (guint i = 0; i < result->header->len; i++)
    g_ptr_array_add (copy->header, g_strdup (g_ptr_array_index (result->header, i)));
  for (guint i = 0; i < result->rejected_rows->len; i++)
    {
      const EvgImportRow *row = g_ptr_array_index (result->rejected_rows, i);
      EvgImportRow *row_copy = g_new0 (EvgImportRow, 1);

      row_copy->line = row->line;
      row_copy->cells = g_strdupv (row->cells);
      g_ptr_array_add (copy->rejected_rows, row_copy);
    }
  return copy;
}

void
evg_import_result_free (EvgImportResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->rejected);
  g_ptr_array_unref (result->ignored_columns);
  g_ptr_array_unref (result->header);
  g_ptr_array_unref (result->rejected_rows);
  g_free (result->encoding);
  g_free (result->sheet);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (EvgImportResult, evg_import_result, evg_import_result_copy, evg_import_result_free)

typedef struct
{
  EvgStore        *store;
  EvgStore        *read_store;     /* where the checking thread looks members up */
  EvgTxn          *txn;            /* NULL for a dry run */
  EvgRowReader    *reader;
  GCancellable    *cancellable;
  EvgImportResult *result;
  int              columns[EVG_MEMBER_N_FIELDS];  /* field → column, or -1 */
  GPtrArray       *headers;
  GHashTable      *groups;         /* name → id, existing and new */
  gint64           new_group_order; /* sort_order of the groups it adds */
  GHashTable      *seen;           /* ID number → first line */
  GDate            today;
  gboolean         any_existing;   /* FALSE: no row can update a member */
  EvgIndexAdditions *additions;    /* (nullable) filled by the checking thread */
  EvgMember       *blank;          /* reset for each new member checked */

  /* Between the checking thread and the writer; unused in a dry run. */
  Batch           *batch;          /* being filled by the checking thread */
  GAsyncQueue     *full;           /* batches to write, in order */
  GAsyncQueue     *empty;          /* written batches, to be filled again */
  gint             stop;           /* the writer gave up: check no further */
  guint            failed_line;    /* of the write that failed */
} Import;

static void
reject (Import     *import,
        guint       line,
        const char *field,
        const char *message)
{
  EvgImportRejection *r = g_new0 (EvgImportRejection, 1);
  int f = field != NULL ? evg_member_field_from_name (field) : -1;

  r->line = line;
  r->field = g_strdup (field);
  if (f >= 0 && import->columns[f] >= 0)
    r->column = g_strdup (g_ptr_array_index (import->headers, import->columns[f]));
  r->message = g_strdup (message);
  g_ptr_array_add (import->result->rejected, r);
}

static gboolean
load_groups (Import  *import,
             GError **error)
{
  sqlite3_stmt *stmt = evg_store_prepare (import->store,
                                          "SELECT id, name, sort_order FROM party_group WHERE deleted = 0", error);

  if (stmt == NULL)
    return FALSE;
  /* The groups a file adds come after the branch's own, all at one order:
   * a roster lists its members by name, so the order the groups first turn
   * up in says nothing, and their names (第一, 第二, …) sort them. */
  import->new_group_order = 0;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_hash_table_insert (import->groups, g_strdup ((const char *) sqlite3_column_text (stmt, 1)),
                           g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      import->new_group_order = CLAMP (sqlite3_column_int64 (stmt, 2) + 1, import->new_group_order, 1000000);
    }
  sqlite3_reset (stmt);
  return TRUE;
}

/* Hands the batch being filled to the writer and takes an empty one. */
static void
hand_over (Import   *import,
           gboolean  last)
{
  import->batch->fraction = evg_row_reader_get_fraction (import->reader);
  import->batch->last = last;
  g_async_queue_push (import->full, import->batch);
  import->batch = last ? NULL : g_async_queue_pop (import->empty);
}

/* Asks the writer for a write to @table, whose values the caller then
 * sets in the returned field set. */
static EvgFieldSet *
queue_write (Import     *import,
             guint       line,
             const char *table,
             const char *id,
             gboolean    update)
{
  const EvgTableSpec *spec = evg_schema_lookup_table (table);
  Write *write;

  if (import->batch->n_writes == BATCH_ROWS)
    hand_over (import, FALSE);
  write = &import->batch->writes[import->batch->n_writes++];
  write->line = line;
  write->update = update;
  g_free (write->id);
  write->id = g_strdup (id);
  if (write->fields != NULL && evg_field_set_get_table (write->fields) == spec)
    evg_field_set_clear (write->fields);
  else
    {
      evg_field_set_free (write->fields);
      write->fields = evg_field_set_new (spec);
    }
  return write->fields;
}

/* Finds the group called @name, making it (in the import's transaction)
 * when there is none yet. */
static const char *
resolve_group (Import     *import,
               const char *name,
               guint       line)
{
  g_autofree char *clean = g_strstrip (g_strdup (name));
  const char *id = g_hash_table_lookup (import->groups, clean);
  g_autofree char *new_id = NULL;

  if (id != NULL)
    return id;
  /* The group as this program's export wrote its formula-like name. */
  if (clean[0] == '\'' && evg_csv_cell_is_formula_like (clean + 1) &&
      (id = g_hash_table_lookup (import->groups, clean + 1)) != NULL)
    return id;

  if (import->txn != NULL)
    {
      EvgFieldSet *fields;

      /* Named now, as the members that follow refer to it. */
      new_id = evg_txn_new_id ();
      fields = queue_write (import, line, "party_group", new_id, FALSE);
      evg_field_set_set (fields, "name", clean);
      evg_field_set_set_int (fields, "sort_order", import->new_group_order);
    }
  else
    new_id = g_uuid_string_random ();

  import->result->groups_added++;
  id = new_id;
  g_hash_table_insert (import->groups, g_steal_pointer (&clean), g_steal_pointer (&new_id));
  return id;
}

/* Strips what spreadsheets wrap around numbers kept as text: ="…", a
 * leading apostrophe or tab.  A text field keeps its apostrophe: it is
 * what this program's export (and OWASP's advice) puts before a cell that
 * a spreadsheet would run as a formula, so stripping it would bring
 * =HYPERLINK(…) back to life in the next export by another program.  The
 * other fields must match a format (dates, amounts, ID numbers, phones,
 * choices) that no formula does, so what they hold stays inert. */
static const char *
unwrap_cell (const char *cell,
             gboolean    keep_apostrophe,
             GString    *scratch)
{
  gsize len;

  while (*cell == '\t' || *cell == ' ')
    cell++;
  len = strlen (cell);
  if (len >= 3 && cell[0] == '=' && cell[1] == '"' && cell[len - 1] == '"')
    {
      g_string_assign (scratch, "");
      g_string_append_len (scratch, cell + 2, (gssize) len - 3);
      return scratch->str;
    }
  if (cell[0] == '\'' && !keep_apostrophe)
    return cell + 1;
  return cell;
}

/* Whether @cell is the apostrophe that this program's export puts before
 * @value, which would run as a formula: the cell then stands for @value
 * itself.  A member who holds @value already keeps it, so that importing
 * an export again changes nothing. */
static gboolean
is_guarded (const char *cell,
            const char *value)
{
  return cell[0] == '\'' && evg_csv_cell_is_formula_like (value) && g_str_equal (cell + 1, value);
}

/* Whether @field holds free text, which no format check keeps from
 * starting like a formula. */
static gboolean
is_free_text (int field)
{
  EvgFieldKind kind = evg_member_field_get_info (field)->kind;

  return kind == EVG_FIELD_KIND_TEXT || kind == EVG_FIELD_KIND_PARTY_GROUP;
}

static gboolean
is_blank (const char *cell)
{
  for (const char *p = cell; *p != '\0'; p++)
    if (!g_ascii_isspace (*p))
      return FALSE;
  return TRUE;
}

/* Makes the index entry of a new member as the roster would read it back
 * from the row: values the field set leaves out take the columns'
 * defaults, and integer columns hold what their text reads as. */
static void
add_index_row (EvgIndexAdditions *additions,
               EvgMember         *member)
{
  EvgIndexRow row = { 0 };
  const char *lost = evg_member_get (member, EVG_MEMBER_LOST_CONTACT);
  const char *mobile = evg_member_get (member, EVG_MEMBER_MOBILE_MEMBER);

  row.name = evg_member_get (member, EVG_MEMBER_NAME);
  row.gender = evg_member_get (member, EVG_MEMBER_GENDER);
  row.id_number = evg_member_get (member, EVG_MEMBER_ID_NUMBER);
  row.birth_date = evg_member_get (member, EVG_MEMBER_BIRTH_DATE);
  row.birth_len = row.birth_date != NULL ? (int) strlen (row.birth_date) : 0;
  row.category = evg_member_get (member, EVG_MEMBER_CATEGORY);
  row.party_group_id = evg_member_get (member, EVG_MEMBER_PARTY_GROUP_ID);
  row.full_member_on = evg_member_get (member, EVG_MEMBER_FULL_MEMBER_ON);
  row.full_len = row.full_member_on != NULL ? (int) strlen (row.full_member_on) : 0;
  row.phone = evg_member_get (member, EVG_MEMBER_PHONE);
  row.standing = evg_member_get (member, EVG_MEMBER_STANDING);
  row.lost_contact = lost != NULL && g_ascii_strtoll (lost, NULL, 10) != 0;
  row.mobile_member = mobile != NULL && g_ascii_strtoll (mobile, NULL, 10) != 0;
  row.former = evg_member_get (member, EVG_MEMBER_LEFT_REASON) != NULL;
  evg_index_additions_add_row (additions, &row);
}

/* Whether @text, @len bytes of one line inside a cell, looks like a row
 * of the file rather than like text: as many separators as half the
 * header has, and at least three, or an ID number beside one. */
static gboolean
looks_like_row (Import     *import,
                const char *text,
                gsize       len)
{
  char delimiter = evg_row_reader_get_delimiter (import->reader);
  guint separators = 0, digits = 0;
  gboolean id_number = FALSE;

  for (gsize i = 0; i <= len; i++)
    {
      char c = i < len ? text[i] : '\0';

      if (g_ascii_isdigit (c))
        {
          digits++;
          continue;
        }
      if (digits == 18 || (digits == 17 && (c == 'X' || c == 'x')))
        id_number = TRUE;
      digits = 0;
      if (c == delimiter)
        separators++;
    }
  return separators >= MAX (3, (import->headers->len - 1) / 2) || (id_number && separators > 0);
}

/* Rejects the row when one of its cells holds a line break followed by
 * what looks like another row of the file.  That is what a quote left
 * open does when a later one closes it: every row between the two is read
 * into one cell, and without this the import would say nothing of them. */
static gboolean
reject_swallowed_rows (Import    *import,
                       GPtrArray *cells,
                       guint      line)
{
  guint at = line;

  for (guint i = 0; i < cells->len; i++)
    {
      const char *p = g_ptr_array_index (cells, i);

      while ((p = strpbrk (p, "\r\n")) != NULL)
        {
          gsize len;

          p += p[0] == '\r' && p[1] == '\n' ? 2 : 1;
          at++;
          len = strcspn (p, "\r\n");
          if (looks_like_row (import, p, len))
            {
              EvgImportRejection *r = g_new0 (EvgImportRejection, 1);
              g_autofree char *shown = g_strndup (p, len);

              if (g_utf8_strlen (shown, -1) > 40)
                {
                  g_autofree char *cut = g_utf8_substring (shown, 0, 40);

                  g_free (shown);
                  shown = g_strconcat (cut, "…", NULL);
                }
              r->line = line;
              for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
                if (import->columns[f] == (int) i)
                  r->field = g_strdup (evg_member_field_get_info (f)->field);
              if (i < import->headers->len)
                r->column = g_strdup (g_ptr_array_index (import->headers, i));
              r->message = g_strdup_printf (_("This cell runs over several lines, and its line %u "
                                              "of the file looks like a row of its own (“%s”): a "
                                              "quote (\") before it was probably never closed, so "
                                              "the rows after it were read into this cell. Check "
                                              "the quotes in the spreadsheet and import the file "
                                              "again."),
                                            at, shown);
              g_ptr_array_add (import->result->rejected, r);
              return TRUE;
            }
          p += len;
        }
    }
  return FALSE;
}

/* Checks one data row, counts it and, unless this is a dry run, asks for
 * its write. */
static void
import_row (Import     *import,
            GPtrArray  *cells,
            guint       line,
            guint       n_lines,
            GString    *scratch)
{
  g_autoptr(EvgMember) existing = NULL;
  g_autoptr(EvgMember) member = NULL;
  g_autoptr(GPtrArray) issues = NULL;
  g_autofree char *id_number = NULL;
  guint before = import->result->rejected->len;
  int id_col = import->columns[EVG_MEMBER_ID_NUMBER];

  if (n_lines > 1 && reject_swallowed_rows (import, cells, line))
    {
      import->result->n_rejected_rows++;
      return;
    }

  if (id_col >= 0 && (guint) id_col < cells->len)
    {
      const char *cell = unwrap_cell (g_ptr_array_index (cells, id_col), FALSE, scratch);

      if (!is_blank (cell))
        id_number = evg_id_number_normalize (cell);
    }

  if (id_number != NULL)
    {
      gpointer first = g_hash_table_lookup (import->seen, id_number);

      if (first != NULL)
        {
          g_autofree char *message =
            g_strdup_printf (_("The same ID number is already on line %u of the file."),
                             GPOINTER_TO_UINT (first));

          reject (import, line, "id_number", message);
          import->result->n_rejected_rows++;
          return;
        }
      g_hash_table_insert (import->seen, g_strdup (id_number), GUINT_TO_POINTER (line));
      if (import->any_existing)
        existing = evg_roster_read_member (import->read_store, "id_number", id_number);
    }

  if (existing != NULL)
    member = evg_member_copy (existing);
  else
    {
      /* One object for every new member: a row's values are copied out
       * (to its write and index entry) before the next row is checked. */
      member = g_object_ref (import->blank);
      evg_member_reset (member);
    }
  for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
    {
      int col = import->columns[f];
      g_autofree char *date = NULL;
      const char *cell;

      if (col < 0 || (guint) col >= cells->len)
        continue;
      cell = unwrap_cell (g_ptr_array_index (cells, col), is_free_text (f), scratch);
      /* A blank cell never overwrites what the member has. */
      if (is_blank (cell))
        continue;
      /* A date whose cell lost its date format reads as a day number. */
      if (evg_member_field_get_info (f)->kind == EVG_FIELD_KIND_DATE &&
          (date = evg_row_reader_dup_date (import->reader, cell)) != NULL)
        cell = date;
      if (existing != NULL && is_free_text (f) && is_guarded (cell, evg_member_get (existing, f)))
        continue;

      if (f == EVG_MEMBER_PARTY_GROUP_ID)
        evg_member_set (member, f, resolve_group (import, cell, line));
      else if (f == EVG_MEMBER_ID_NUMBER)
        {
          /* Normalised above from this very cell; normalising drops the
           * spaces that evg_member_take_text() would strip. */
          evg_member_set (member, f, id_number);
        }
      else
        evg_member_take_text (member, f, cell);
    }
  evg_member_complete (member);

  issues = evg_member_validate (member, &import->today);
  for (guint i = 0; i < issues->len; i++)
    {
      EvgValidationIssue *issue = g_ptr_array_index (issues, i);

      reject (import, line, issue->field, issue->message);
    }
  if (import->result->rejected->len > before)
    {
      import->result->n_rejected_rows++;
      return;
    }

  if (existing != NULL && evg_member_equal_fields (existing, member))
    {
      import->result->unchanged++;
      return;
    }

  if (import->txn != NULL)
    {
      EvgFieldSet *fields = queue_write (import, line, "member",
                                         existing != NULL ? evg_member_get_id (existing) : NULL,
                                         existing != NULL);

      /* A new row leaves its empty columns out, which keeps its outbox
       * entry short; an update names every column and keeps the changed. */
      evg_member_fill_field_set (member, fields, existing == NULL);

      /* Here, beside the writer, rather than by the roster after the
       * commit, which would read every row back. */
      if (import->additions != NULL && existing != NULL)
        evg_index_additions_add_update (import->additions, evg_member_get_id (existing));
      else if (import->additions != NULL)
        add_index_row (import->additions, member);
    }

  if (existing != NULL)
    import->result->updated++;
  else
    import->result->added++;
}

/* Maps the header row to fields; FALSE when the file is not a roster. */
static gboolean
read_header (Import     *import,
             GPtrArray  *cells,
             GError    **error)
{
  /* A row tried before may have been no header. */
  g_ptr_array_set_size (import->headers, 0);
  g_ptr_array_set_size (import->result->ignored_columns, 0);
  for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
    import->columns[f] = -1;

  for (guint i = 0; i < cells->len; i++)
    {
      const char *header = g_ptr_array_index (cells, i);
      int field;

      /* A BOM inside the header (a file saved twice) is no part of it. */
      if (g_str_has_prefix (header, "\xEF\xBB\xBF"))
        header += 3;
      g_ptr_array_add (import->headers, g_strstrip (g_strdup (header)));
      header = g_ptr_array_index (import->headers, i);
      field = evg_member_field_from_header (header);

      if (field < 0)
        {
          if (*header != '\0' && !g_str_equal (header, BRANCH_HEADER) &&
              !g_str_equal (header, LINE_HEADER) && !g_str_equal (header, REASON_HEADER))
            g_ptr_array_add (import->result->ignored_columns, g_strdup (header));
          continue;
        }
      if (import->columns[field] >= 0)
        {
          g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE,
                       _("The columns “%s” and “%s” both hold %s; keep one of them."),
                       (const char *) g_ptr_array_index (import->headers, import->columns[field]),
                       header, _(evg_member_field_get_info (field)->label));
          return FALSE;
        }
      import->columns[field] = (int) i;
    }

  if (import->columns[EVG_MEMBER_NAME] < 0 || import->columns[EVG_MEMBER_ID_NUMBER] < 0)
    {
      g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE,
                   _("The first row must name the columns, with at least 姓名 (name) and "
                     "公民身份证号 (id_number); this file has neither of them or no header row."));
      return FALSE;
    }
  return TRUE;
}

/* The rows above the header that a sheet of a workbook may have, such as a
 * title (某某党支部党员名册) over the table. */
#define MAX_TITLE_ROWS 5

/* Finds the header row: the first row of a CSV file, or in a workbook the
 * first sheet whose first rows (after a title, if any) have one, so that
 * a roster behind a cover sheet or a sheet of notes is found. */
static gboolean
find_header (Import      *import,
             const char  *path,
             GError     **error)
{
  EvgRowReader *reader = import->reader;
  guint n_sheets = evg_row_reader_get_n_sheets (reader);
  guint tries = evg_row_reader_is_workbook (reader) ? MAX_TITLE_ROWS + 1 : 1;
  g_autoptr(GError) first = NULL;
  guint sheets_with_rows = 0;

  for (guint sheet = 0; sheet < n_sheets; sheet++)
    {
      g_autoptr(GError) local = NULL;
      guint header_lines = 0, blank_lines = 0, tried = 0;
      GPtrArray *cells;
      guint line;

      if (!evg_row_reader_open_sheet (reader, sheet, &local))
        {
          g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE,
                       _("“%s” cannot be imported: %s"), path, local->message);
          return FALSE;
        }
      while (tried < tries && evg_row_reader_next (reader, &cells, &line))
        {
          g_autoptr(GError) header_error = NULL;
          guint n_lines = evg_row_reader_get_n_lines (reader) - line + 1;
          gboolean empty = TRUE;

          for (guint i = 0; i < cells->len && empty; i++)
            empty = is_blank (g_ptr_array_index (cells, i));
          if (empty)
            {
              blank_lines += n_lines;
              continue;
            }
          if (tried++ == 0)
            sheets_with_rows++;
          header_lines += n_lines;
          if (read_header (import, cells, &header_error))
            {
              for (guint i = 0; i < import->headers->len; i++)
                g_ptr_array_add (import->result->header, g_strdup (g_ptr_array_index (import->headers, i)));
              import->result->n_header_lines = header_lines;
              import->result->n_header_rows = tried;
              import->result->n_blank_lines += blank_lines;
              import->result->sheet = g_strdup (evg_row_reader_get_sheet_name (reader));
              return TRUE;
            }
          if (first == NULL)
            first = g_steal_pointer (&header_error);
        }
      if (!evg_row_reader_finish (reader, &local))
        {
          g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE,
                       _("“%s” cannot be imported: %s"), path, local->message);
          return FALSE;
        }
    }

  if (sheets_with_rows == 0)
    g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE, _("“%s” is empty."), path);
  else if (sheets_with_rows > 1)
    g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE,
                 _("No sheet of the workbook starts with a header row that has at least 姓名 "
                   "(name) and 公民身份证号 (id_number)."));
  else
    g_propagate_error (error, g_steal_pointer (&first));
  return FALSE;
}

/* Checks the data rows after the header.  Stops early, leaving the rest
 * unread, when the import is cancelled or its writer gave up; the caller
 * tells these apart from the end of the file. */
static void
check_rows (Import          *import,
            EvgProgressFunc  progress,
            gpointer         progress_data)
{
  g_autoptr(GString) scratch = g_string_new (NULL);
  GPtrArray *cells;
  guint line, rows = 0;
  double reported = 0;

  while (evg_row_reader_next (import->reader, &cells, &line))
    {
      guint n_lines = evg_row_reader_get_n_lines (import->reader) - line + 1;
      guint rejected_before = import->result->n_rejected_rows;
      gboolean empty = TRUE;

      for (guint i = 0; i < cells->len && empty; i++)
        empty = is_blank (g_ptr_array_index (cells, i));
      if (empty)
        {
          import->result->n_blank_lines += n_lines;
          continue;
        }

      import_row (import, cells, line, n_lines, scratch);
      if (import->result->n_rejected_rows > rejected_before)
        {
          EvgImportRow *kept = g_new0 (EvgImportRow, 1);

          /* Kept as the file has it, to be saved for fixing. */
          kept->line = line;
          kept->cells = g_new0 (char *, cells->len + 1);
          for (guint i = 0; i < cells->len; i++)
            kept->cells[i] = g_strdup (g_ptr_array_index (cells, i));
          g_ptr_array_add (import->result->rejected_rows, kept);
          import->result->n_rejected_lines += n_lines;
        }
      else
        import->result->n_accepted_lines += n_lines;

      if (++rows % CHECK_EVERY == 0)
        {
          double fraction = evg_row_reader_get_fraction (import->reader);

          if (g_cancellable_is_cancelled (import->cancellable) || g_atomic_int_get (&import->stop))
            return;
          /* The writer reports progress as it goes, so it hears from this
           * thread this often even when the rows were all rejected. */
          if (import->batch != NULL)
            hand_over (import, FALSE);
          else if (progress != NULL && fraction - reported >= 0.01)
            {
              progress (fraction, progress_data);
              reported = fraction;
            }
        }
    }
}

static gpointer
check_thread (gpointer data)
{
  Import *import = data;

  check_rows (import, NULL, NULL);
  hand_over (import, TRUE);
  return NULL;
}

/* Writes a batch in order: runs of new members together, the rest one by
 * one. */
static gboolean
write_batch (Import  *import,
             Batch   *batch,
             GError **error)
{
  EvgFieldSet *run[BATCH_ROWS];
  guint start = 0;

  for (guint i = 0; i <= batch->n_writes; i++)
    {
      Write *write = i < batch->n_writes ? &batch->writes[i] : NULL;
      g_autofree char *id = NULL;
      guint written;

      if (write != NULL && !write->update && write->id == NULL)
        {
          run[i - start] = write->fields;
          continue;
        }
      if (i > start && !evg_txn_insert_rows (import->txn, run, i - start, &written, error))
        {
          import->failed_line = batch->writes[MIN (start + written, i - 1)].line;
          return FALSE;
        }
      start = i + 1;
      if (write == NULL)
        break;

      import->failed_line = write->line;
      if (write->update)
        {
          if (!evg_txn_update (import->txn, write->id, write->fields, error))
            return FALSE;
        }
      else
        {
          id = evg_txn_insert (import->txn, write->fields, write->id, error);
          if (id == NULL)
            return FALSE;
        }
    }
  return TRUE;
}

/* Checks the rows in a thread while this one writes them, reporting
 * progress as the writes are done.  FALSE when a write failed or the
 * import was cancelled: then the transaction must not be committed. */
static gboolean
check_and_write (Import           *import,
                 EvgProgressFunc   progress,
                 gpointer          progress_data,
                 GError          **error)
{
  Batch *batches = g_new0 (Batch, N_BATCHES);
  GThread *thread;
  double reported = 0;
  gboolean ok = TRUE, last = FALSE;

  import->full = g_async_queue_new ();
  import->empty = g_async_queue_new ();
  for (guint i = 1; i < N_BATCHES; i++)
    g_async_queue_push (import->empty, &batches[i]);
  import->batch = &batches[0];
  thread = g_thread_new ("evg-import-check", check_thread, import);

  /* After a failure the batches still on their way are taken and dropped,
   * so that the checking thread is never left waiting. */
  while (!last)
    {
      Batch *batch = g_async_queue_pop (import->full);

      last = batch->last;
      if (ok && g_cancellable_set_error_if_cancelled (import->cancellable, error))
        ok = FALSE;
      else if (ok && !write_batch (import, batch, error))
        {
          g_prefix_error (error, _("Nothing was imported: writing line %u failed: "),
                          import->failed_line);
          ok = FALSE;
        }
      else if (ok && progress != NULL && batch->fraction - reported >= 0.01)
        {
          progress (batch->fraction, progress_data);
          reported = batch->fraction;
        }
      if (!ok)
        g_atomic_int_set (&import->stop, 1);
      batch->n_writes = 0;
      if (!last)
        g_async_queue_push (import->empty, batch);
    }
  g_thread_join (thread);

  for (guint i = 0; i < N_BATCHES; i++)
    for (guint j = 0; j < BATCH_ROWS; j++)
      {
        g_free (batches[i].writes[j].id);
        evg_field_set_free (batches[i].writes[j].fields);
      }
  g_free (batches);
  g_clear_pointer (&import->full, g_async_queue_unref);
  g_clear_pointer (&import->empty, g_async_queue_unref);

  /* The checking thread stops early only when cancelled. */
  return ok && !g_cancellable_set_error_if_cancelled (import->cancellable, error);
}

/* The largest rowid of the member table, 0 for none, -1 on error. */
static gint64
max_member_rowid (EvgStore *store)
{
  sqlite3_stmt *stmt = evg_store_prepare (store, "SELECT coalesce(max(rowid), 0) FROM member", NULL);
  gint64 rowid = -1;

  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    rowid = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return rowid;
}

/* evg_member_import(), filling @additions (when not %NULL) with the index
 * entries of what it writes. */
static EvgImportResult *
member_import (EvgStore           *store,
               const char         *path,
               EvgImportFlags      flags,
               guint64             max_size,
               EvgProgressFunc     progress,
               gpointer            progress_data,
               GCancellable       *cancellable,
               EvgIndexAdditions  *additions,
               GError            **error)
{
  g_autoptr(EvgRowReader) reader = NULL;
  g_autoptr(GError) local = NULL;
  g_autoptr(EvgTxn) txn = NULL;
  g_autoptr(EvgStore) sibling = NULL;
  Import import = { 0 };
  EvgImportResult *result = NULL;
  gint64 rowid_before = -1;

  g_return_val_if_fail (EVG_IS_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  reader = evg_row_reader_new_for_path (path, max_size, &local);
  if (reader == NULL)
    {
      g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE,
                   _("“%s” cannot be read: %s"), path, local->message);
      return NULL;
    }

  import.store = store;
  import.read_store = store;
  import.reader = reader;
  import.cancellable = cancellable;
  import.result = import_result_new ();
  import.result->encoding = g_strdup (evg_row_reader_get_encoding (reader));
  import.headers = g_ptr_array_new_with_free_func (g_free);
  import.groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  import.seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  import.blank = evg_member_new ();
  evg_date_set_today (&import.today);

  if (!find_header (&import, path, error) || !load_groups (&import, error))
    goto out;
  {
    sqlite3_stmt *stmt = evg_store_prepare (store, "SELECT EXISTS (SELECT 1 FROM member WHERE deleted = 0)", error);

    if (stmt == NULL)
      goto out;
    import.any_existing = sqlite3_step (stmt) != SQLITE_ROW || sqlite3_column_int (stmt, 0) != 0;
    sqlite3_reset (stmt);
  }

  if ((flags & EVG_IMPORT_FLAGS_DRY_RUN) != 0)
    check_rows (&import, progress, progress_data);
  else
    {
      /* The checking thread looks existing members up on a connection of
       * its own, as this one is busy writing.  It sees the members as they
       * were before the import, which is all it asks about: each ID number
       * is looked up once, and no write of the import changes another
       * row's. */
      if (import.any_existing)
        {
          sibling = evg_store_open_sibling (store, error);
          if (sibling == NULL)
            goto out;
          import.read_store = sibling;
        }
      txn = evg_store_begin (store, error);
      if (txn == NULL)
        goto out;
      evg_txn_set_all_or_nothing (txn);
      import.txn = txn;
      import.additions = additions;
      /* New rows take the rowids after the largest, one by one, while this
       * transaction keeps every other writer out; the index entries made
       * for them are placed by that, once the count confirms it. */
      rowid_before = additions != NULL ? max_member_rowid (store) : -1;
      if (!check_and_write (&import, progress, progress_data, error))
        goto out;
      if (rowid_before >= 0 &&
          max_member_rowid (store) == rowid_before + evg_index_additions_get_n_rows (additions))
        evg_index_additions_set_first_rowid (additions, rowid_before + 1);
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;
  /* Found only at the end of the file, after every row was checked and
   * written: the rows are rolled back with the transaction. */
  if (!evg_row_reader_finish (reader, &local))
    {
      g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE,
                   _("“%s” cannot be imported: %s"), path, local->message);
      goto out;
    }
  import.result->n_lines = evg_row_reader_get_n_lines (reader);
  import.result->n_blank_lines += evg_row_reader_get_n_blank_lines (reader);
  if (txn != NULL)
    {
      if (!evg_txn_commit (txn, error))
        goto out;
      import.result->written = TRUE;
    }
  if (progress != NULL)
    progress (1.0, progress_data);
  result = g_steal_pointer (&import.result);

out:
  /* Freeing an uncommitted transaction rolls every row of it back. */
  g_clear_pointer (&txn, evg_txn_free);
  g_clear_pointer (&import.result, evg_import_result_free);
  g_ptr_array_unref (import.headers);
  g_hash_table_unref (import.groups);
  g_hash_table_unref (import.seen);
  g_object_unref (import.blank);
  return result;
}

/**
 * evg_member_import:
 * @store: the store to write to; a worker's own connection for a
 *   background import
 * @path: a CSV file or an .xlsx workbook (known by its first bytes)
 * @flags: %EVG_IMPORT_FLAGS_DRY_RUN for the preview
 * @progress: (nullable): called now and then with the fraction done
 *
 * Reads a roster spreadsheet: the national form's Chinese headers or
 * DOMAIN.md field names, in any order.  A row with the ID number of an
 * existing member updates it (blank cells never overwrite); other rows add
 * members; rows that break a rule are rejected with their line, column and
 * reason.  Unless this is a dry run, the accepted rows are then written in
 * one transaction: all of them or, when a write fails or @cancellable is
 * cancelled, none.
 *
 * Returns: (transfer full): the counts and rejections, or %NULL with
 *   %EVG_ROSTER_ERROR_UNREADABLE when the file cannot be read as a roster at
 *   all (not a regular file, larger than %EVG_CSV_DEFAULT_MAX_SIZE, not
 *   text, a quote still open at its end; nothing is written), a store
 *   error, or %G_IO_ERROR_CANCELLED
 */
EvgImportResult *
evg_member_import (EvgStore         *store,
                   const char       *path,
                   EvgImportFlags    flags,
                   EvgProgressFunc   progress,
                   gpointer          progress_data,
                   GCancellable     *cancellable,
                   GError          **error)
{
  return evg_member_import_full (store, path, flags, EVG_CSV_DEFAULT_MAX_SIZE, progress,
                                 progress_data, cancellable, error);
}

/**
 * evg_member_import_full:
 * @max_size: the largest file to read, in bytes
 *
 * evg_member_import() with a size limit of the caller's choice instead of
 * %EVG_CSV_DEFAULT_MAX_SIZE.
 */
EvgImportResult *
evg_member_import_full (EvgStore         *store,
                        const char       *path,
                        EvgImportFlags    flags,
                        guint64           max_size,
                        EvgProgressFunc   progress,
                        gpointer          progress_data,
                        GCancellable     *cancellable,
                        GError          **error)
{
  return member_import (store, path, flags, max_size, progress, progress_data, cancellable,
                        NULL, error);
}

/**
 * evg_roster_import:
 *
 * evg_member_import() on the roster's own store, blocking: for the command
 * line and tests.  Windows use evg_roster_import_async().
 */
EvgImportResult *
evg_roster_import (EvgRoster        *self,
                   const char       *path,
                   EvgImportFlags    flags,
                   EvgProgressFunc   progress,
                   gpointer          progress_data,
                   GCancellable     *cancellable,
                   GError          **error)
{
  EvgIndexAdditions *additions;
  EvgImportResult *result;

  g_return_val_if_fail (EVG_IS_ROSTER (self), NULL);

  /* The commit announces itself from within the import. */
  additions = evg_index_additions_new ();
  evg_roster_set_import_additions (self, additions);
  result = member_import (evg_roster_get_store (self), path, flags, EVG_CSV_DEFAULT_MAX_SIZE,
                          progress, progress_data, cancellable, additions, error);
  evg_roster_set_import_additions (self, NULL);
  evg_index_additions_free (additions);
  return result;
}

/* A cell of the file as CSV for Excel and WPS: one that they would run as
 * a formula gets an apostrophe, and a long number a tab, which keeps it
 * from becoming 1.10105E+17 (the importer strips both where they are no
 * part of the value). */
static char *
csv_cell (const char *value)
{
  gsize len = strspn (value, "0123456789");

  if (len >= 11 && value[len] == '\0')
    return g_strconcat ("\t", value, NULL);
  return evg_csv_neutralize_cell (value);
}

/**
 * evg_import_result_save_rejected:
 * @path: the file to write: a workbook when it ends in .xlsx, CSV otherwise
 *
 * Saves the rejected rows of an import as they were in the file, under its
 * header, with two columns more: 原行号, the line (or row) each was on, and
 * 问题说明, what is wrong with it.  The user fixes the rows there and
 * imports the file again; the importer passes over the two columns.
 *
 * Returns: %FALSE with @error when the file cannot be written
 */
gboolean
evg_import_result_save_rejected (const EvgImportResult  *result,
                                 const char             *path,
                                 GError                **error)
{
  g_autoptr(GPtrArray) header = g_ptr_array_new ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr(GString) csv = NULL;
  g_autofree char *lower = NULL;
  guint n_columns, next = 0;

  g_return_val_if_fail (result != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  for (guint i = 0; i < result->header->len; i++)
    g_ptr_array_add (header, g_ptr_array_index (result->header, i));
  /* Rows may run past the header. */
  for (guint i = 0; i < result->rejected_rows->len; i++)
    {
      const EvgImportRow *row = g_ptr_array_index (result->rejected_rows, i);

      while (header->len < g_strv_length (row->cells))
        g_ptr_array_add (header, (gpointer) "");
    }
  g_ptr_array_add (header, (gpointer) LINE_HEADER);
  g_ptr_array_add (header, (gpointer) REASON_HEADER);
  n_columns = header->len;

  for (guint i = 0; i < result->rejected_rows->len; i++)
    {
      const EvgImportRow *row = g_ptr_array_index (result->rejected_rows, i);
      g_autoptr(GString) reason = g_string_new (NULL);
      char **cells = g_new0 (char *, n_columns + 1);
      guint n = g_strv_length (row->cells);

      for (guint c = 0; c < n_columns - 2; c++)
        cells[c] = g_strdup (c < n ? row->cells[c] : "");
      cells[n_columns - 2] = g_strdup_printf ("%u", row->line);
      /* The rejections are in line order, as the rows are. */
      while (next < result->rejected->len &&
             ((EvgImportRejection *) g_ptr_array_index (result->rejected, next))->line <= row->line)
        {
          EvgImportRejection *r = g_ptr_array_index (result->rejected, next++);

          if (r->line != row->line)
            continue;
          if (reason->len > 0)
            g_string_append (reason, "；");
          if (r->column != NULL)
            g_string_append_printf (reason, "%s：", r->column);
          g_string_append (reason, r->message);
        }
      cells[n_columns - 1] = g_string_free (g_steal_pointer (&reason), FALSE);
      g_ptr_array_add (rows, cells);
    }

  lower = g_ascii_strdown (path, -1);
  if (g_str_has_suffix (lower, ".xlsx"))
    return evg_xlsx_write_table (path, _("Rows to Fix"), (const char * const *) header->pdata,
                                 n_columns, rows, error);

  csv = g_string_new (NULL);
  evg_csv_append_bom (csv);
  evg_csv_append_row (csv, (const char **) header->pdata, n_columns);
  for (guint i = 0; i < rows->len; i++)
    {
      char **cells = g_ptr_array_index (rows, i);
      g_auto(GStrv) safe = g_new0 (char *, n_columns + 1);

      for (guint c = 0; c < n_columns; c++)
        safe[c] = csv_cell (cells[c]);
      evg_csv_append_row (csv, (const char **) safe, n_columns);
    }
  return g_file_set_contents_full (path, csv->str, (gssize) csv->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

typedef struct
{
  char           *path;
  EvgImportFlags  flags;
  guint64         max_size;
  EvgStore       *store;            /* the main connection, for its path */
  GMainContext   *context;
  EvgProgressFunc progress;
  gpointer        progress_data;
  GDestroyNotify  progress_data_free;
  gint            pending;          /* a progress report is on its way */
  double          fraction;
  EvgIndexAdditions *additions;     /* for the roster's index, once written */
} ImportTask;

static void
import_task_free (ImportTask *data)
{
  g_free (data->path);
  g_clear_object (&data->store);
  g_main_context_unref (data->context);
  evg_index_additions_free (data->additions);
  if (data->progress_data_free != NULL)
    data->progress_data_free (data->progress_data);
  g_free (data);
}

static gboolean
report_progress (gpointer user_data)
{
  GTask *task = user_data;
  ImportTask *data = g_task_get_task_data (task);

  g_atomic_int_set (&data->pending, 0);
  if (data->progress != NULL && !g_task_get_completed (task))
    data->progress (data->fraction, data->progress_data);
  return G_SOURCE_REMOVE;
}

/* Runs in the worker: hands the fraction to the main loop, at most one
 * report in flight so a slow main loop is not flooded. */
static void
worker_progress (double   fraction,
                 gpointer user_data)
{
  GTask *task = user_data;
  ImportTask *data = g_task_get_task_data (task);

  data->fraction = fraction;
  if (g_atomic_int_compare_and_exchange (&data->pending, 0, 1))
    g_main_context_invoke_full (data->context, G_PRIORITY_DEFAULT, report_progress,
                                g_object_ref (task), g_object_unref);
}

static void
checkpoint_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;

  if (!evg_store_checkpoint (source_object, &error))
    g_warning ("Checkpoint after the import failed: %s", error->message);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportTask *data = task_data;
  g_autoptr(EvgStore) worker = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GTask) checkpoint = NULL;
  EvgImportResult *result;

  worker = evg_store_open_sibling (data->store, &error);
  if (worker == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The window shows the result once the rows are durable in the log;
   * copying the log into the database comes after, in a thread of its
   * own, as @task's callback runs only when this function has returned. */
  evg_store_hold_checkpoint (worker);
  result = member_import (worker, data->path, data->flags, data->max_size, worker_progress, task,
                          cancellable, data->additions, &error);
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, result, (GDestroyNotify) evg_import_result_free);

  checkpoint = g_task_new (worker, NULL, NULL, NULL);
  g_task_set_source_tag (checkpoint, checkpoint_thread);
  g_task_run_in_thread (checkpoint, checkpoint_thread);
}

/**
 * evg_roster_import_async:
 * @max_size: the largest file to read, in bytes; %EVG_CSV_DEFAULT_MAX_SIZE
 *   unless the user set another
 * @progress: (nullable): called on the calling thread's main context with
 *   the fraction done
 *
 * Runs evg_member_import() in a worker thread on its own connection, so the
 * window keeps drawing; cancel @cancellable to stop it (nothing is then
 * written).  When rows were written, the roster's lists update before
 * @callback runs.
 */
void
evg_roster_import_async (EvgRoster           *self,
                         const char          *path,
                         EvgImportFlags       flags,
                         guint64              max_size,
                         EvgProgressFunc      progress,
                         gpointer             progress_data,
                         GDestroyNotify       progress_data_free,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportTask *data;

  g_return_if_fail (EVG_IS_ROSTER (self));
  g_return_if_fail (path != NULL);

  data = g_new0 (ImportTask, 1);
  data->path = g_strdup (path);
  data->flags = flags;
  data->max_size = max_size;
  data->store = g_object_ref (evg_roster_get_store (self));
  data->context = g_main_context_ref_thread_default ();
  data->progress = progress;
  data->progress_data = progress_data;
  data->progress_data_free = progress_data_free;
  data->additions = evg_index_additions_new ();

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, evg_roster_import_async);
  g_task_set_task_data (task, data, (GDestroyNotify) import_task_free);
  g_task_run_in_thread (task, import_thread);
}

EvgImportResult *
evg_roster_import_finish (EvgRoster     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  EvgImportResult *import;

  g_return_val_if_fail (EVG_IS_ROSTER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  import = g_task_propagate_pointer (G_TASK (result), error);
  if (import != NULL && import->written)
    {
      EvgStore *store = evg_roster_get_store (self);
      ImportTask *data = g_task_get_task_data (G_TASK (result));

      /* The worker's connection told only itself; tell the main one, which
       * the roster (and every other service) listens to.  The roster takes
       * the entries the worker made rather than reading every row on this
       * thread. */
      evg_roster_set_import_additions (self, data->additions);
      if (import->groups_added > 0)
        evg_store_emit_changed (store, "party_group", NULL);
      else if (import->added + import->updated > 0)
        evg_store_emit_changed (store, "member", NULL);
      evg_roster_set_import_additions (self, NULL);
    }
  return import;
}

/* Whether @value is an ID number or a phone number as the store keeps
 * them, which the export writes after a tab: that keeps Excel and WPS from
 * showing 1.10105E+17, and a cell of digits cannot hold a formula.  What
 * else such a field may hold (a value synced from elsewhere, say) is
 * written as any text is. */
static gboolean
is_plain_number (const char *value)
{
  if (!g_ascii_isdigit (value[0]))
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && *p != '-' && !(p[1] == '\0' && (*p == 'X' || *p == 'x')))
      return FALSE;
  return TRUE;
}

/* Puts one member in @row as a row of the national form.  For CSV, a cell
 * a spreadsheet would take as a formula gets an apostrophe before it,
 * which import keeps (see unwrap_cell()), so that exporting again writes
 * it the same.  A workbook's cells are text cells, which are never
 * formulas, so they hold the values as they are. */
static void
member_row (EvgMember  *member,
            const char *branch,
            gboolean    csv,
            GPtrArray  *row)
{
  char *(*cell) (const char *) = csv ? evg_csv_neutralize_cell : g_strdup;

  g_ptr_array_set_size (row, 0);
  for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
    {
      const EvgMemberFieldInfo *info = evg_member_field_get_info (f);
      const char *value = evg_member_get (member, f);

      if (f == EVG_MEMBER_PARTY_GROUP_ID)
        {
          g_ptr_array_add (row, cell (branch));
          g_ptr_array_add (row, cell (evg_member_get_party_group_name (member)));
          continue;
        }

      switch (info->kind)
        {
        case EVG_FIELD_KIND_CHOICE:
          g_ptr_array_add (row, cell (evg_member_choice_chinese (f, value)));
          break;
        case EVG_FIELD_KIND_BOOLEAN:
          g_ptr_array_add (row, g_strdup (g_strcmp0 (value, "1") == 0 ? "是" : "否"));
          break;
        case EVG_FIELD_KIND_ID_NUMBER:
        case EVG_FIELD_KIND_PHONE:
          /* Import strips the tab. */
          if (csv && value != NULL && is_plain_number (value))
            g_ptr_array_add (row, g_strconcat ("\t", value, NULL));
          else
            g_ptr_array_add (row, cell (value));
          break;
        default:
          g_ptr_array_add (row, cell (value));
          break;
        }
    }
}

/* The rows to export, taken on the main thread where the index lives. */
static GArray *
export_rowids (EvgRoster     *self,
               EvgMemberList *list)
{
  EvgMemberIndex *index = evg_roster_get_index (self);
  GArray *rowids = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (list != NULL)
    {
      GArray *entries = evg_member_list_peek_entries (list);

      for (guint i = 0; i < entries->len; i++)
        {
          gint64 rowid = evg_member_index_get_entry (index, g_array_index (entries, guint, i))->rowid;

          g_array_append_val (rowids, rowid);
        }
    }
  else
    {
      guint n = evg_member_index_get_n_entries (index);

      for (guint i = 0; i < n; i++)
        if (evg_member_index_get_entry (index, i)->live)
          {
            gint64 rowid = evg_member_index_get_entry (index, i)->rowid;

            g_array_append_val (rowids, rowid);
          }
    }
  return rowids;
}

/* Hands the rows of the export to @emit: the header, then each member of
 * @rowids, read from @store (which may be a worker's connection). */
typedef gboolean (*EmitRow) (GPtrArray  *row,
                             gpointer    data,
                             GError    **error);

static gboolean
export_each (EvgStore      *store,
             GArray        *rowids,
             gboolean       csv,
             EmitRow        emit,
             gpointer       emit_data,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GPtrArray) row = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *branch = evg_store_get_meta (store, "branch_name");
  sqlite3_stmt *stmt;

  stmt = evg_store_prepare (store, "SELECT id, name FROM party_group", error);
  if (stmt == NULL)
    return FALSE;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_hash_table_insert (groups, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_reset (stmt);

  for (guint f = 0; f < EVG_MEMBER_N_FIELDS; f++)
    {
      if (f == EVG_MEMBER_PARTY_GROUP_ID)
        g_ptr_array_add (row, g_strdup (BRANCH_HEADER));
      g_ptr_array_add (row, g_strdup (evg_member_field_get_info (f)->header));
    }
  if (!emit (row, emit_data, error))
    return FALSE;

  for (guint i = 0; i < rowids->len; i++)
    {
      g_autoptr(EvgMember) member = NULL;
      const char *group;
      char rowid[32];

      if (i % 1024 == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      g_snprintf (rowid, sizeof rowid, "%" G_GINT64_FORMAT, g_array_index (rowids, gint64, i));
      member = evg_roster_read_member (store, "rowid", rowid);
      if (member == NULL)
        continue;
      group = evg_member_get (member, EVG_MEMBER_PARTY_GROUP_ID);
      evg_member_set_party_group_name (member, group != NULL ? g_hash_table_lookup (groups, group) : NULL);
      member_row (member, branch, csv, row);
      if (!emit (row, emit_data, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
emit_csv (GPtrArray  *row,
          gpointer    data,
          GError    **error)
{
  evg_csv_append_row (data, (const char **) row->pdata, row->len);
  return TRUE;
}

/* Writes the CSV of @rowids. */
static GBytes *
export_rows (EvgStore      *store,
             GArray        *rowids,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GString) out = g_string_sized_new (rowids->len * 200 + 1024);

  evg_csv_append_bom (out);
  if (!export_each (store, rowids, TRUE, emit_csv, out, cancellable, error))
    return NULL;
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

typedef struct
{
  const char    *path;
  EvgXlsxWriter *writer;
} XlsxExport;

/* The header row starts the workbook. */
static gboolean
emit_xlsx (GPtrArray  *row,
           gpointer    data,
           GError    **error)
{
  XlsxExport *export = data;

  if (export->writer == NULL)
    {
      export->writer = evg_xlsx_writer_new (export->path, MEMBER_SHEET,
                                            (const char * const *) row->pdata, row->len, error);
      return export->writer != NULL;
    }
  return evg_xlsx_writer_add_row (export->writer, (const char * const *) row->pdata, error);
}

/* Writes @rowids to the workbook @path, replacing it whole or not at all. */
static gboolean
export_xlsx (EvgStore      *store,
             GArray        *rowids,
             const char    *path,
             GCancellable  *cancellable,
             GError       **error)
{
  XlsxExport export = { path, NULL };
  gboolean ok;

  ok = export_each (store, rowids, FALSE, emit_xlsx, &export, cancellable, error) &&
       evg_xlsx_writer_finish (export.writer, error);
  evg_xlsx_writer_free (export.writer);
  return ok;
}

/**
 * evg_roster_export_bytes:
 * @list: (nullable): the view to export, in its order; %NULL for every
 *   member, current and former
 *
 * Returns: (transfer full): the roster as CSV in UTF-8 with a byte-order
 *   mark, Chinese headers in the national form's order; importing it again
 *   changes nothing
 */
GBytes *
evg_roster_export_bytes (EvgRoster      *self,
                         EvgMemberList  *list,
                         GError        **error)
{
  g_autoptr(GArray) rowids = NULL;

  g_return_val_if_fail (EVG_IS_ROSTER (self), NULL);
  g_return_val_if_fail (list == NULL || EVG_IS_MEMBER_LIST (list), NULL);

  rowids = export_rowids (self, list);
  return export_rows (evg_roster_get_store (self), rowids, NULL, error);
}

static gboolean
write_bytes (const char  *path,
             GBytes      *bytes,
             GError     **error)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);

  return g_file_set_contents_full (path, data, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* Whether @path names a workbook, which the export then writes. */
static gboolean
is_xlsx_path (const char *path)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return g_str_has_suffix (lower, ".xlsx");
}

/* Writes @rowids to @path, as a workbook or as CSV by its name. */
static gboolean
export_to_path (EvgStore      *store,
                GArray        *rowids,
                const char    *path,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;

  if (is_xlsx_path (path))
    return export_xlsx (store, rowids, path, cancellable, error);
  bytes = export_rows (store, rowids, cancellable, error);
  return bytes != NULL && write_bytes (path, bytes, error);
}

/**
 * evg_roster_export:
 *
 * Writes evg_roster_export_bytes() to @path, replacing it atomically; or,
 * when @path ends in .xlsx, the same rows as a workbook of text cells
 * (see #EvgXlsxWriter) on the sheet “党员名册”.  It takes a second or two
 * for 100,000 members; windows use evg_roster_export_async().
 */
gboolean
evg_roster_export (EvgRoster      *self,
                   EvgMemberList  *list,
                   const char     *path,
                   GError        **error)
{
  g_autoptr(GArray) rowids = NULL;

  g_return_val_if_fail (EVG_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (list == NULL || EVG_IS_MEMBER_LIST (list), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  rowids = export_rowids (self, list);
  return export_to_path (evg_roster_get_store (self), rowids, path, NULL, error);
}

typedef struct
{
  EvgStore *store;
  GArray   *rowids;
  char     *path;
} ExportTask;

static void
export_task_free (ExportTask *data)
{
  g_clear_object (&data->store);
  g_array_unref (data->rowids);
  g_free (data->path);
  g_free (data);
}

static void
export_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ExportTask *data = task_data;
  g_autoptr(EvgStore) worker = NULL;
  g_autoptr(GError) error = NULL;

  worker = evg_store_open_sibling (data->store, &error);
  if (worker == NULL ||
      !export_to_path (worker, data->rowids, data->path, cancellable, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * evg_roster_export_async:
 * @list: (nullable): the view to export, as it is now; %NULL for everyone
 *
 * evg_roster_export() in a worker thread with its own connection, so the
 * window keeps drawing.  The members to write are taken when this is
 * called; the file is replaced only when all of it was written.
 */
void
evg_roster_export_async (EvgRoster           *self,
                         EvgMemberList       *list,
                         const char          *path,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ExportTask *data;

  g_return_if_fail (EVG_IS_ROSTER (self));
  g_return_if_fail (list == NULL || EVG_IS_MEMBER_LIST (list));
  g_return_if_fail (path != NULL);

  data = g_new0 (ExportTask, 1);
  data->store = g_object_ref (evg_roster_get_store (self));
  data->rowids = export_rowids (self, list);
  data->path = g_strdup (path);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, evg_roster_export_async);
  g_task_set_task_data (task, data, (GDestroyNotify) export_task_free);
  g_task_run_in_thread (task, export_thread);
}

gboolean
evg_roster_export_finish (EvgRoster     *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (EVG_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
