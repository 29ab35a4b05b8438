/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-member-io.h"
#include "evg-roster.h"
#include "evg-store-private.h"
#include "evg-test-util.h"
#include "evg-xlsx.h"
#include "evg-xlsx-writer.h"

/* Workbooks are checked against another program's idea of them: openpyxl
 * (python3-openpyxl) makes the workbooks the reader reads and reads what
 * the writer wrote.  Workbooks with what openpyxl never writes (inline and
 * rich text, phonetic guides, prefixed elements, cells without
 * references, 1904 dates, damage) are put together with python3's zipfile
 * from XML as Excel and WPS write it. */

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

/* A sheet "说明" of notes before the roster "名册", which has a blank row,
 * rows and cells left out, a date cell, a day number in a plain cell, a
 * phone number and a large number as numbers, a boolean and a fraction. */
static const char openpyxl_book_py[] =
  "import sys, datetime, openpyxl\n"
  "wb = openpyxl.Workbook()\n"
  "notes = wb.active\n"
  "notes.title = '说明'\n"
  "notes['A1'] = '填表说明：身份证号请按文本填写'\n"
  "ws = wb.create_sheet('名册')\n"
  "ws.append(['姓名', '公民身份证号', '出生日期', '联系电话', '是否流动党员', '备注'])\n"
  "ws.append(['张三', '110105198001010016', datetime.date(1980, 1, 1), 13812345678, True, 3.5])\n"
  "ws['A4'] = '李四'\n"
  "ws['C4'] = 29221\n"
  "ws['F4'] = 1.5e20\n"
  "ws['E6'] = False\n"
  "hidden = wb.create_sheet('隐藏')\n"
  "hidden.sheet_state = 'hidden'\n"
  "wb.save(sys.argv[1])\n";

static char *
make_book (const char *dir,
           const char *name,
           const char *script)
{
  char *path = g_build_filename (dir, name, NULL);

  run_python (script, path, NULL);
  return path;
}

static void
assert_row (EvgXlsxReader      *reader,
            guint               expected_line,
            const char * const *expected)
{
  GPtrArray *fields = NULL;
  guint line = 0, n = g_strv_length ((char **) expected);

  g_assert_true (evg_xlsx_reader_next (reader, &fields, &line));
  g_assert_cmpuint (line, ==, expected_line);
  g_assert_cmpuint (evg_xlsx_reader_get_n_lines (reader), ==, expected_line);
  g_assert_cmpuint (fields->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (fields, i), ==, expected[i]);
}

