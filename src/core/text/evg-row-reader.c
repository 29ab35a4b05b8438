/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-row-reader"

#include "config.h"

#include "evg-csv.h"
#include "evg-row-reader.h"
#include "evg-xlsx.h"

struct _EvgRowReader
{
  EvgCsvReader  *csv;
  EvgXlsxReader *xlsx;
  guint          sheet;
};

/**
 * evg_row_reader_new_for_path:
 * @max_size: the largest file to read, in bytes, and for a workbook the
 *   most its parts may unpack to
 *
 * Opens @path as a workbook when it is one, as CSV otherwise.  A workbook
 * is opened at its first sheet.
 *
 * Returns: (transfer full) (nullable): the reader, or %NULL with the
 *   #EvgCsvReader's or the #EvgXlsxReader's error
 */
EvgRowReader *
evg_row_reader_new_for_path (const char  *path,
                             guint64      max_size,
                             GError     **error)
{
  g_autoptr(EvgRowReader) self = g_new0 (EvgRowReader, 1);

  g_return_val_if_fail (path != NULL, NULL);

  if (evg_xlsx_file_is_workbook (path))
    {
      self->xlsx = evg_xlsx_reader_new_for_path (path, max_size, error);
      if (self->xlsx == NULL)
        return NULL;
      if (evg_xlsx_reader_get_n_sheets (self->xlsx) > 0 &&
          !evg_xlsx_reader_open_sheet (self->xlsx, 0, error))
        return NULL;
    }
  else
    {
      self->csv = evg_csv_reader_new_for_path (path, max_size, error);
      if (self->csv == NULL)
        return NULL;
    }
  return g_steal_pointer (&self);
}

void
evg_row_reader_free (EvgRowReader *reader)
{
  if (reader == NULL)
    return;
  g_clear_pointer (&reader->csv, evg_csv_reader_free);
  g_clear_pointer (&reader->xlsx, evg_xlsx_reader_free);
  g_free (reader);
}

gboolean
evg_row_reader_is_workbook (EvgRowReader *reader)
{
  return reader->xlsx != NULL;
}

/* A workbook's sheets that can hold rows; 1 for a CSV file. */
guint
evg_row_reader_get_n_sheets (EvgRowReader *reader)
{
  return reader->xlsx != NULL ? evg_xlsx_reader_get_n_sheets (reader->xlsx) : 1;
}

/* The name of the sheet being read; %NULL for a CSV file. */
const char *
evg_row_reader_get_sheet_name (EvgRowReader *reader)
{
  if (reader->xlsx == NULL || reader->sheet >= evg_xlsx_reader_get_n_sheets (reader->xlsx))
    return NULL;
  return evg_xlsx_reader_get_sheet_name (reader->xlsx, reader->sheet);
}

/**
 * evg_row_reader_open_sheet:
 *
 * Starts on another sheet of a workbook.  A CSV file has only sheet 0,
 * which is open from the start and cannot be read twice.
 */
gboolean
evg_row_reader_open_sheet (EvgRowReader  *reader,
                           guint          sheet,
                           GError       **error)
{
  g_return_val_if_fail (sheet < evg_row_reader_get_n_sheets (reader), FALSE);

  if (reader->xlsx == NULL)
    return TRUE;
  if (sheet == reader->sheet)
    return TRUE;
  reader->sheet = sheet;
  return evg_xlsx_reader_open_sheet (reader->xlsx, sheet, error);
}

/**
 * evg_row_reader_next:
 * @fields: (out) (transfer none): the row's cells, valid until the next call
 * @line: (out) (optional): the line (CSV) or row (workbook) it starts on,
 *   from 1
 *
 * Returns: %FALSE at the end, or where the file is damaged: then
 *   evg_row_reader_finish() says so
 */
gboolean
evg_row_reader_next (EvgRowReader  *reader,
                     GPtrArray    **fields,
                     guint         *line)
{
  if (reader->xlsx != NULL)
    return evg_xlsx_reader_get_n_sheets (reader->xlsx) > 0 &&
           evg_xlsx_reader_next (reader->xlsx, fields, line);
  return evg_csv_reader_next (reader->csv, fields, line);
}

gboolean
evg_row_reader_finish (EvgRowReader  *reader,
                       GError       **error)
{
  if (reader->xlsx != NULL)
    return evg_xlsx_reader_finish (reader->xlsx, error);
  return evg_csv_reader_finish (reader->csv, error);
}

double
evg_row_reader_get_fraction (EvgRowReader *reader)
{
  if (reader->xlsx != NULL)
    return evg_xlsx_reader_get_fraction (reader->xlsx);
  return evg_csv_reader_get_fraction (reader->csv);
}

/* See evg_csv_reader_get_n_lines() and evg_xlsx_reader_get_n_lines(). */
guint
evg_row_reader_get_n_lines (EvgRowReader *reader)
{
  if (reader->xlsx != NULL)
    return evg_xlsx_reader_get_n_lines (reader->xlsx);
  return evg_csv_reader_get_n_lines (reader->csv);
}

guint
evg_row_reader_get_n_blank_lines (EvgRowReader *reader)
{
  if (reader->xlsx != NULL)
    return evg_xlsx_reader_get_n_blank_lines (reader->xlsx);
  return evg_csv_reader_get_n_blank_lines (reader->csv);
}

/* The CSV file's encoding; %NULL for a workbook, whose XML says its own. */
const char *
evg_row_reader_get_encoding (EvgRowReader *reader)
{
  return reader->csv != NULL ? evg_csv_reader_get_encoding (reader->csv) : NULL;
}

/* The CSV file's separator; '\0' for a workbook, which needs none. */
char
evg_row_reader_get_delimiter (EvgRowReader *reader)
{
  return reader->csv != NULL ? evg_csv_reader_get_delimiter (reader->csv) : '\0';
}

/**
 * evg_row_reader_dup_date:
 * @cell: a cell of a column that holds dates
 *
 * A workbook keeps a date as a number of days, which it shows as a date
 * only through its cell's format; a cell whose format was lost or changed
 * shows that number (44927 for 2023-01-01).  In a date column of a
 * workbook, such a number is the date.  CSV files hold what the
 * spreadsheet showed, so nothing is read into their numbers.
 *
 * Returns: (transfer full) (nullable): the date as YYYY-MM-DD, or %NULL
 *   when @cell is left as it is
 */
char *
evg_row_reader_dup_date (EvgRowReader *reader,
                         const char   *cell)
{
  if (reader->xlsx == NULL)
    return NULL;
  return evg_xlsx_serial_to_date (cell, evg_xlsx_reader_get_date1904 (reader->xlsx));
}
