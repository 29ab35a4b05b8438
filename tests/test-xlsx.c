/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-test-util.h"
#include "evg-xlsx-writer.h"

/* Workbooks are checked against another program's idea of them: openpyxl
 * (python3-openpyxl) reads what the writer wrote. */

/* A python3 that has openpyxl: Debian's python3-openpyxl is not seen by a
 * python3 of one's own (pyenv, a virtualenv) that comes first on PATH.
 * %NULL when there is none, as in the Flatpak SDK, which runs the tests
 * while it builds the app. */
static const char *
find_python (void)
{
  static const char *found;
  static gboolean looked;
  const char * const candidates[] = { "python3", "/usr/bin/python3" };

  if (looked)
    return found;
  looked = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      const char *argv[] = { candidates[i], "-c", "import openpyxl", NULL };
      int status = 0;

      if (g_spawn_sync (NULL, (char **) argv, NULL,
                        G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                        NULL, NULL, NULL, NULL, &status, NULL) &&
          g_spawn_check_wait_status (status, NULL))
        return found = candidates[i];
    }
  return NULL;
}

/* Skips the test when openpyxl cannot be had. */
static gboolean
need_openpyxl (void)
{
  if (find_python () != NULL)
    return TRUE;
  g_test_skip ("python3-openpyxl is not installed");
  return FALSE;
}

/* Runs @script with python3 and the arguments after it, failing the test
 * with what the script printed when it fails: the scripts assert. */
static void
run_python (const char *script,
            ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  va_list args;
  const char *arg;

  g_ptr_array_add (argv, (char *) find_python ());
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) script);
  va_start (args, script);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("python3 failed:\n%s%s", out, err);
}

static const char * const table_headers[] = { "姓名", "公民身份证号", "联系电话", "备注" };

static const char read_table_py[] =
  "import sys, openpyxl\n"
  "wb = openpyxl.load_workbook(sys.argv[1])\n"
  "ws = wb.active\n"
  "assert wb.sheetnames == ['名册'], wb.sheetnames\n"
  "assert ws.freeze_panes == 'A2', ws.freeze_panes\n"
  "rows = [[(c.value, c.data_type) for c in r] for r in ws.iter_rows()]\n"
  "assert [v for v, t in rows[0]] == ['姓名', '公民身份证号', '联系电话', '备注'], rows[0]\n"
  "assert all(ws.cell(1, c).font.b for c in range(1, 5))\n"
  "assert rows[1] == [('张三', 's'), ('110105198001010016', 's'), ('01012345678', 's'),"
  "                   ('=HYPERLINK(\"http://x\",\"y\")', 's')], rows[1]\n"
  "assert rows[2][3] == ('+cmd|\\' /C calc\\'!A0', 's'), rows[2]\n"
  "assert rows[3][3] == ('-1', 's') and rows[4][3] == ('@SUM(A1)', 's'), rows[3:5]\n"
  "assert rows[5][0] == ('李四', 's') and rows[5][1] == (None, 'n'), rows[5]\n"
  "assert len(rows) == 6, len(rows)\n"
  "assert ws.cell(2, 2).number_format == '@'\n"
  "w = ws.column_dimensions['B'].width\n"
  "assert 18 <= w <= 25, w\n"
  "assert ws.column_dimensions['A'].width < w\n"
  "print('ok')\n";

/* ID numbers and phones stay text; formula-like text stays text; the
 * header is bold and frozen. */
static void
test_write_table (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *row1[] = { "张三", "110105198001010016", "01012345678", "=HYPERLINK(\"http://x\",\"y\")" };
  const char *row2[] = { "王五", NULL, NULL, "+cmd|' /C calc'!A0" };
  const char *row3[] = { "赵六", "", "", "-1" };
  const char *row4[] = { "钱七", NULL, NULL, "@SUM(A1)" };
  const char *row5[] = { "李四", NULL, NULL, NULL };

  if (!need_openpyxl ())
    return;
  dir = evg_test_make_dir ();
  path = g_build_filename (dir, "out.xlsx", NULL);

  g_ptr_array_add (rows, row1);
  g_ptr_array_add (rows, row2);
  g_ptr_array_add (rows, row3);
  g_ptr_array_add (rows, row4);
  g_ptr_array_add (rows, row5);
  g_assert_true (evg_xlsx_write_table (path, "名册", table_headers, G_N_ELEMENTS (table_headers),
                                       rows, &error));
  g_assert_no_error (error);
  run_python (read_table_py, path, NULL);

  evg_test_remove_dir (dir);
}

/* A writer dropped before it finished leaves the file as it was, and no
 * temporary file behind. */
static void
test_write_abandoned (void)
{
  g_autofree char *dir = evg_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "out.xlsx", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GDir) d = NULL;
  EvgXlsxWriter *writer;
  const char *row[] = { "张三", "110105198001010016", NULL, NULL };

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  writer = evg_xlsx_writer_new (path, NULL, table_headers, G_N_ELEMENTS (table_headers), &error);
  g_assert_no_error (error);
  g_assert_true (evg_xlsx_writer_add_row (writer, row, &error));
  evg_xlsx_writer_free (writer);

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  d = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (d), ==, "out.xlsx");
  g_assert_null (g_dir_read_name (d));

  evg_test_remove_dir (dir);
}

/* A folder that does not exist is said so, before any row is written. */
static void
test_write_no_folder (void)
{
  g_autoptr(GError) error = NULL;
  EvgXlsxWriter *writer;

  writer = evg_xlsx_writer_new ("/nonexistent/folder/out.xlsx", NULL, table_headers,
                                G_N_ELEMENTS (table_headers), &error);
  g_assert_null (writer);
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/evg/xlsx/write/table", test_write_table);
  g_test_add_func ("/evg/xlsx/write/abandoned", test_write_abandoned);
  g_test_add_func ("/evg/xlsx/write/no-folder", test_write_no_folder);

  return g_test_run ();
}