static void
test_read_openpyxl (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(EvgXlsxReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *fields;
  guint line;

  if (!need_openpyxl ())
    return;
  dir = evg_test_make_dir ();
  path = make_book (dir, "book.xlsx", openpyxl_book_py);
  g_assert_true (evg_xlsx_file_is_workbook (path));

  reader = evg_xlsx_reader_new_for_path (path, 1000000, &error);
  g_assert_no_error (error);
  /* The hidden sheet is not offered. */
  g_assert_cmpuint (evg_xlsx_reader_get_n_sheets (reader), ==, 2);
  g_assert_cmpstr (evg_xlsx_reader_get_sheet_name (reader, 0), ==, "说明");
  g_assert_cmpstr (evg_xlsx_reader_get_sheet_name (reader, 1), ==, "名册");
  g_assert_false (evg_xlsx_reader_get_date1904 (reader));

  g_assert_true (evg_xlsx_reader_open_sheet (reader, 0, &error));
  assert_row (reader, 1, (const char *[]) { "填表说明：身份证号请按文本填写", NULL });
  g_assert_false (evg_xlsx_reader_next (reader, &fields, &line));
  g_assert_true (evg_xlsx_reader_finish (reader, &error));

  g_assert_true (evg_xlsx_reader_open_sheet (reader, 1, &error));
  g_assert_no_error (error);
  assert_row (reader, 1, (const char *[]) { "姓名", "公民身份证号", "出生日期", "联系电话", "是否流动党员", "备注", NULL });
  assert_row (reader, 2, (const char *[]) { "张三", "110105198001010016", "1980-01-01", "13812345678", "TRUE", "3.5", NULL });
  /* The cell left out is empty; a number without a date format stays a
   * number (the importer reads it as a date in a date column). */
  assert_row (reader, 4, (const char *[]) { "李四", "", "29221", "", "", "1.5e+20", NULL });
  assert_row (reader, 6, (const char *[]) { "", "", "", "", "FALSE", NULL });
  g_assert_false (evg_xlsx_reader_next (reader, &fields, &line));
  g_assert_true (evg_xlsx_reader_finish (reader, &error));
  g_assert_cmpuint (evg_xlsx_reader_get_n_lines (reader), ==, 6);
  /* Rows 3 and 5 are left out. */
  g_assert_cmpuint (evg_xlsx_reader_get_n_blank_lines (reader), ==, 2);
  g_assert_cmpfloat (evg_xlsx_reader_get_fraction (reader), ==, 1.0);

  g_clear_pointer (&reader, evg_xlsx_reader_free);
  evg_test_remove_dir (dir);
}

/* Writes a workbook of the given parts with python3's zipfile: pairs of
 * name and XML after the path.  The package parts every workbook has come
 * first unless the caller names them itself. */
static const char handmade_py[] =
  "import sys, zipfile\n"
  "parts = dict(zip(sys.argv[2::2], sys.argv[3::2]))\n"
  "base = {\n"
  " '[Content_Types].xml': '<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>',\n"
  " '_rels/.rels': '<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">'\n"
  "   '<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>',\n"
  " 'xl/_rels/workbook.xml.rels': '<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">'\n"
  "   '<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>'\n"
  "   '<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"/xl/sharedStrings.xml\"/>'\n"
  "   '<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>',\n"
  " 'xl/workbook.xml': '<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" '\n"
  "   'xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>',\n"
  "}\n"
  "base.update(parts)\n"
  "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n"
  "  for name, xml in base.items():\n"
  "    if xml != 'NONE':\n"
  "      z.writestr(name, xml)\n";

#define SPREADSHEET_NS "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""

/* What WPS and Excel write and openpyxl does not: rich text runs with a
 * phonetic guide in the shared strings, inline strings, elements with a
 * namespace prefix, cells without a reference, a custom Chinese date
 * format, an ISO date cell, a cached formula result, an error value, and
 * dates counted from 1904. */
static void
test_read_handmade (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(EvgXlsxReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *fields;
  guint line;

  if (!need_openpyxl ())
    return;
  dir = evg_test_make_dir ();
  path = g_build_filename (dir, "hand.xlsx", NULL);
  run_python (handmade_py, path,
              "xl/workbook.xml",
              "<?xml version=\"1.0\"?><x:workbook " SPREADSHEET_NS " xmlns:rel=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
              "<x:workbookPr date1904=\"1\"/><x:sheets><x:sheet name=\"党员\" sheetId=\"1\" rel:id=\"rId1\"/></x:sheets></x:workbook>",
              "xl/sharedStrings.xml",
              "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"2\" uniqueCount=\"2\">"
              "<si><t>姓名</t></si>"
              "<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space=\"preserve\">三 </t></r><rPh sb=\"0\" eb=\"1\"><t>zhang</t></rPh></si></sst>",
              "xl/styles.xml",
              "<?xml version=\"1.0\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
              "<numFmts count=\"1\"><numFmt numFmtId=\"176\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/></numFmts>"
              "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\"/></cellStyleXfs>"
              "<cellXfs count=\"3\"><xf numFmtId=\"0\"/><xf numFmtId=\"176\" applyNumberFormat=\"1\"/><xf numFmtId=\"49\"/></cellXfs></styleSheet>",
              "xl/worksheets/sheet1.xml",
              "<?xml version=\"1.0\"?><x:worksheet " SPREADSHEET_NS "><x:sheetData>"
              "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c><x:c t=\"inlineStr\"><x:is><x:t>出生日期</x:t></x:is></x:c>"
              "<x:c r=\"D1\" t=\"inlineStr\"><x:is><x:r><x:t>备</x:t></x:r><x:r><x:t>注</x:t></x:r></x:is></x:c></x:row>"
              "<x:row r=\"2\"><x:c r=\"A2\" t=\"s\"><x:v>1</x:v></x:c><x:c r=\"B2\" s=\"1\"><x:v>27759</x:v></x:c>"
              "<x:c r=\"C2\" t=\"d\"><x:v>2024-07-01T00:00:00</x:v></x:c><x:c r=\"D2\" t=\"str\"><x:f>A1&amp;\"x\"</x:f><x:v>姓名x</x:v></x:c>"
              "<x:c r=\"E2\" t=\"e\"><x:v>#N/A</x:v></x:c><x:c r=\"F2\" s=\"2\"><x:v>1.3812345678E10</x:v></x:c></x:row>"
              "<x:row r=\"3\" spans=\"1:6\" ht=\"20\"/>"
              "</x:sheetData><x:mergeCells count=\"1\"><x:mergeCell ref=\"A5:B5\"/></x:mergeCells></x:worksheet>",
              NULL);

  reader = evg_xlsx_reader_new_for_path (path, 1000000, &error);
  g_assert_no_error (error);
  g_assert_true (evg_xlsx_reader_get_date1904 (reader));
  g_assert_cmpuint (evg_xlsx_reader_get_n_sheets (reader), ==, 1);
  g_assert_cmpstr (evg_xlsx_reader_get_sheet_name (reader, 0), ==, "党员");
  g_assert_true (evg_xlsx_reader_open_sheet (reader, 0, &error));
  assert_row (reader, 1, (const char *[]) { "姓名", "出生日期", "", "备注", NULL });
  /* 27759 days after 1904-01-01 is 1980-01-01. */
  assert_row (reader, 2, (const char *[]) { "张三 ", "1980-01-01", "2024-07-01", "姓名x", "#N/A", "13812345678", NULL });
  g_assert_false (evg_xlsx_reader_next (reader, &fields, &line));
  g_assert_true (evg_xlsx_reader_finish (reader, &error));
  g_assert_cmpuint (evg_xlsx_reader_get_n_lines (reader), ==, 3);
  g_assert_cmpuint (evg_xlsx_reader_get_n_blank_lines (reader), ==, 1);

  g_clear_pointer (&reader, evg_xlsx_reader_free);
  evg_test_remove_dir (dir);
}

/* Damage is an error with a message, never a crash or rows made up. */
static void
test_read_damaged (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *good = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(EvgXlsxReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *fields;
  gsize len;
  guint line, n_rows = 0;

  if (!need_openpyxl ())
    return;
  dir = evg_test_make_dir ();

  /* The first bytes of a ZIP archive and nothing of one after them. */
  path = g_build_filename (dir, "junk.xlsx", NULL);
  g_assert_true (g_file_set_contents (path, "PK\003\004 this is no archive at all", -1, NULL));
  g_assert_true (evg_xlsx_file_is_workbook (path));
  g_assert_null (evg_xlsx_reader_new_for_path (path, 1000000, &error));
  g_assert_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_DAMAGED);
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  /* A workbook cut short, as by a copy that did not finish. */
  good = make_book (dir, "good.xlsx", openpyxl_book_py);
  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  path = g_build_filename (dir, "cut.xlsx", NULL);
  g_assert_true (g_file_set_contents (path, contents, (gssize) len / 2, NULL));
  g_assert_null (evg_xlsx_reader_new_for_path (path, 1000000, &error));
  g_assert_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_DAMAGED);
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  /* A ZIP archive of something else. */
  path = g_build_filename (dir, "other.xlsx", NULL);
  run_python (handmade_py, path, "xl/workbook.xml", "NONE", "_rels/.rels", "NONE", NULL);
  g_assert_null (evg_xlsx_reader_new_for_path (path, 1000000, &error));
  g_assert_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_NOT_WORKBOOK);
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  /* A sheet whose XML breaks off after its first row, and one whose cell
   * refers to shared text that is not there: the rows before the damage
   * are given, then the reader stops and says where. */
  path = g_build_filename (dir, "broken.xlsx", NULL);
  run_python (handmade_py, path, "xl/worksheets/sheet1.xml",
              "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
              "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>姓名</t></is></c></row><row r=\"2\"><c r=\"A2\"",
              "xl/sharedStrings.xml", "NONE", NULL);
  reader = evg_xlsx_reader_new_for_path (path, 1000000, &error);
  g_assert_no_error (error);
  g_assert_true (evg_xlsx_reader_open_sheet (reader, 0, &error));
  while (evg_xlsx_reader_next (reader, &fields, &line))
    n_rows++;
  g_assert_cmpuint (n_rows, <=, 1);
  g_assert_false (evg_xlsx_reader_finish (reader, &error));
  g_assert_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_DAMAGED);
  g_clear_error (&error);
  g_clear_pointer (&reader, evg_xlsx_reader_free);
  g_clear_pointer (&path, g_free);

  path = g_build_filename (dir, "strings.xlsx", NULL);
  run_python (handmade_py, path, "xl/worksheets/sheet1.xml",
              "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
              "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>7</v></c></row></sheetData></worksheet>",
              "xl/sharedStrings.xml", "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"/>",
              NULL);
  reader = evg_xlsx_reader_new_for_path (path, 1000000, &error);
  g_assert_no_error (error);
  g_assert_true (evg_xlsx_reader_open_sheet (reader, 0, &error));
  g_assert_false (evg_xlsx_reader_next (reader, &fields, &line));
  g_assert_false (evg_xlsx_reader_finish (reader, &error));
  g_assert_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, "7"));
  g_clear_error (&error);
  g_clear_pointer (&reader, evg_xlsx_reader_free);
  g_clear_pointer (&path, g_free);

  /* Shared strings whose XML breaks off after the strings that the sheet
   * uses: they are read alongside the rows, and the sheet still ends in
   * the damage, not in its last row. */
  path = g_build_filename (dir, "cut-strings.xlsx", NULL);
  run_python (handmade_py, path, "xl/worksheets/sheet1.xml",
              "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
              "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row></sheetData></worksheet>",
              "xl/sharedStrings.xml",
              "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>姓名</t></si><si><t>张",
              NULL);
  reader = evg_xlsx_reader_new_for_path (path, 1000000, &error);
  g_assert_no_error (error);
  g_assert_true (evg_xlsx_reader_open_sheet (reader, 0, &error));
  n_rows = 0;
  while (evg_xlsx_reader_next (reader, &fields, &line))
    n_rows++;
  g_assert_cmpuint (n_rows, <=, 1);
  g_assert_false (evg_xlsx_reader_finish (reader, &error));
  g_assert_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_DAMAGED);
  g_assert_nonnull (strstr (error->message, "xl/sharedStrings.xml"));
  g_clear_error (&error);
  g_clear_pointer (&reader, evg_xlsx_reader_free);

  evg_test_remove_dir (dir);
}

