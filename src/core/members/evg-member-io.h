/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-csv.h"
#include "evg-member-list.h"
#include "evg-roster.h"

G_BEGIN_DECLS

/* Importing members from a spreadsheet and exporting them to one. */

typedef enum
{
  EVG_IMPORT_FLAGS_NONE    = 0,
  EVG_IMPORT_FLAGS_DRY_RUN = 1 << 0,  /* check and count, write nothing: the preview */
} EvgImportFlags;

/**
 * EvgImportRejection:
 * @line: the file's line the row starts on, from 1 (the header is line 1)
 * @field: (nullable): the DOMAIN.md name of the field at fault, %NULL for the row
 * @column: (nullable): that field's header as the file spells it
 * @message: a translated sentence saying what is wrong
 */
typedef struct
{
  guint  line;
  char  *field;
  char  *column;
  char  *message;
} EvgImportRejection;

/**
 * EvgImportRow:
 * @line: the line (or a workbook's row) it starts on
 * @cells: the row's cells as the file has them
 */
typedef struct
{
  guint   line;
  char  **cells;
} EvgImportRow;

/**
 * EvgImportResult:
 * @added: rows that make new members
 * @updated: rows that change a member with the same ID number; blank cells
 *   never overwrite what the member has
 * @unchanged: rows that hold nothing new
 * @n_rejected_rows: rows refused; their reasons are in @rejected
 * @rejected: (element-type EvgImportRejection): one entry per problem, in
 *   line order (a row may have several)
 * @ignored_columns: (element-type utf8): headers that are not member fields
 * @header: (element-type utf8): the header row's cells
 * @rejected_rows: (element-type EvgImportRow): the rejected rows, in order,
 *   for evg_import_result_save_rejected()
 * @groups_added: party groups named in the file that did not exist yet
 * @encoding: (nullable): a CSV file's encoding, as detected; %NULL for a
 *   workbook
 * @sheet: (nullable): the sheet of a workbook that the rows were read
 *   from, the first whose first rows have a header; %NULL for CSV
 * @written: whether the accepted rows were written (not for a dry run)
 * @n_lines: the file's physical lines, counted as a text editor counts them;
 *   for a workbook, the rows of @sheet up to its last
 * @n_header_lines: the lines of the header row (more than one when a
 *   header cell holds a line break)
 * @n_accepted_lines: the lines of rows added, updated or unchanged
 * @n_rejected_lines: the lines of rejected rows
 * @n_blank_lines: empty lines, and lines whose cells are all blank
 *
 * Every line of the file is counted once in the last four of these, so
 * they add up to @n_lines: no row is passed over without a word.
 */
typedef struct
{
  guint      added;
  guint      updated;
  guint      unchanged;
  guint      n_rejected_rows;
  GPtrArray *rejected;
  GPtrArray *ignored_columns;
  GPtrArray *header;
  GPtrArray *rejected_rows;
  guint      groups_added;
  char      *encoding;
  char      *sheet;
  gboolean   written;
  guint      n_lines;
  guint      n_header_lines;
  guint      n_header_rows;     /* rows with text read as title or header */
  guint      n_accepted_lines;
  guint      n_rejected_lines;
  guint      n_blank_lines;
} EvgImportResult;

typedef void (*EvgProgressFunc) (double   fraction,
                                 gpointer user_data);

#define EVG_TYPE_IMPORT_RESULT (evg_import_result_get_type ())

GType            evg_import_result_get_type (void) G_GNUC_CONST;
EvgImportResult *evg_import_result_copy     (const EvgImportResult *result);
void             evg_import_result_free     (EvgImportResult       *result);
gboolean         evg_import_result_save_rejected (const EvgImportResult *result,
                                                  const char            *path,
                                                  GError               **error);

EvgImportResult *evg_member_import          (EvgStore              *store,
                                             const char            *path,
                                             EvgImportFlags         flags,
                                             EvgProgressFunc        progress,
                                             gpointer               progress_data,
                                             GCancellable          *cancellable,
                                             GError               **error);
EvgImportResult *evg_member_import_full     (EvgStore              *store,
                                             const char            *path,
                                             EvgImportFlags         flags,
                                             guint64                max_size,
                                             EvgProgressFunc        progress,
                                             gpointer               progress_data,
                                             GCancellable          *cancellable,
                                             GError               **error);

EvgImportResult *evg_roster_import          (EvgRoster             *self,
                                             const char            *path,
                                             EvgImportFlags         flags,
                                             EvgProgressFunc        progress,
                                             gpointer               progress_data,
                                             GCancellable          *cancellable,
                                             GError               **error);
void             evg_roster_import_async    (EvgRoster             *self,
                                             const char            *path,
                                             EvgImportFlags         flags,
                                             guint64                max_size,
                                             EvgProgressFunc        progress,
                                             gpointer               progress_data,
                                             GDestroyNotify         progress_data_free,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
EvgImportResult *evg_roster_import_finish   (EvgRoster             *self,
                                             GAsyncResult          *result,
                                             GError               **error);

GBytes          *evg_roster_export_bytes    (EvgRoster             *self,
                                             EvgMemberList         *list,
                                             GError               **error);
gboolean         evg_roster_export          (EvgRoster             *self,
                                             EvgMemberList         *list,
                                             const char            *path,
                                             GError               **error);
void             evg_roster_export_async    (EvgRoster             *self,
                                             EvgMemberList         *list,
                                             const char            *path,
                                             GCancellable          *cancellable,
                                             GAsyncReadyCallback    callback,
                                             gpointer               user_data);
gboolean         evg_roster_export_finish   (EvgRoster             *self,
                                             GAsyncResult          *result,
                                             GError               **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EvgImportResult, evg_import_result_free)

G_END_DECLS
