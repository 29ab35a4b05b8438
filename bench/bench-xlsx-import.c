/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Importing a 100,000-row roster from an .xlsx workbook against importing
 * the same rows from CSV, each into an empty store, in the same run
 * (issue #12: within 1.5×).  The workbook is written as Excel writes one:
 * text in the shared strings, dates as day numbers in a date format.
 * Prints one JSON object. */
#include "config.h"

#include <xlsxwriter.h>

#include "evg-bench-members.h"
#include "evg-csv.h"
#include "evg-member-io.h"
#include "evg-roster.h"
#include "evg-store-private.h"

/* The CSV's rows as a workbook, YYYY-MM-DD cells as dates. */
static void
write_workbook (const char *csv,
                const char *xlsx)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgCsvReader) reader = evg_csv_reader_new_for_path (csv, EVG_CSV_DEFAULT_MAX_SIZE, &error);
  lxw_workbook *workbook = workbook_new (xlsx);
  lxw_worksheet *sheet = workbook_add_worksheet (workbook, "党员名册");
  lxw_format *date_format = workbook_add_format (workbook);
  GPtrArray *fields;
  guint line;
  lxw_row_t row = 0;

  if (reader == NULL)
    g_error ("%s", error->message);
  format_set_num_format (date_format, "yyyy-mm-dd");
  while (evg_csv_reader_next (reader, &fields, &line))
    {
      for (guint i = 0; i < fields->len; i++)
        {
          const char *cell = g_ptr_array_index (fields, i);
          lxw_datetime date = { 0 };

          if (*cell == '\0')
            continue;
          if (row > 0 && strlen (cell) == 10 && cell[4] == '-' &&
              sscanf (cell, "%d-%d-%d", &date.year, &date.month, &date.day) == 3)
            worksheet_write_datetime (sheet, row, (lxw_col_t) i, &date, date_format);
          else
            worksheet_write_string (sheet, row, (lxw_col_t) i, cell, NULL);
        }
      row++;
    }
  if (workbook_close (workbook) != LXW_NO_ERROR)
    g_error ("writing %s failed", xlsx);
}

/* Imports @path into a new store @name in @dir, as evg_roster_import()
 * does for the app; returns the seconds from opening the store to the
 * result. */
static double
time_import (const char *dir,
             const char *name,
             const char *path,
             guint       n)
{
  g_autofree char *db = g_build_filename (dir, name, NULL);
  g_autoptr(EvgStore) store = NULL;
  g_autoptr(EvgRoster) roster = NULL;
  g_autoptr(EvgImportResult) result = NULL;
  double start = evg_bench_now (), took;

  result = evg_bench_import (db, path, &store, &roster);
  took = evg_bench_now () - start;
  if (result->added != n || result->n_rejected_rows != 0)
    g_error ("%s: expected %u members, added %u, rejected %u rows (first: %s)", path, n,
             result->added, result->n_rejected_rows,
             result->rejected->len > 0
             ? ((EvgImportRejection *) g_ptr_array_index (result->rejected, 0))->message : "");
  return took;
}

int
main (int    argc,
      char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  guint runs = argc > 2 ? (guint) g_ascii_strtoull (argv[2], NULL, 10) : 3;
  g_autofree char *dir = evg_bench_make_dir ();
  g_autofree char *csv = g_build_filename (dir, "members.csv", NULL);
  g_autofree char *xlsx = g_build_filename (dir, "members.xlsx", NULL);
  g_autoptr(GArray) csv_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) xlsx_times = g_array_new (FALSE, FALSE, sizeof (double));
  GStatBuf csv_st = { 0 }, xlsx_st = { 0 };
  double t_csv, t_xlsx;

  evg_bench_write_members (csv, n);
  write_workbook (csv, xlsx);
  g_stat (csv, &csv_st);
  g_stat (xlsx, &xlsx_st);

  /* Alternating, each into a store of its own, so that neither has the
   * warmer machine; the medians are compared. */
  for (guint i = 0; i < runs; i++)
    {
      g_autofree char *csv_db = g_strdup_printf ("csv-%u.db", i);
      g_autofree char *xlsx_db = g_strdup_printf ("xlsx-%u.db", i);
      double t;

      t = time_import (dir, csv_db, csv, n);
      g_array_append_val (csv_times, t);
      t = time_import (dir, xlsx_db, xlsx, n);
      g_array_append_val (xlsx_times, t);
    }
  g_array_sort (csv_times, evg_bench_compare_doubles);
  g_array_sort (xlsx_times, evg_bench_compare_doubles);
  t_csv = g_array_index (csv_times, double, runs / 2);
  t_xlsx = g_array_index (xlsx_times, double, runs / 2);

  printf ("{\"benchmark\":\"xlsx-import\",\"rows\":%u,\"runs\":%u,\"csv_bytes\":%" G_GINT64_FORMAT ","
          "\"xlsx_bytes\":%" G_GINT64_FORMAT ",\"csv_import_s\":%.3f,\"xlsx_import_s\":%.3f,"
          "\"ratio\":%.2f,\"target_ratio\":1.5}\n",
          n, runs, (gint64) csv_st.st_size, (gint64) xlsx_st.st_size, t_csv, t_xlsx, t_xlsx / t_csv);

  evg_bench_remove_dir (dir);
  return 0;
}