/* A sheet's XML that tries what XML can do against its reader: an entity
 * that would read a file of this machine, entities that expand a
 * thousandfold each (the "billion laughs"), both in a document type that
 * no workbook declares, and a text node larger than any cell can hold.
 * Each is refused as damage, and no entity is ever expanded. */
static void
test_read_hostile (void)
{
  static const char *const sheets[] = {
    "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>"
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&secret;</t></is></c></row></sheetData></worksheet>",
    "<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\">"
    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
    "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">]>"
    "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>&e;&e;&e;&e;&e;&e;&e;&e;</t></is></c></row></sheetData></worksheet>",
  };
  static const char huge_py[] =
    "import sys, zipfile\n"
    "sheet = ('<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>'\n"
    "         '<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>' + '\u515a' * 200000 + '</t></is></c></row>'\n"
    "         '</sheetData></worksheet>')\n"
    "with zipfile.ZipFile(sys.argv[1], 'a', zipfile.ZIP_DEFLATED) as z:\n"
    "  z.writestr('xl/worksheets/sheet1.xml', sheet)\n";
  g_autofree char *dir = NULL;
  GPtrArray *fields;
  guint line;

  if (!need_openpyxl ())
    return;
  dir = evg_test_make_dir ();

  for (guint i = 0; i <= G_N_ELEMENTS (sheets); i++)
    {
      g_autofree char *name = g_strdup_printf ("hostile-%u.xlsx", i);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autoptr(EvgXlsxReader) reader = NULL;
      g_autoptr(GError) error = NULL;

      if (i < G_N_ELEMENTS (sheets))
        run_python (handmade_py, path, "xl/worksheets/sheet1.xml", sheets[i],
                    "xl/sharedStrings.xml", "NONE", NULL);
      else
        {
          run_python (handmade_py, path, "xl/worksheets/sheet1.xml", "NONE",
                      "xl/sharedStrings.xml", "NONE", NULL);
          run_python (huge_py, path, NULL);
        }
      reader = evg_xlsx_reader_new_for_path (path, 10000000, &error);
      g_assert_no_error (error);
      g_assert_true (evg_xlsx_reader_open_sheet (reader, 0, &error));
      g_assert_false (evg_xlsx_reader_next (reader, &fields, &line));
      g_assert_false (evg_xlsx_reader_finish (reader, &error));
      g_assert_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_DAMAGED);
      g_assert_null (strstr (error->message, "root:"));
    }

  evg_test_remove_dir (dir);
}

