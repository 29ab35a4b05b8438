/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-fuzz"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "evg-csv.h"
#include "evg-fuzz.h"
#include "evg-member-io.h"
#include "evg-store.h"

/* A CSV file on its way to the import preview: the reader on its own
 * (telling UTF-8, UTF-16 and GBK apart, splitting rows and cells), then
 * evg_member_import() as a dry run, which maps the header, checks every
 * row and counts it.  The store it checks against holds a few members
 * (imported once, at the start), so rows can update as well as add, and a
 * dry run leaves it as it was: every input meets the same store.  The
 * import takes a path, so each input is written to one scratch file. */

static char *scratch_dir;
static char *csv_path;
static int csv_fd = -1;
static EvgStore *store;

/* Members the fuzzed rows can name again, as a branch's roster has them. */
static const char seed_roster[] =
  "\xEF\xBB\xBF"
  "姓名,性别,民族,公民身份证号,出生日期,学历,人员类别,所在党小组,加入党组织日期,转为正式党员日期,联系电话\r\n"
  "张三,男,汉族,110105198001010016,1980-01-01,大学本科,正式党员,第一党小组,2005-07-01,2006-07-01,13812345678\r\n"
  "李四,女,回族,110105198001010024,1980-01-01,研究生,预备党员,第一党小组,2024-09-01,,010-12345678\r\n"
  "王五,女,汉族,11010519491231002X,1949-12-31,高中,正式党员,第二党小组,1970-07-01,1971-07-01,\r\n";

static void
remove_scratch (void)
{
  g_clear_object (&store);
  if (csv_fd >= 0)
    close (csv_fd);
  if (scratch_dir != NULL)
    evg_test_remove_dir (scratch_dir);
}

static void
write_input (const uint8_t *data,
             size_t         size)
{
  size_t done = 0;

  evg_fuzz_check (ftruncate (csv_fd, 0) == 0);
  while (done < size)
    {
      ssize_t n = pwrite (csv_fd, data + done, size - done, (off_t) done);

      if (n < 0 && errno == EINTR)
        continue;
      evg_fuzz_check (n > 0);
      done += (size_t) n;
    }
}

static void
on_progress (double   fraction,
             gpointer user_data)
{
  double *last = user_data;

  evg_fuzz_check (fraction >= 0 && fraction <= 1);
  evg_fuzz_check (fraction >= *last);
  *last = fraction;
}

/* Reads the input with the reader alone.  Returns the rows after the
 * first (the header) that hold anything but white space, which is what
 * the import must account for, or -1 when the reader refuses the input. */
