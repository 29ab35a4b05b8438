/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-xlsx-writer"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "evg-csv.h"
#include "evg-xlsx-writer.h"

/* Columns are made as wide as their widest cell, in the units Excel counts
 * (a Latin letter is one, a Chinese character two), within these bounds. */
#define MIN_WIDTH 6
#define MAX_WIDTH 50

/* The longest text a cell of Excel holds, in characters. */
#define MAX_CELL_CHARS 32767

struct _EvgXlsxWriter
{
  char          *path;
  char          *tmp_path;     /* where the workbook is written until it is whole */
  lxw_workbook  *workbook;     /* NULL once closed */
  lxw_worksheet *sheet;
  lxw_format    *text;         /* the "@" number format: what is typed stays text */
  guint          n_columns;
  guint         *widths;
  guint          row;          /* the next row to write, from 0 (the header's) */
};

/* The width @value needs, counting its first line only: a cell with line
 * breaks grows taller, not wider. */
static guint
display_width (const char *value)
{
  guint width = 0;

  for (const char *p = value; *p != '\0' && *p != '\n' && width < MAX_WIDTH;
       p = g_utf8_next_char (p))
    width += g_unichar_iswide (g_utf8_get_char (p)) ? 2 : 1;
  return width;
}

static void
set_write_error (EvgXlsxWriter  *self,
                 lxw_error       code,
                 GError        **error)
{
  g_autofree char *name = g_filename_display_basename (self->path);

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               _("The spreadsheet “%s” could not be written (%s)."), name, lxw_strerror (code));
}

/* Writes one row of text cells in @format. */
static gboolean
write_row (EvgXlsxWriter       *self,
           const char * const  *cells,
           lxw_format          *format,
           GError             **error)
{
  if (self->row >= LXW_ROW_MAX)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("A spreadsheet holds at most %u rows; this table has more. Export it in "
                     "parts."), (guint) LXW_ROW_MAX);
      return FALSE;
    }

  for (guint i = 0; i < self->n_columns; i++)
    {
      const char *value = cells[i];
      g_autofree char *valid = NULL;
      lxw_error code;

      if (value == NULL || *value == '\0')
        continue;
      /* A cell of a workbook is XML text, which bytes that are not UTF-8
       * would make unreadable to every program. */
      if (!g_utf8_validate (value, -1, NULL))
        value = valid = g_utf8_make_valid (value, -1);
      if (g_utf8_strlen (value, -1) > MAX_CELL_CHARS)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Row %u, column %u holds more than %u characters, more than a "
                         "spreadsheet cell can hold."),
                       self->row + 1, i + 1, (guint) MAX_CELL_CHARS);
          return FALSE;
        }
      self->widths[i] = MAX (self->widths[i], display_width (value));
      /* A string cell, whatever the text starts with: libxlsxwriter writes
       * formulas only through worksheet_write_formula(). */
      code = worksheet_write_string (self->sheet, self->row, (lxw_col_t) i, value, format);
      if (code != LXW_NO_ERROR)
        {
          set_write_error (self, code, error);
          return FALSE;
        }
    }
  self->row++;
  return TRUE;
}

/**
 * evg_xlsx_writer_new:
 * @path: the workbook to write; replaced by evg_xlsx_writer_finish()
 * @sheet_name: (nullable): the sheet's name, at most 31 characters and
 *   none of : \ / ? * [ ]; %NULL for "Sheet1"
 * @headers: (array length=n_columns): the header row's cells
 * @n_columns: how many columns the table has, at most 16,384
 *
 * Starts a table: the header row is written at once, the rows follow with
 * evg_xlsx_writer_add_row().
 *
 * Returns: (transfer full) (nullable): the writer, or %NULL when the folder
 *   of @path cannot be written to
 */