/* A small file that unpacks to far more than the limit is refused before
 * the rows are read, and so is one whose sheet grows past it as it is
 * read. */
static void
test_read_zip_bomb (void)
{
  static const char bomb_py[] =
    "import sys, zipfile\n"
    "rows = ''.join('<row r=\"%d\"><c r=\"A%d\" t=\"inlineStr\"><is><t>%s</t></is></c></row>' % (i, i, 'x' * 1000)"
    " for i in range(1, 20001))\n"
    "sheet = '<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>' + rows + '</sheetData></worksheet>'\n"
    "with zipfile.ZipFile(sys.argv[1], 'a', zipfile.ZIP_DEFLATED) as z:\n"
    "  z.writestr('xl/worksheets/sheet1.xml', sheet)\n";
  /* 15 MB of shared strings and a sheet of 27 MB, packed into 3 MB: each
   * part alone is within a limit of 30 MB, the two together are not. */
  static const char strings_bomb_py[] =
    "import sys, zipfile\n"
    "ns = 'xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"'\n"
    "strings = '<sst ' + ns + '>' + ''.join('<si><t>%s</t></si>' % ('x' * 1000) for i in range(15000)) + '</sst>'\n"
    "rows = ''.join('<row r=\"%d\"><c r=\"A%d\" t=\"s\"><v>0</v></c></row>' % (i, i) for i in range(1, 500001))\n"
    "sheet = '<worksheet ' + ns + '><sheetData>' + rows + '</sheetData></worksheet>'\n"
    "with zipfile.ZipFile(sys.argv[1], 'a', zipfile.ZIP_DEFLATED) as z:\n"
    "  z.writestr('xl/sharedStrings.xml', strings)\n"
    "  z.writestr('xl/worksheets/sheet1.xml', sheet)\n";
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(EvgXlsxReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  GStatBuf st;

  if (!need_openpyxl ())
    return;
  dir = evg_test_make_dir ();
  path = g_build_filename (dir, "bomb.xlsx", NULL);
  run_python (handmade_py, path, "xl/worksheets/sheet1.xml", "NONE", NULL);
  run_python (bomb_py, path, NULL);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, <, 200000);

  reader = evg_xlsx_reader_new_for_path (path, 1000000, &error);
  g_assert_no_error (error);
  g_assert_false (evg_xlsx_reader_open_sheet (reader, 0, &error));
  g_assert_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_clear_pointer (&reader, evg_xlsx_reader_free);

  /* The file itself over the limit. */
  g_assert_null (evg_xlsx_reader_new_for_path (path, 1000, &error));
  g_assert_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_clear_pointer (&path, g_free);

  /* Shared strings over the limit are refused at once, though they are
   * read alongside the rows; and a sheet that is within the limit alone
   * but not with the strings is refused as it is opened. */
  path = g_build_filename (dir, "strings-bomb.xlsx", NULL);
  run_python (handmade_py, path, "xl/worksheets/sheet1.xml", "NONE", "xl/sharedStrings.xml", "NONE", NULL);
  run_python (strings_bomb_py, path, NULL);
  g_assert_null (evg_xlsx_reader_new_for_path (path, 10000000, &error));
  g_assert_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "unpacks"));
  g_clear_error (&error);
  reader = evg_xlsx_reader_new_for_path (path, 30000000, &error);
  g_assert_no_error (error);
  g_assert_false (evg_xlsx_reader_open_sheet (reader, 0, &error));
  g_assert_error (error, EVG_XLSX_ERROR, EVG_XLSX_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_clear_pointer (&reader, evg_xlsx_reader_free);

  evg_test_remove_dir (dir);
}

