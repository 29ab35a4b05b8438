/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* CSV as branches keep it in WPS or Excel.  The reader takes UTF-8 with or
 * without a byte-order mark, UTF-16 with one (Excel's "Unicode text") and
 * GB18030/GBK, telling them apart by themselves; CRLF, LF or CR line ends;
 * comma- or tab-separated; quoted fields with doubled quotes and line
 * breaks inside.  As in Excel, a quote opens a quoted field only at the
 * start of a cell; anywhere else it is a character of the cell.  The
 * writer writes UTF-8 with a byte-order mark and CRLF, which is what makes
 * Excel and WPS open Chinese text correctly. */

#define EVG_CSV_ERROR (evg_csv_error_quark ())

typedef enum
{
  EVG_CSV_ERROR_ENCODING,     /* not text in any encoding we know */
  EVG_CSV_ERROR_EMPTY,
  EVG_CSV_ERROR_NOT_FILE,     /* a folder, a pipe, a device… */
  EVG_CSV_ERROR_TOO_LARGE,    /* over the size limit */
  EVG_CSV_ERROR_BINARY,       /* NUL bytes: a workbook or a binary file */
  EVG_CSV_ERROR_UNTERMINATED, /* a quoted cell still open at the end */
} EvgCsvError;

/* The largest file read unless the caller says otherwise: ten times a
 * roster of 100,000 members (about 20 MB), and small enough to read into
 * memory on any office PC. */
#define EVG_CSV_DEFAULT_MAX_SIZE (G_GUINT64_CONSTANT (200) * 1000 * 1000)

typedef struct _EvgCsvReader EvgCsvReader;

GQuark         evg_csv_error_quark         (void);

EvgCsvReader  *evg_csv_reader_new          (const char    *data,
                                            gsize          len,
                                            GError       **error);
EvgCsvReader  *evg_csv_reader_new_for_path (const char    *path,
                                            guint64        max_size,
                                            GError       **error);
void           evg_csv_reader_free         (EvgCsvReader  *reader);
const char    *evg_csv_reader_get_encoding (EvgCsvReader  *reader);
gboolean       evg_csv_reader_next         (EvgCsvReader  *reader,
                                            GPtrArray    **fields,
                                            guint         *line);
gboolean       evg_csv_reader_finish       (EvgCsvReader  *reader,
                                            GError       **error);
double         evg_csv_reader_get_fraction (EvgCsvReader  *reader);
guint          evg_csv_reader_get_n_lines  (EvgCsvReader  *reader);
guint          evg_csv_reader_get_n_blank_lines (EvgCsvReader *reader);
char           evg_csv_reader_get_delimiter (EvgCsvReader *reader);

void           evg_csv_append_bom          (GString       *out);
void           evg_csv_append_row          (GString       *out,
                                            const char   **fields,
                                            guint          n_fields);
gboolean       evg_csv_cell_is_formula_like (const char   *value);
char          *evg_csv_neutralize_cell     (const char    *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgCsvReader, evg_csv_reader_free)

G_END_DECLS
