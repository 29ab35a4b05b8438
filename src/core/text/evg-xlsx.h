/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* .xlsx workbooks as Excel and WPS save them, read a row at a time: the ZIP
 * container with libzip, its XML with libxml2's SAX2 push parser.  Text
 * comes from the shared strings (rich text runs joined, phonetic guides
 * left out) or from the cell itself; numbers as they are written, whole
 * numbers in exponent form spelt out; booleans as TRUE and FALSE; numbers
 * in a date format as YYYY-MM-DD.  Cells left out of a row are given as "", and rows left out
 * of a sheet count as blank.  A sheet is streamed, and parsed in a thread
 * of the reader's own while the caller works on the rows handed out: only
 * a few thousand rows not yet handed out are held, never the sheet's XML.
 * A reader is used from one thread at a time.  Rows are numbered as the
 * spreadsheet numbers them, which is what the user sees there. */

#define EVG_XLSX_ERROR (evg_xlsx_error_quark ())

typedef enum
{
  EVG_XLSX_ERROR_NOT_WORKBOOK,  /* a ZIP archive, but no workbook in it */
  EVG_XLSX_ERROR_DAMAGED,       /* a broken container or broken XML */
  EVG_XLSX_ERROR_TOO_LARGE,     /* over the size limit, packed or unpacked */
  EVG_XLSX_ERROR_ENCRYPTED,     /* protected by a password */
  EVG_XLSX_ERROR_NOT_FILE,      /* a folder, a pipe, a device… */
} EvgXlsxError;

typedef struct _EvgXlsxReader EvgXlsxReader;

GQuark          evg_xlsx_error_quark             (void);

gboolean        evg_xlsx_file_is_workbook        (const char     *path);

EvgXlsxReader  *evg_xlsx_reader_new_for_path     (const char     *path,
                                                  guint64         max_size,
                                                  GError        **error);
void            evg_xlsx_reader_free             (EvgXlsxReader  *reader);
guint           evg_xlsx_reader_get_n_sheets     (EvgXlsxReader  *reader);
const char     *evg_xlsx_reader_get_sheet_name   (EvgXlsxReader  *reader,
                                                  guint           sheet);
gboolean        evg_xlsx_reader_open_sheet       (EvgXlsxReader  *reader,
                                                  guint           sheet,
                                                  GError        **error);
gboolean        evg_xlsx_reader_next             (EvgXlsxReader  *reader,
                                                  GPtrArray     **fields,
                                                  guint          *line);
gboolean        evg_xlsx_reader_finish           (EvgXlsxReader  *reader,
                                                  GError        **error);
double          evg_xlsx_reader_get_fraction     (EvgXlsxReader  *reader);
guint           evg_xlsx_reader_get_n_lines      (EvgXlsxReader  *reader);
guint           evg_xlsx_reader_get_n_blank_lines (EvgXlsxReader *reader);
gboolean        evg_xlsx_reader_get_date1904     (EvgXlsxReader  *reader);

char           *evg_xlsx_serial_to_date          (const char     *text,
                                                  gboolean        date1904);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgXlsxReader, evg_xlsx_reader_free)

G_END_DECLS
