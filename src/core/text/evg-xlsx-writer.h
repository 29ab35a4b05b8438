/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A table saved as an .xlsx workbook for Excel and WPS, for any record
 * type's export: one sheet, a bold header row that stays in view as the
 * rows scroll (frozen panes), columns as wide as what they hold, and every
 * cell a text cell in the text number format ("@").  Text cells keep ID
 * numbers and phone numbers whole (never 1.10105E+17 or a lost leading 0),
 * and a cell that starts with = + - or @ stays the text it is: it is never
 * written as a formula, and a user who edits it in Excel keeps it as text.
 *
 * The rows go to disk as they are added (libxlsxwriter's constant-memory
 * mode), so 100,000 of them take little memory; the file at @path is
 * replaced only by evg_xlsx_writer_finish(), whole. */

typedef struct _EvgXlsxWriter EvgXlsxWriter;

EvgXlsxWriter *evg_xlsx_writer_new     (const char         *path,
                                        const char         *sheet_name,
                                        const char * const *headers,
                                        guint               n_columns,
                                        GError            **error);
gboolean       evg_xlsx_writer_add_row (EvgXlsxWriter      *writer,
                                        const char * const *cells,
                                        GError            **error);
gboolean       evg_xlsx_writer_finish  (EvgXlsxWriter      *writer,
                                        GError            **error);
void           evg_xlsx_writer_free    (EvgXlsxWriter      *writer);

gboolean       evg_xlsx_write_table    (const char         *path,
                                        const char         *sheet_name,
                                        const char * const *headers,
                                        guint               n_columns,
                                        GPtrArray          *rows,
                                        GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgXlsxWriter, evg_xlsx_writer_free)

gboolean       evg_table_file_write    (const char         *path,
                                        const char         *sheet_name,
                                        const char * const *headers,
                                        guint               n_columns,
                                        GPtrArray          *rows,
                                        GError            **error);

G_END_DECLS