/* A sheet of more rows than the reader parses ahead of its caller, read
 * in part, then again from its start and to its end, and left in the
 * middle: the rows come in order and complete, whenever the caller stops. */
static void
test_read_many_rows (void)
{
  static const char many_py[] =
    "import sys, zipfile\n"
    "ns = 'xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"'\n"
    "strings = '<sst ' + ns + '>' + ''.join('<si><t>名%d</t></si>' % i for i in range(100)) + '</sst>'\n"
    "rows = ''.join('<row r=\"%d\"><c r=\"A%d\" t=\"s\"><v>%d</v></c><c r=\"C%d\"><v>%d</v></c>'\n"
    "               '<c r=\"D%d\" t=\"inlineStr\"><is><t>行%d</t></is></c></row>' % (r, r, r % 100, r, r, r, r)\n"
    "               for r in range(1, 25001) if r % 7 != 0)\n"
    "sheet = '<worksheet ' + ns + '><sheetData>' + rows + '</sheetData></worksheet>'\n"
    "with zipfile.ZipFile(sys.argv[1], 'a', zipfile.ZIP_DEFLATED) as z:\n"
    "  z.writestr('xl/sharedStrings.xml', strings)\n"
    "  z.writestr('xl/worksheets/sheet1.xml', sheet)\n";
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(EvgXlsxReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *fields;
  guint line, expected = 0, n_rows = 0;

  if (!need_openpyxl ())
    return;
  dir = evg_test_make_dir ();
  path = g_build_filename (dir, "many.xlsx", NULL);
  run_python (handmade_py, path, "xl/worksheets/sheet1.xml", "NONE", "xl/sharedStrings.xml", "NONE", NULL);
  run_python (many_py, path, NULL);

  reader = evg_xlsx_reader_new_for_path (path, 100000000, &error);
  g_assert_no_error (error);
  g_assert_true (evg_xlsx_reader_open_sheet (reader, 0, &error));
  assert_row (reader, 1, (const char *[]) { "名1", "", "1", "行1", NULL });
  assert_row (reader, 2, (const char *[]) { "名2", "", "2", "行2", NULL });

  /* From the start again, while the rows after these are being parsed. */
  g_assert_true (evg_xlsx_reader_open_sheet (reader, 0, &error));
  while (evg_xlsx_reader_next (reader, &fields, &line))
    {
      g_autofree char *name = NULL;
      g_autofree char *number = NULL;
      g_autofree char *text = NULL;

      if (++expected % 7 == 0)
        expected++;
      g_assert_cmpuint (line, ==, expected);
      name = g_strdup_printf ("名%u", line % 100);
      number = g_strdup_printf ("%u", line);
      text = g_strdup_printf ("行%u", line);
      g_assert_cmpuint (fields->len, ==, 4);
      g_assert_cmpstr (g_ptr_array_index (fields, 0), ==, name);
      g_assert_cmpstr (g_ptr_array_index (fields, 1), ==, "");
      g_assert_cmpstr (g_ptr_array_index (fields, 2), ==, number);
      g_assert_cmpstr (g_ptr_array_index (fields, 3), ==, text);
      n_rows++;
    }
  g_assert_true (evg_xlsx_reader_finish (reader, &error));
  g_assert_cmpuint (n_rows, ==, 25000 - 25000 / 7);
  g_assert_cmpuint (evg_xlsx_reader_get_n_lines (reader), ==, 25000);
  g_assert_cmpuint (evg_xlsx_reader_get_n_blank_lines (reader), ==, 25000 / 7);
  g_assert_cmpfloat (evg_xlsx_reader_get_fraction (reader), ==, 1.0);

  /* Left after its first row, with the parser still at work. */
  g_assert_true (evg_xlsx_reader_open_sheet (reader, 0, &error));
  assert_row (reader, 1, (const char *[]) { "名1", "", "1", "行1", NULL });
  g_clear_pointer (&reader, evg_xlsx_reader_free);

  evg_test_remove_dir (dir);
}

static void
test_serial_to_date (void)
{
  static const struct { const char *serial; gboolean date1904; const char *date; } cases[] = {
    { "1", FALSE, "1900-01-01" },
    { "59", FALSE, "1900-02-28" },
    { "60", FALSE, NULL },          /* 1900-02-29, which never was */
    { "61", FALSE, "1900-03-01" },
    { "29221", FALSE, "1980-01-01" },
    { "44927", FALSE, "2023-01-01" },
    { "45474.75", FALSE, "2024-07-01" },
    { "2958465", FALSE, "9999-12-31" },
    { "2958466", FALSE, NULL },
    { "0", FALSE, NULL },
    { "-1", FALSE, NULL },
    { "1980-01-01", FALSE, NULL },
    { "", FALSE, NULL },
    { "27759", TRUE, "1980-01-01" },
    { "1", TRUE, "1904-01-02" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *date = evg_xlsx_serial_to_date (cases[i].serial, cases[i].date1904);

      g_assert_cmpstr (date, ==, cases[i].date);
    }
}

/* A roster as a branch keeps it in WPS: a sheet of notes first, then the
 * roster under a title row, dates as date cells (one in a Chinese format,
 * one a plain day number), an ID number as text and a phone number as a
 * number, a blank row and a row with a wrong ID number. */
static const char roster_book_py[] =
  "import sys, datetime, openpyxl\n"
  "wb = openpyxl.Workbook()\n"
  "wb.active.title = '说明'\n"
  "wb.active['A1'] = '填表说明'\n"
  "ws = wb.create_sheet('党员名册')\n"
  "ws['A1'] = '某某党支部党员名册'\n"
  "ws.append(['姓名', '性别', '公民身份证号', '出生日期', '人员类别', '所在党小组', '加入党组织日期',"
  " '转为正式党员日期', '联系电话', '鞋码'])\n"
  "ws.append(['张三', '男', '110105198001010016', datetime.date(1980, 1, 1), '正式党员', '第一党小组',"
  " datetime.date(2005, 7, 1), 38899, 13812345678, 42])\n"
  "ws['G3'].number_format = 'yyyy\"年\"m\"月\"d\"日\"'\n"
  "ws.append([])\n"
  "ws.append(['李四', '女', '110105198001010024', None, '预备党员', '第一党小组',"
  " datetime.datetime(2024, 9, 1, 9, 30)])\n"
  "ws.append(['王五', '男', '110105198001010025', None, '正式党员', None, '2005-07-01', '2006-07-01'])\n"
  "wb.save(sys.argv[1])\n";

static EvgImportResult *
import_file (EvgStore       *store,
             const char     *path,
             EvgImportFlags  flags)
{
  g_autoptr(GError) error = NULL;
  EvgImportResult *result = evg_member_import (store, path, flags, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

/* The same preview, rejections and all-or-nothing write as for CSV. */
static void
test_import_roster (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autoptr(EvgRoster) roster = NULL;
  g_autoptr(EvgImportResult) preview = NULL;
  g_autoptr(EvgImportResult) result = NULL;
  g_autoptr(EvgMember) zhang = NULL;
  g_autoptr(EvgMember) li = NULL;
  g_autoptr(GError) error = NULL;
  EvgImportRejection *r;

  if (!need_openpyxl ())
    return;
  dir = evg_test_make_dir ();
  path = make_book (dir, "roster.xlsx", roster_book_py);
  store = evg_test_open_store (dir, "roster.db");

  preview = import_file (store, path, EVG_IMPORT_FLAGS_DRY_RUN);
  g_assert_false (preview->written);
  g_assert_cmpuint (preview->added, ==, 2);
  g_assert_cmpuint (preview->n_rejected_rows, ==, 1);
  g_assert_cmpstr (preview->sheet, ==, "党员名册");
  g_assert_null (preview->encoding);
  g_assert_cmpuint (preview->rejected->len, ==, 1);
  r = g_ptr_array_index (preview->rejected, 0);
  g_assert_cmpuint (r->line, ==, 6);
  g_assert_cmpstr (r->field, ==, "id_number");
  g_assert_cmpstr (r->column, ==, "公民身份证号");
  g_assert_cmpuint (preview->ignored_columns->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (preview->ignored_columns, 0), ==, "鞋码");
  /* Every row of the sheet is counted once: the title and the header, the
   * rows, and the blank one. */
  g_assert_cmpuint (preview->n_lines, ==, 6);
  g_assert_cmpuint (preview->n_header_lines, ==, 2);
  g_assert_cmpuint (preview->n_accepted_lines, ==, 2);
  g_assert_cmpuint (preview->n_rejected_lines, ==, 1);
  g_assert_cmpuint (preview->n_blank_lines, ==, 1);

  result = import_file (store, path, EVG_IMPORT_FLAGS_NONE);
  g_assert_true (result->written);
  g_assert_cmpuint (result->added, ==, 2);

  roster = evg_roster_new (store, &error);
  g_assert_no_error (error);
  zhang = evg_roster_lookup_id_number (roster, "110105198001010016");
  g_assert_nonnull (zhang);
  g_assert_cmpstr (evg_member_get_name (zhang), ==, "张三");
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_BIRTH_DATE), ==, "1980-01-01");
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_JOINED_ON), ==, "2005-07-01");
  /* The day number in a cell without a date format. */
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_FULL_MEMBER_ON), ==, "2006-07-01");
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_PHONE), ==, "13812345678");
  g_assert_cmpstr (evg_member_get_party_group_name (zhang), ==, "第一党小组");
  li = evg_roster_lookup_id_number (roster, "110105198001010024");
  g_assert_cmpstr (evg_member_get (li, EVG_MEMBER_JOINED_ON), ==, "2024-09-01");
  g_assert_cmpstr (evg_member_get (li, EVG_MEMBER_CATEGORY), ==, "probationary");

  evg_test_wait_for_workers (roster);
  g_assert_finalize_object (g_steal_pointer (&roster));
  evg_test_wait_for_workers (store);
  g_assert_finalize_object (g_steal_pointer (&store));
  evg_test_remove_dir (dir);
}