EvgXlsxWriter *
evg_xlsx_writer_new (const char         *path,
                     const char         *sheet_name,
                     const char * const *headers,
                     guint               n_columns,
                     GError            **error)
{
  g_autoptr(EvgXlsxWriter) self = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  lxw_workbook_options options = { .constant_memory = LXW_TRUE };
  lxw_format *bold;
  int fd, saved_errno;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (headers != NULL, NULL);
  g_return_val_if_fail (n_columns > 0 && n_columns <= LXW_COL_MAX, NULL);

  self = g_new0 (EvgXlsxWriter, 1);
  self->path = g_strdup (path);
  self->n_columns = n_columns;
  self->widths = g_new0 (guint, n_columns);

  /* Beside @path, so that renaming it there replaces the file at once. */
  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  self->tmp_path = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  fd = g_mkstemp_full (self->tmp_path, O_RDWR | O_CLOEXEC, 0644);
  saved_errno = errno;
  if (fd < 0)
    {
      g_autofree char *name = g_filename_display_name (dir);

      g_clear_pointer (&self->tmp_path, g_free);
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("No file can be saved in the folder “%s”: %s"), name, g_strerror (saved_errno));
      return NULL;
    }
  close (fd);

  self->workbook = workbook_new_opt (self->tmp_path, &options);
  if (self->workbook != NULL)
    self->sheet = workbook_add_worksheet (self->workbook, sheet_name);
  if (self->sheet == NULL)
    {
      set_write_error (self, LXW_ERROR_MEMORY_MALLOC_FAILED, error);
      return NULL;
    }

  self->text = workbook_add_format (self->workbook);
  format_set_num_format (self->text, "@");
  bold = workbook_add_format (self->workbook);
  format_set_num_format (bold, "@");
  format_set_bold (bold);
  worksheet_freeze_panes (self->sheet, 1, 0);

  if (!write_row (self, headers, bold, error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * evg_xlsx_writer_add_row:
 * @cells: (array): the row's cells, as many as the table has columns; %NULL
 *   or "" for an empty one
 *
 * Returns: %FALSE when the row cannot be written (more rows than a sheet
 *   holds, a cell longer than 32,767 characters, a full disk)
 */
gboolean
evg_xlsx_writer_add_row (EvgXlsxWriter       *writer,
                         const char * const  *cells,
                         GError             **error)
{
  g_return_val_if_fail (writer != NULL && writer->workbook != NULL, FALSE);
  g_return_val_if_fail (cells != NULL, FALSE);

  return write_row (writer, cells, writer->text, error);
}

/**
 * evg_xlsx_writer_finish:
 *
 * Completes the workbook and puts it at the path given to
 * evg_xlsx_writer_new(), replacing what was there.  Call it once; free the
 * writer after it either way.
 */
gboolean
evg_xlsx_writer_finish (EvgXlsxWriter  *writer,
                        GError        **error)
{
  lxw_error code;

  g_return_val_if_fail (writer != NULL && writer->workbook != NULL, FALSE);

  /* The text format on the whole column too, so that what the user types
   * below the table is text as well. */
  for (guint i = 0; i < writer->n_columns; i++)
    worksheet_set_column (writer->sheet, (lxw_col_t) i, (lxw_col_t) i,
                          CLAMP (writer->widths[i] + 2, MIN_WIDTH, MAX_WIDTH), writer->text);

  code = workbook_close (writer->workbook);
  writer->workbook = NULL;
  if (code != LXW_NO_ERROR)
    {
      set_write_error (writer, code, error);
      return FALSE;
    }
  if (g_rename (writer->tmp_path, writer->path) != 0)
    {
      int saved_errno = errno;
      g_autofree char *name = g_filename_display_basename (writer->path);

      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
                   _("The spreadsheet “%s” could not be saved: %s"), name, g_strerror (saved_errno));
      return FALSE;
    }
  g_clear_pointer (&writer->tmp_path, g_free);
  return TRUE;
}

/* Frees @writer; a workbook it did not finish is dropped, and the file at
 * its path stays as it was. */
void
evg_xlsx_writer_free (EvgXlsxWriter *writer)
{
  if (writer == NULL)
    return;
  if (writer->workbook != NULL)
    lxw_workbook_free (writer->workbook);
  if (writer->tmp_path != NULL)
    g_unlink (writer->tmp_path);
  g_free (writer->tmp_path);
  g_free (writer->path);
  g_free (writer->widths);
  g_free (writer);
}

/**
 * evg_xlsx_write_table:
 * @path: the workbook to write, replaced whole or not at all
 * @sheet_name: (nullable): the sheet's name
 * @headers: (array length=n_columns): the header row
 * @rows: (element-type utf8*): the rows, each an array of @n_columns
 *   strings (%NULL for an empty cell)
 *
 * Writes a whole table at once; see #EvgXlsxWriter for what the workbook
 * holds.
 */
gboolean
evg_xlsx_write_table (const char         *path,
                      const char         *sheet_name,
                      const char * const *headers,
                      guint               n_columns,
                      GPtrArray          *rows,
                      GError            **error)
{
  g_autoptr(EvgXlsxWriter) writer = NULL;

  g_return_val_if_fail (rows != NULL, FALSE);

  writer = evg_xlsx_writer_new (path, sheet_name, headers, n_columns, error);
  if (writer == NULL)
    return FALSE;
  for (guint i = 0; i < rows->len; i++)
    if (!evg_xlsx_writer_add_row (writer, g_ptr_array_index (rows, i), error))
      return FALSE;
  return evg_xlsx_writer_finish (writer, error);
}

/**
 * evg_table_file_write:
 * @path: a .xlsx workbook when it ends so, else CSV
 * @rows: (element-type GStrv): @n_columns cells each
 *
 * Writes a table as a spreadsheet: a workbook, or CSV with a byte order
 * mark (for Excel and WPS), no cell a live formula in either.
 */
gboolean
evg_table_file_write (const char          *path,
                      const char          *sheet_name,
                      const char * const  *headers,
                      guint                n_columns,
                      GPtrArray           *rows,
                      GError             **error)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);
  g_autoptr(GString) out = NULL;

  if (g_str_has_suffix (lower, ".xlsx"))
    return evg_xlsx_write_table (path, sheet_name, headers, n_columns, rows, error);
  out = g_string_new (NULL);
  evg_csv_append_bom (out);
  evg_csv_append_row (out, (const char **) headers, n_columns);
  for (guint i = 0; i < rows->len; i++)
    {
      char **cells = g_ptr_array_index (rows, i);
      g_autoptr(GPtrArray) safe = g_ptr_array_new_with_free_func (g_free);

      for (guint k = 0; k < n_columns; k++)
        g_ptr_array_add (safe, evg_csv_neutralize_cell (cells[k]));
      evg_csv_append_row (out, (const char **) safe->pdata, n_columns);
    }
  return g_file_set_contents (path, out->str, (gssize) out->len, error);
}
