/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The rows of a spreadsheet file, whichever kind it is: a workbook (.xlsx,
 * known by its first bytes, whatever its name) through #EvgXlsxReader, or
 * else CSV text through #EvgCsvReader.  Importers read rows through this,
 * so that both kinds get the same checks, preview and rejections.  A CSV
 * file is one sheet without a name. */

typedef struct _EvgRowReader EvgRowReader;

EvgRowReader *evg_row_reader_new_for_path      (const char    *path,
                                                guint64        max_size,
                                                GError       **error);
void          evg_row_reader_free              (EvgRowReader  *reader);
gboolean      evg_row_reader_is_workbook       (EvgRowReader  *reader);
guint         evg_row_reader_get_n_sheets      (EvgRowReader  *reader);
const char   *evg_row_reader_get_sheet_name    (EvgRowReader  *reader);
gboolean      evg_row_reader_open_sheet        (EvgRowReader  *reader,
                                                guint          sheet,
                                                GError       **error);
gboolean      evg_row_reader_next              (EvgRowReader  *reader,
                                                GPtrArray    **fields,
                                                guint         *line);
gboolean      evg_row_reader_finish            (EvgRowReader  *reader,
                                                GError       **error);
double        evg_row_reader_get_fraction      (EvgRowReader  *reader);
guint         evg_row_reader_get_n_lines       (EvgRowReader  *reader);
guint         evg_row_reader_get_n_blank_lines (EvgRowReader  *reader);
const char   *evg_row_reader_get_encoding      (EvgRowReader  *reader);
char          evg_row_reader_get_delimiter     (EvgRowReader  *reader);
char         *evg_row_reader_dup_date          (EvgRowReader  *reader,
                                                const char    *cell);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgRowReader, evg_row_reader_free)

G_END_DECLS