/* A damaged workbook, one without a roster and one whose shared strings
 * are damaged after the rows' are refused with a sentence, and nothing
 * is written. */
static void
test_import_refused (void)
{
  g_autofree char *dir = NULL;
  g_autofree char *good = NULL;
  g_autofree char *cut = NULL;
  g_autofree char *notes = NULL;
  g_autofree char *strings = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autoptr(GError) error = NULL;
  EvgImportResult *result;
  gsize len;

  if (!need_openpyxl ())
    return;
  dir = evg_test_make_dir ();
  store = evg_test_open_store (dir, "roster.db");
  good = make_book (dir, "good.xlsx", roster_book_py);
  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  cut = g_build_filename (dir, "cut.xlsx", NULL);
  g_assert_true (g_file_set_contents (cut, contents, (gssize) len - 100, NULL));

  result = evg_member_import (store, cut, EVG_IMPORT_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_clear_error (&error);

  notes = make_book (dir, "notes.xlsx",
                     "import sys, openpyxl\n"
                     "wb = openpyxl.Workbook()\n"
                     "wb.active.append(['说明'])\n"
                     "wb.create_sheet('其他').append(['姓名', '电话'])\n"
                     "wb.save(sys.argv[1])\n");
  result = evg_member_import (store, notes, EVG_IMPORT_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "No sheet"));
  g_clear_error (&error);

  /* Shared strings that break off after the last one the rows use: the
   * rows are all checked and written before the damage is found, and
   * none of them stays. */
  strings = g_build_filename (dir, "strings.xlsx", NULL);
  run_python (handmade_py, strings, "xl/worksheets/sheet1.xml",
              "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
              "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"
              "<row r=\"2\"><c r=\"A2\" t=\"s\"><v>2</v></c><c r=\"B2\" t=\"s\"><v>3</v></c></row>"
              "</sheetData></worksheet>",
              "xl/sharedStrings.xml",
              "<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>姓名</t></si>"
              "<si><t>公民身份证号</t></si><si><t>张三</t></si><si><t>110105198001010016</t></si><si><t>李",
              NULL);
  result = evg_member_import (store, strings, EVG_IMPORT_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE);
  g_assert_nonnull (strstr (error->message, "damaged"));
  g_clear_error (&error);

  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (store), "SELECT count(*) FROM member",
                                         -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 0);
    sqlite3_finalize (stmt);
  }

  evg_test_wait_for_workers (store);
  g_assert_finalize_object (g_steal_pointer (&store));
  evg_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/evg/xlsx/write/table", test_write_table);
  g_test_add_func ("/evg/xlsx/write/abandoned", test_write_abandoned);
  g_test_add_func ("/evg/xlsx/write/no-folder", test_write_no_folder);
  g_test_add_func ("/evg/xlsx/read/openpyxl", test_read_openpyxl);
  g_test_add_func ("/evg/xlsx/read/handmade", test_read_handmade);
  g_test_add_func ("/evg/xlsx/read/damaged", test_read_damaged);
  g_test_add_func ("/evg/xlsx/read/hostile", test_read_hostile);
  g_test_add_func ("/evg/xlsx/read/zip-bomb", test_read_zip_bomb);
  g_test_add_func ("/evg/xlsx/read/many-rows", test_read_many_rows);
  g_test_add_func ("/evg/xlsx/read/serial-to-date", test_serial_to_date);
  g_test_add_func ("/evg/xlsx/import/roster", test_import_roster);
  g_test_add_func ("/evg/xlsx/import/refused", test_import_refused);

  return g_test_run ();
}