static int
read_rows (const uint8_t  *data,
           size_t          size,
           const char    **encoding)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgCsvReader) reader = evg_csv_reader_new ((const char *) data, size, &error);
  GPtrArray *fields;
  guint line, last_line = 0, rows = 0;
  double fraction = 0;
  int counted = 0;

  if (reader == NULL)
    {
      evg_fuzz_check (error != NULL);
      return -1;
    }
  *encoding = evg_csv_reader_get_encoding (reader);
  evg_fuzz_check (*encoding != NULL);

  while (evg_csv_reader_next (reader, &fields, &line))
    {
      gboolean blank = TRUE;
      double now = evg_csv_reader_get_fraction (reader);

      /* Each row takes at least one character of the text, which is at
       * most four times as long as the bytes it was converted from. */
      evg_fuzz_check (++rows <= 4 * size + 1);
      evg_fuzz_check (line > last_line && line >= 1);
      evg_fuzz_check (now >= fraction && now <= 1);
      evg_fuzz_check (fields->len >= 1);
      last_line = line;
      fraction = now;

      for (guint i = 0; i < fields->len; i++)
        {
          const char *cell = g_ptr_array_index (fields, i);

          evg_fuzz_check (cell != NULL);
          evg_fuzz_check (g_utf8_validate (cell, -1, NULL));
          for (const char *p = cell; *p != '\0' && blank; p++)
            blank = g_ascii_isspace (*p);
        }
      /* Every row with text: the header (and any title rows above it)
       * and the rows to import. */
      if (!blank)
        counted++;
    }
  /* Once at the end, it stays there. */
  evg_fuzz_check (!evg_csv_reader_next (reader, &fields, &line));
  return counted;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autofree char *seed_path = NULL;
  g_autoptr(EvgImportResult) seeded = NULL;

  evg_fuzz_init_logging ();
  scratch_dir = evg_fuzz_make_scratch_dir ("evg-fuzz-csv");
  atexit (remove_scratch);

  db_path = g_build_filename (scratch_dir, "roster.db", NULL);
  store = evg_store_open (db_path, &error);
  if (store == NULL)
    g_printerr ("%s\n", error->message);
  evg_fuzz_check (store != NULL);

  seed_path = g_build_filename (scratch_dir, "seed.csv", NULL);
  evg_fuzz_check (g_file_set_contents (seed_path, seed_roster, -1, NULL));
  seeded = evg_member_import (store, seed_path, EVG_IMPORT_FLAGS_NONE, NULL, NULL, NULL, &error);
  if (seeded == NULL)
    g_printerr ("%s\n", error->message);
  evg_fuzz_check (seeded != NULL && seeded->added == 3);

  csv_path = g_build_filename (scratch_dir, "input.csv", NULL);
  csv_fd = g_open (csv_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  evg_fuzz_check (csv_fd >= 0);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgImportResult) result = NULL;
  const char *encoding = NULL;
  double fraction = 0;
  int rows = read_rows (data, size, &encoding);

  write_input (data, size);
  result = evg_member_import (store, csv_path, EVG_IMPORT_FLAGS_DRY_RUN, on_progress, &fraction,
                              NULL, &error);
  evg_fuzz_check ((result == NULL) == (error != NULL));
  if (result == NULL)
    return 0;

  /* The file the import read is the one the reader read. */
  evg_fuzz_check (rows >= 0);
  evg_fuzz_check (g_strcmp0 (result->encoding, encoding) == 0);
  evg_fuzz_check (!result->written);
  /* The preview accounts for every row that holds something, once: the
   * title and header rows the import read before the members (blank
   * lines before them are skipped), then each member's row. */
  if (result->n_header_rows + result->added + result->updated + result->unchanged +
      result->n_rejected_rows != (guint) rows)
    g_printerr ("%d rows, the preview counts %u header, %u added, %u updated, %u unchanged, "
                "%u rejected\n", rows, result->n_header_rows, result->added, result->updated,
                result->unchanged, result->n_rejected_rows);
  evg_fuzz_check (result->n_header_rows + result->added + result->updated + result->unchanged +
                  result->n_rejected_rows == (guint) rows);
  /* …and every physical line of the file, once. */
  if (result->n_header_lines + result->n_accepted_lines + result->n_rejected_lines +
      result->n_blank_lines != result->n_lines)
    g_printerr ("%u lines, the preview counts %u header, %u accepted, %u rejected, %u blank\n",
                result->n_lines, result->n_header_lines, result->n_accepted_lines,
                result->n_rejected_lines, result->n_blank_lines);
  evg_fuzz_check (result->n_header_lines + result->n_accepted_lines + result->n_rejected_lines +
                  result->n_blank_lines == result->n_lines);
  evg_fuzz_check (result->n_rejected_rows <= result->rejected->len);
  for (guint i = 0; i < result->rejected->len; i++)
    {
      EvgImportRejection *r = g_ptr_array_index (result->rejected, i);

      /* Line 1 is the header, which is never a rejected row. */
      evg_fuzz_check (r->line >= 2);
      evg_fuzz_check (r->message != NULL && g_utf8_validate (r->message, -1, NULL));
      if (i > 0)
        evg_fuzz_check (r->line >= ((EvgImportRejection *) g_ptr_array_index (result->rejected, i - 1))->line);
    }
  return 0;
}
