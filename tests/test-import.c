/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/stat.h>

#include "evg-csv.h"
#include "evg-member-io.h"
#include "evg-member-list.h"
#include "evg-roster-private.h"
#include "evg-store-private.h"
#include "evg-test-outbox.h"
#include "evg-test-util.h"
#include "evg-txn.h"

typedef struct
{
  char      *dir;
  EvgStore  *store;
  EvgRoster *roster;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = evg_test_make_dir ();
  path = g_build_filename (f->dir, "import.db", NULL);
  f->store = evg_store_open (path, &error);
  g_assert_no_error (error);
  f->roster = evg_roster_new (f->store, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  evg_test_assert_outbox_covers_all (f->store);
  evg_test_wait_for_workers (f->roster);
  g_assert_finalize_object (f->roster);
  evg_test_wait_for_workers (f->store);
  g_assert_finalize_object (f->store);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
}

static char *
write_file (Fixture    *f,
            const char *name,
            const char *data,
            gssize      len)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_file_set_contents (path, data, len, &error);
  g_assert_no_error (error);
  return path;
}

static gint64
count (Fixture    *f,
       const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (evg_store_get_db (f->store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

static EvgImportResult *
import (Fixture        *f,
        const char     *path,
        EvgImportFlags  flags)
{
  g_autoptr(GError) error = NULL;
  EvgImportResult *result = evg_roster_import (f->roster, path, flags, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static void
count_signal (guint *count)
{
  (*count)++;
}

static const char chinese_csv[] =
  "姓名,性别,民族,公民身份证号,出生日期,学历,人员类别,党小组,加入党组织日期,转为正式党员日期,联系电话\r\n"
  "张三,男,汉族,110105198001010016,1980-01-01,大学本科,正式党员,第一党小组,2005/7/1,2006年7月1日,13812345678\r\n"
  "李四,女,回族,110105198001010024,1980/1/1,研究生,预备党员,第一党小组,2024-09-01,,\"010-12345678\"\r\n"
  "\"王,五\",,,11010519491231002x,,高中,正式党员,第二党小组,1970-07-01,1971-07-01,\r\n";

static void
test_chinese_headers_utf8_bom (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *bytes = g_strconcat ("\xEF\xBB\xBF", chinese_csv, NULL);
  g_autofree char *path = write_file (f, "bom.csv", bytes, -1);
  g_autoptr(EvgImportResult) preview = import (f, path, EVG_IMPORT_FLAGS_DRY_RUN);
  g_autoptr(EvgImportResult) result = NULL;
  g_autoptr(EvgMember) wang = NULL;
  guint n_index_changed = 0;

  /* The preview writes nothing. */
  g_assert_cmpuint (preview->added, ==, 3);
  g_assert_cmpuint (preview->n_rejected_rows, ==, 0);
  g_assert_cmpuint (preview->groups_added, ==, 2);
  g_assert_false (preview->written);
  g_assert_cmpstr (preview->encoding, ==, "UTF-8");
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 0);

  g_signal_connect_swapped (f->roster, "index-changed", G_CALLBACK (count_signal), &n_index_changed);
  result = import (f, path, EVG_IMPORT_FLAGS_NONE);
  g_assert_cmpuint (result->added, ==, 3);
  g_assert_true (result->written);
  g_assert_cmpuint (evg_roster_get_n_members (f->roster), ==, 3);
  /* The commit changed members and groups; the roster read them once. */
  g_assert_cmpuint (n_index_changed, ==, 1);
  g_signal_handlers_disconnect_by_data (f->roster, &n_index_changed);
  g_assert_cmpuint (g_list_model_get_n_items (evg_roster_get_party_groups (f->roster)), ==, 2);

  /* Quoted commas, a lower-case x, gender and birth date from the ID. */
  wang = evg_roster_lookup_id_number (f->roster, "11010519491231002X");
  g_assert_nonnull (wang);
  g_assert_cmpstr (evg_member_get_name (wang), ==, "王,五");
  g_assert_cmpstr (evg_member_get (wang, EVG_MEMBER_GENDER), ==, "female");
  g_assert_cmpstr (evg_member_get (wang, EVG_MEMBER_BIRTH_DATE), ==, "1949-12-31");
  g_assert_cmpstr (evg_member_get (wang, EVG_MEMBER_EDUCATION), ==, "high_school");
  g_assert_cmpstr (evg_member_get_party_group_name (wang), ==, "第二党小组");
}

static void
test_gbk (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gsize len = 0;
  g_autofree char *gbk = g_convert (chinese_csv, -1, "GBK", "UTF-8", NULL, &len, &error);
  g_autofree char *path = NULL;
  g_autoptr(EvgImportResult) result = NULL;
  g_autoptr(EvgMember) li = NULL;

  g_assert_no_error (error);
  g_assert_false (g_utf8_validate (gbk, (gssize) len, NULL));
  path = write_file (f, "gbk.csv", gbk, (gssize) len);
  result = import (f, path, EVG_IMPORT_FLAGS_NONE);
  g_assert_cmpstr (result->encoding, ==, "GB18030");
  g_assert_cmpuint (result->added, ==, 3);
  li = evg_roster_lookup_id_number (f->roster, "110105198001010024");
  g_assert_cmpstr (evg_member_get_name (li), ==, "李四");
  g_assert_cmpstr (evg_member_get (li, EVG_MEMBER_ETHNICITY), ==, "回族");
  g_assert_cmpstr (evg_member_get_party_group_name (li), ==, "第一党小组");
}

static void
test_english_headers_any_order (Fixture       *f,
                                gconstpointer  data)
{
  /* LF line ends, English field names in their own order, an unknown column. */
  const char *csv =
    "phone,category,joined_on,full_member_on,id_number,name,shoe_size,party_group\n"
    "13812345678,full,2005-07-01,2006-07-01,110105198001010016,Zhang San,42,Group A\n"
    "\n"
    ",probationary,2024-09-01,,110105198001010024,李四,40,\n";
  g_autofree char *path = write_file (f, "en.csv", csv, -1);
  g_autoptr(EvgImportResult) result = import (f, path, EVG_IMPORT_FLAGS_NONE);
  g_autoptr(EvgMemberList) list = evg_member_list_new (f->roster);

  g_assert_cmpuint (result->added, ==, 2);
  g_assert_cmpuint (result->ignored_columns->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (result->ignored_columns, 0), ==, "shoe_size");

  evg_member_list_set_search_text (list, "ls");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  evg_member_list_set_search_text (list, "zhang san");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
}

static void
test_rejections (Fixture       *f,
                 gconstpointer  data)
{
  const char *csv =
    "姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,联系电话\n"
    "张三,110105198001010016,正式党员,2005-07-01,2006-07-01,13812345678\n"
    ",110105198001010024,预备党员,2024-09-01,,\n"
    "王五,110105198001010025,正式党员,2005-07-01,2006-07-01,\n"
    "赵六,110105198001010016,正式党员,2005-07-01,2006-07-01,\n"
    "钱七,110105198101010013,正式党员,1990-07-01,1991-07-01,12345\n";
  g_autofree char *path = write_file (f, "bad.csv", csv, -1);
  g_autoptr(EvgImportResult) result = import (f, path, EVG_IMPORT_FLAGS_NONE);
  EvgImportRejection *r;

  g_assert_cmpuint (result->added, ==, 1);
  g_assert_cmpuint (result->n_rejected_rows, ==, 4);
  g_assert_true (result->written);

  r = g_ptr_array_index (result->rejected, 0);
  g_assert_cmpuint (r->line, ==, 3);
  g_assert_cmpstr (r->field, ==, "name");
  g_assert_cmpstr (r->column, ==, "姓名");
  r = g_ptr_array_index (result->rejected, 1);
  g_assert_cmpuint (r->line, ==, 4);
  g_assert_cmpstr (r->field, ==, "id_number");
  g_assert_cmpstr (r->column, ==, "公民身份证号");
  r = g_ptr_array_index (result->rejected, 2);
  g_assert_cmpuint (r->line, ==, 5);
  g_assert_cmpstr (r->field, ==, "id_number");
  g_assert_nonnull (strstr (r->message, "2"));
  /* 钱七 joined at 9 and has a bad phone: both reported. */
  g_assert_cmpuint (result->rejected->len, ==, 5);
  r = g_ptr_array_index (result->rejected, 3);
  g_assert_cmpuint (r->line, ==, 6);
  g_assert_cmpstr (r->field, ==, "joined_on");
  r = g_ptr_array_index (result->rejected, 4);
  g_assert_cmpstr (r->field, ==, "phone");
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 1);
}

static void
test_blank_never_overwrites (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *path = write_file (f, "full.csv", chinese_csv, -1);
  g_autoptr(EvgImportResult) first = import (f, path, EVG_IMPORT_FLAGS_NONE);
  const char *update =
    "公民身份证号,姓名,联系电话,民族,家庭住址,学历\n"
    "110105198001010016,,,,北京市东城区1号,\n"      /* only the address is new */
    "110105198001010024,李四,,回族,,\n"            /* nothing new */
    "11010519491231002X,,13900001111,,,\n";        /* the phone is new */
  g_autofree char *path2 = write_file (f, "update.csv", update, -1);
  g_autoptr(EvgImportResult) second = NULL;
  g_autoptr(EvgMember) zhang = NULL;
  g_autoptr(EvgMember) wang = NULL;
  gint64 outbox;

  g_assert_cmpuint (first->added, ==, 3);
  outbox = count (f, "SELECT count(*) FROM outbox");

  second = import (f, path2, EVG_IMPORT_FLAGS_NONE);
  g_assert_cmpuint (second->added, ==, 0);
  g_assert_cmpuint (second->updated, ==, 2);
  g_assert_cmpuint (second->unchanged, ==, 1);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, outbox + 2);

  zhang = evg_roster_lookup_id_number (f->roster, "110105198001010016");
  g_assert_cmpstr (evg_member_get_name (zhang), ==, "张三");
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_PHONE), ==, "13812345678");
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_ETHNICITY), ==, "汉族");
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_EDUCATION), ==, "bachelor");
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_ADDRESS), ==, "北京市东城区1号");
  wang = evg_roster_lookup_id_number (f->roster, "11010519491231002X");
  g_assert_cmpstr (evg_member_get (wang, EVG_MEMBER_PHONE), ==, "13900001111");
  g_assert_cmpstr (evg_member_get_party_group_name (wang), ==, "第二党小组");

  /* Only the changed field travels to the server. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox WHERE op = 'update' "
                             "AND fields = '{\"address\":\"北京市东城区1号\"}'"), ==, 1);
}

/* Makes the database refuse to write the member called 失败, as a full disk
 * would, and checks that importing @path then names @line and writes
 * nothing at all. */
static void
assert_write_fails (Fixture    *f,
                    const char *path,
                    const char *line)
{
  g_autoptr(GError) error = NULL;
  EvgImportResult *result;

  g_assert_true (evg_store_exec (f->store,
                                 "CREATE TRIGGER fail BEFORE INSERT ON member "
                                 "WHEN NEW.name = '失败' BEGIN SELECT RAISE (ABORT, 'injected'); END",
                                 NULL));
  result = evg_roster_import (f->roster, path, EVG_IMPORT_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, line));
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM party_group"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 0);
  g_assert_cmpuint (evg_roster_get_n_members (f->roster), ==, 0);
  g_assert_true (evg_store_exec (f->store, "DROP TRIGGER fail", NULL));
}

static void
test_all_or_nothing (Fixture       *f,
                     gconstpointer  data)
{
  const char *csv =
    "姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,党小组\n"
    "张三,110105198001010016,正式党员,2005-07-01,2006-07-01,新小组\n"
    "失败,110105198001010024,正式党员,2005-07-01,2006-07-01,\n"
    "王五,11010519491231002X,正式党员,1970-07-01,1971-07-01,\n";
  g_autofree char *path = write_file (f, "fail.csv", csv, -1);

  /* The second row's write fails: line 3. */
  assert_write_fails (f, path, "3");
}

/* The same in a file long enough for rows to be written together: the
 * failing row is still the one named. */
static void
test_all_or_nothing_bulk (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GString) csv = g_string_new ("姓名,性别,公民身份证号,出生日期,人员类别,加入党组织日期,转为正式党员日期\n");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  EvgImportResult *result;

  for (guint i = 0; i < 300; i++)
    {
      char first17[18];

      /* Born on day i of 1980, women (gender digit 2). */
      g_snprintf (first17, sizeof first17, "1101051980%02u%02u%03u", 1 + i / 28, 1 + i % 28, 2);
      g_string_append_printf (csv, "%s,女,%s%c,1980-%02u-%02u,正式党员,2005-07-01,2006-07-01\n",
                              i == 200 ? "失败" : "成员", first17, evg_id_number_check_char (first17),
                              1 + i / 28, 1 + i % 28);
    }
  path = write_file (f, "bulk.csv", csv->str, -1);
  /* Row 200 of the data is line 202 of the file. */
  assert_write_fails (f, path, "202");

  /* Without the trigger every row is written, each with its entry. */
  result = evg_roster_import (f->roster, path, EVG_IMPORT_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->added, ==, 300);
  evg_import_result_free (result);
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 300);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 300);
  g_assert_cmpuint (evg_roster_get_n_members (f->roster), ==, 300);
  evg_test_assert_outbox_covers_all (f->store);
}

static void
test_round_trip (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *path = write_file (f, "in.csv", chinese_csv, -1);
  g_autofree char *out = g_build_filename (f->dir, "out.csv", NULL);
  g_autoptr(EvgImportResult) first = import (f, path, EVG_IMPORT_FLAGS_NONE);
  g_autoptr(EvgImportResult) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgMember) li = evg_roster_lookup_id_number (f->roster, "110105198001010024");
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  gint64 outbox;

  /* Make every kind of field hold something. */
  evg_member_set_text (li, EVG_MEMBER_MOBILE_MEMBER, "是");
  evg_member_set_text (li, EVG_MEMBER_MOBILE_DESTINATION, "广东省深圳市");
  evg_member_set_text (li, EVG_MEMBER_DUES_MONTHLY, "12.5");
  evg_member_set_text (li, EVG_MEMBER_DUES_PAID_UNTIL, "2024年6月");
  evg_member_set_text (li, EVG_MEMBER_NOTE, "备注，含逗号和\"引号\"\n和换行");
  g_free (evg_roster_save (f->roster, li, &error));
  g_assert_no_error (error);
  g_assert_true (evg_roster_record_departure (f->roster,
                                             evg_member_get_id (li), "去世", "2025-01-02", &error));
  g_assert_no_error (error);

  g_assert_true (evg_roster_export (f->roster, NULL, out, &error));
  g_assert_no_error (error);
  g_file_get_contents (out, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (text, "\xEF\xBB\xBF姓名,性别,民族,公民身份证号,出生日期,学历,人员类别,"
                                         "所在党支部,所在党小组,加入党组织日期,转为正式党员日期,"));
  g_assert_nonnull (strstr (text, ",去世,2025-01-02\r\n"));

  outbox = count (f, "SELECT count(*) FROM outbox");
  again = import (f, out, EVG_IMPORT_FLAGS_NONE);
  g_assert_cmpuint (again->added, ==, 0);
  g_assert_cmpuint (again->updated, ==, 0);
  g_assert_cmpuint (again->unchanged, ==, 3);
  g_assert_cmpuint (again->n_rejected_rows, ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, outbox);

  /* Exporting again gives the same file. */
  g_assert_true (evg_roster_export (f->roster, NULL, out, &error));
  g_file_get_contents (out, &text2, NULL, &error);
  g_assert_cmpstr (text, ==, text2);

  /* A filtered view exports only what it shows. */
  {
    g_autoptr(EvgMemberList) list = evg_member_list_new (f->roster);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GPtrArray) lines = NULL;
    g_autofree char *copy = NULL;

    evg_member_list_set_search_text (list, "zhangsan");
    bytes = evg_roster_export_bytes (f->roster, list, &error);
    g_assert_no_error (error);
    copy = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
    g_assert_nonnull (strstr (copy, "张三"));
    g_assert_null (strstr (copy, "王,五"));
  }
}

static void
test_unreadable (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *missing = g_build_filename (f->dir, "missing.csv", NULL);
  g_autofree char *binary = write_file (f, "binary.csv", "\xff\xff\xff\x00\x81\x30", 6);
  g_autofree char *noheader = write_file (f, "noheader.csv", "张三,110105198001010016\n", -1);
  g_autofree char *empty = write_file (f, "empty.csv", "", 0);
  const char *paths[] = { missing, binary, noheader, empty };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      EvgImportResult *result = evg_roster_import (f->roster, paths[i], EVG_IMPORT_FLAGS_NONE,
                                                   NULL, NULL, NULL, &error);

      g_assert_null (result);
      g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE);
      g_clear_error (&error);
    }
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 0);
}

static void
test_csv_reader (void)
{
  const char *text = "a,\"b\"\"c\",\"d\r\ne\"\r\n\r\n1,,3\rx\ty";
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgCsvReader) reader = evg_csv_reader_new (text, strlen (text), &error);
  GPtrArray *cells;
  guint line;

  g_assert_no_error (error);
  g_assert_true (evg_csv_reader_next (reader, &cells, &line));
  g_assert_cmpuint (line, ==, 1);
  g_assert_cmpuint (cells->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (cells, 1), ==, "b\"c");
  g_assert_cmpstr (g_ptr_array_index (cells, 2), ==, "d\r\ne");
  g_assert_true (evg_csv_reader_next (reader, &cells, &line));
  g_assert_cmpuint (line, ==, 4);
  g_assert_cmpuint (cells->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (cells, 1), ==, "");
  g_assert_true (evg_csv_reader_next (reader, &cells, &line));
  g_assert_cmpuint (line, ==, 5);
  g_assert_cmpstr (g_ptr_array_index (cells, 0), ==, "x\ty");
  g_assert_false (evg_csv_reader_next (reader, &cells, &line));

  {
    g_autoptr(GString) out = g_string_new (NULL);
    const char *row[] = { "plain", "with,comma", "say \"hi\"", NULL, "\tlead" };

    evg_csv_append_row (out, row, G_N_ELEMENTS (row));
    g_assert_cmpstr (out->str, ==, "plain,\"with,comma\",\"say \"\"hi\"\"\",,\"\tlead\"\r\n");
  }
}

/* Reads @bytes from a file through evg_csv_reader_new_for_path(): the rows
 * "姓名,编号" and then 成员0,0 … in order; returns the encoding found. */
static char *
read_numbered_file (const char *bytes,
                    gsize       len,
                    guint       n)
{
  g_autofree char *dir = evg_test_make_dir ();
  g_autofree char *path = g_build_filename (dir, "large.csv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgCsvReader) reader = NULL;
  GPtrArray *cells;
  guint line, i = 0;
  char *encoding;

  g_file_set_contents (path, bytes, (gssize) len, &error);
  g_assert_no_error (error);
  reader = evg_csv_reader_new_for_path (path, EVG_CSV_DEFAULT_MAX_SIZE, &error);
  g_assert_no_error (error);
  g_assert_true (evg_csv_reader_next (reader, &cells, &line));
  g_assert_cmpstr (g_ptr_array_index (cells, 0), ==, "姓名");
  while (evg_csv_reader_next (reader, &cells, &line))
    {
      g_autofree char *name = g_strdup_printf ("成员%u", i);
      g_autofree char *number = g_strdup_printf ("%u", i);

      g_assert_cmpuint (cells->len, ==, 2);
      g_assert_cmpstr (g_ptr_array_index (cells, 0), ==, name);
      g_assert_cmpstr (g_ptr_array_index (cells, 1), ==, number);
      i++;
    }
  g_assert_cmpuint (i, ==, n);
  encoding = g_strdup (evg_csv_reader_get_encoding (reader));
  g_clear_pointer (&reader, evg_csv_reader_free);
  evg_test_remove_dir (dir);
  return encoding;
}

/* Files of several megabytes are read another way (see read_large_file()
 * in evg-csv.c): the encodings are told apart all the same. */
static void
test_csv_large_file (void)
{
  g_autoptr(GString) text = g_string_new ("\xEF\xBB\xBF姓名,编号\r\n");
  g_autofree char *gbk = NULL;
  g_autofree char *encoding = NULL;
  g_autoptr(GError) error = NULL;
  gsize gbk_len = 0;
  guint n;

  /* Large enough in GB18030 too, where it is a little smaller. */
  for (n = 0; text->len < 5 * 1024 * 1024; n++)
    g_string_append_printf (text, "成员%u,%u\r\n", n, n);

  encoding = read_numbered_file (text->str, text->len, n);
  g_assert_cmpstr (encoding, ==, "UTF-8");
  g_clear_pointer (&encoding, g_free);

  encoding = read_numbered_file (text->str + 3, text->len - 3, n);
  g_assert_cmpstr (encoding, ==, "UTF-8");
  g_clear_pointer (&encoding, g_free);

  gbk = g_convert (text->str + 3, (gssize) text->len - 3, "GB18030", "UTF-8", NULL, &gbk_len, &error);
  g_assert_no_error (error);
  encoding = read_numbered_file (gbk, gbk_len, n);
  g_assert_cmpstr (encoding, ==, "GB18030");
}

typedef struct
{
  GMainLoop        *loop;
  EvgImportResult  *result;
  GError           *error;
  guint             progress_calls;
  double            last_fraction;
  guint             changes;
} AsyncData;

static void
on_progress (double   fraction,
             gpointer user_data)
{
  AsyncData *d = user_data;

  g_assert_cmpfloat (fraction, >=, d->last_fraction);
  d->last_fraction = fraction;
  d->progress_calls++;
}

static void
on_imported (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  AsyncData *d = user_data;

  d->result = evg_roster_import_finish (EVG_ROSTER (source), res, &d->error);
  g_main_loop_quit (d->loop);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  AsyncData  *d)
{
  d->changes++;
}

/* @n members called 成员0, 成员1, …, or with no name at all (so that every
 * row is rejected) when @named is FALSE. */
static char *
big_csv (Fixture  *f,
         guint     n,
         gboolean  named)
{
  g_autoptr(GString) csv = g_string_new ("姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期\n");

  for (guint i = 0; i < n; i++)
    {
      char first17[18];

      if (named)
        g_string_append_printf (csv, "成员%u", i);
      g_snprintf (first17, sizeof first17, "110105%04u0101%03u", 1950 + i / 1000, i % 1000);
      g_string_append_printf (csv, ",%s%c,正式党员,2000-07-01,2001-07-01\n", first17,
                              evg_id_number_check_char (first17));
    }
  return write_file (f, "big.csv", csv->str, (gssize) csv->len);
}

static void
cancel_on_progress (double   fraction,
                    gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

/* Cancelled while rows are being checked and written, in batches: nothing
 * is written, and the rows not yet read are never read. */
static void
test_cancel_midway (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = big_csv (f, 3000, TRUE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  EvgImportResult *result;

  result = evg_roster_import (f->roster, path, EVG_IMPORT_FLAGS_NONE, cancel_on_progress,
                              cancellable, cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 0);
  g_assert_cmpuint (evg_roster_get_n_members (f->roster), ==, 0);
}

/* A longer file again over the members it made: the checking thread looks
 * them up on its own connection, finds them unchanged, and only the new
 * rows are written. */
static void
test_import_again (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *first = big_csv (f, 1000, TRUE);
  g_autoptr(EvgImportResult) result = import (f, first, EVG_IMPORT_FLAGS_NONE);
  g_autofree char *second = big_csv (f, 1300, TRUE);
  g_autoptr(EvgImportResult) again = import (f, second, EVG_IMPORT_FLAGS_NONE);

  g_assert_cmpuint (result->added, ==, 1000);
  g_assert_cmpuint (again->added, ==, 300);
  g_assert_cmpuint (again->unchanged, ==, 1000);
  g_assert_cmpuint (again->updated, ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 1300);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 1300);
  evg_test_assert_outbox_covers_all (f->store);
}

/* Progress moves while rows are checked, even when none of them is
 * written: every row here lacks its name. */
static void
test_progress_all_rejected (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = big_csv (f, 3000, FALSE);
  g_autoptr(EvgImportResult) result = NULL;
  AsyncData d = { 0 };

  result = evg_roster_import (f->roster, path, EVG_IMPORT_FLAGS_NONE, on_progress, &d, NULL, NULL);
  g_assert_nonnull (result);
  g_assert_cmpuint (result->n_rejected_rows, ==, 3000);
  g_assert_cmpuint (result->added, ==, 0);
  /* About one report for every 256 rows, then the last one. */
  g_assert_cmpuint (d.progress_calls, >=, 10);
  g_assert_cmpfloat (d.last_fraction, ==, 1.0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 0);
}

static void
test_async (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *path = big_csv (f, 3000, TRUE);
  g_autoptr(EvgMemberList) list = evg_member_list_new (f->roster);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncData d = { 0 };

  d.loop = g_main_loop_new (NULL, FALSE);
  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), &d);

  /* Cancelled before it starts: nothing is written. */
  g_cancellable_cancel (cancellable);
  evg_roster_import_async (f->roster, path, EVG_IMPORT_FLAGS_NONE, EVG_CSV_DEFAULT_MAX_SIZE,
                           NULL, NULL, NULL, cancellable, on_imported, &d);
  g_main_loop_run (d.loop);
  g_assert_null (d.result);
  g_assert_error (d.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&d.error);
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 0);

  evg_roster_import_async (f->roster, path, EVG_IMPORT_FLAGS_NONE, EVG_CSV_DEFAULT_MAX_SIZE,
                           on_progress, &d, NULL, NULL, on_imported, &d);
  g_main_loop_run (d.loop);
  g_assert_no_error (d.error);
  g_assert_nonnull (d.result);
  g_assert_cmpuint (d.result->added, ==, 3000);
  g_assert_true (d.result->written);
  g_assert_cmpuint (d.progress_calls, >=, 1);
  /* The list heard of the rows the worker wrote. */
  g_assert_cmpuint (d.changes, >=, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3000);
  g_assert_cmpuint (evg_roster_get_n_members (f->roster), ==, 3000);

  /* The result came before the log was copied into the database; a
   * worker does that next, without being asked. */
  {
    g_autofree char *db = g_build_filename (f->dir, "import.db", NULL);
    gint64 until = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
    GStatBuf st = { 0 };

    while (g_stat (db, &st) == 0 && st.st_size < 1000000 && g_get_monotonic_time () < until)
      g_usleep (10000);
    g_assert_cmpint (st.st_size, >=, 1000000);
  }

  evg_import_result_free (d.result);
  g_main_loop_unref (d.loop);
}

static void
on_exported (GObject      *source,
             GAsyncResult *res,
             gpointer      user_data)
{
  AsyncData *d = user_data;

  if (!evg_roster_export_finish (EVG_ROSTER (source), res, &d->error))
    g_assert_nonnull (d->error);
  g_main_loop_quit (d->loop);
}

static void
test_export_async (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = write_file (f, "in.csv", chinese_csv, -1);
  g_autofree char *out = g_build_filename (f->dir, "async.csv", NULL);
  g_autoptr(EvgImportResult) first = import (f, path, EVG_IMPORT_FLAGS_NONE);
  g_autoptr(EvgMemberList) list = evg_member_list_new (f->roster);
  g_autoptr(GBytes) expected = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  AsyncData d = { 0 };

  d.loop = g_main_loop_new (NULL, FALSE);
  evg_member_list_set_search_text (list, "ls");
  expected = evg_roster_export_bytes (f->roster, list, &error);
  g_assert_no_error (error);

  evg_roster_export_async (f->roster, list, out, NULL, on_exported, &d);
  g_main_loop_run (d.loop);
  g_assert_no_error (d.error);
  g_file_get_contents (out, &text, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (text, len, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
  g_assert_nonnull (strstr (text, "李四"));
  g_assert_null (strstr (text, "张三"));
  g_main_loop_unref (d.loop);
}

/* The bulk mode the import relies on: after one failed write the whole
 * transaction refuses to commit, so freeing it writes nothing. */
static void
test_txn_all_or_nothing (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = evg_store_begin (f->store, &error);
  g_autoptr(EvgFieldSet) fields = evg_field_set_new_for ("party_group");
  g_autofree char *a = NULL, *b = NULL, *c = NULL;

  g_assert_no_error (error);
  evg_txn_set_all_or_nothing (txn);
  evg_field_set_set (fields, "name", "一组");
  a = evg_txn_insert (txn, fields, NULL, &error);
  g_assert_no_error (error);
  b = evg_txn_insert (txn, fields, NULL, &error);
  g_assert_no_error (error);

  /* Ids are UUIDs that sort in the order they were made. */
  g_assert_true (g_uuid_string_is_valid (a));
  g_assert_true (g_uuid_string_is_valid (b));
  g_assert_cmpint (a[14], ==, '7');
  g_assert_cmpstr (a, <, b);

  /* A write that fails (the id is taken) poisons the transaction. */
  c = evg_txn_insert (txn, fields, a, &error);
  g_assert_null (c);
  g_assert_nonnull (error);
  g_clear_error (&error);
  c = evg_txn_insert (txn, fields, NULL, &error);
  g_assert_null (c);
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (evg_txn_commit (txn, &error));
  g_assert_nonnull (error);
  g_clear_pointer (&txn, evg_txn_free);

  g_assert_cmpint (count (f, "SELECT count(*) FROM party_group"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 0);
}

/* A row of the roster that test_index_after_import() imports: member @i,
 * with @name (NULL for a blank cell), in @group, and a flag or two by @i. */
static void
append_index_row (GString    *csv,
                  guint       i,
                  const char *name,
                  const char *group,
                  const char *phone)
{
  char first17[18];

  g_snprintf (first17, sizeof first17, "110105%04u0101%03u", 1950 + i / 1000, i % 1000);
  g_string_append_printf (csv, "%s,%s%c,%s,%s,%s,%s,%s,%s,%s\n", name != NULL ? name : "",
                          first17, evg_id_number_check_char (first17),
                          i % 7 == 0 ? "预备党员" : "正式党员", group,
                          i % 7 == 0 ? "2025-09-01" : "2000-07-01",
                          i % 7 == 0 ? "" : "2001-07-01", phone != NULL ? phone : "",
                          i % 5 == 0 ? "是" : "", i % 11 == 0 ? "是" : "否");
}

#define INDEX_CSV_HEADER "姓名,公民身份证号,人员类别,党小组,加入党组织日期,转为正式党员日期,联系电话,是否流动党员,是否失联党员\n"

/* The roster's index after an import is what reading every row makes. */
static void
assert_index_as_loaded (Fixture *f)
{
  EvgMemberIndex *index = evg_roster_get_index (f->roster);
  EvgMemberIndex *fresh = evg_member_index_new ();
  g_autoptr(GError) error = NULL;
  guint n;

  evg_member_index_load (fresh, f->store, &error);
  g_assert_no_error (error);
  n = evg_member_index_get_n_entries (fresh);
  g_assert_cmpuint (evg_member_index_get_n_entries (index), ==, n);
  g_assert_cmpuint (evg_member_index_get_n_live (index), ==, evg_member_index_get_n_live (fresh));
  for (guint i = 0; i < n; i++)
    {
      const EvgIndexEntry *a = evg_member_index_get_entry (index, i);
      const EvgIndexEntry *b = evg_member_index_get_entry (fresh, i);

      g_assert_cmpuint (a->rowid, ==, b->rowid);
      g_assert_cmpuint (a->live, ==, b->live);
      g_assert_cmpint (a->birth, ==, b->birth);
      g_assert_cmpint (a->full_on, ==, b->full_on);
      g_assert_cmpuint (a->flags, ==, b->flags);
      g_assert_cmpuint (a->group, ==, b->group);
      g_assert_cmpstr (evg_member_index_get_group_name (index, a->group), ==,
                       evg_member_index_get_group_name (fresh, b->group));
      g_assert_cmpuint (evg_member_index_get_group_rank (index, a->group), ==,
                        evg_member_index_get_group_rank (fresh, b->group));
      g_assert_cmpstr (evg_member_index_get_record (index, i), ==,
                       evg_member_index_get_record (fresh, i));
    }
  evg_member_index_free (fresh);
}

/* An import with more rows than the commit names one by one adds its own
 * entries to the index instead of the roster reading every row again: new
 * rows and a new party group, updates (blank cells among them), unchanged
 * and rejected rows, after a deleted member. */
static void
test_index_after_import (Fixture       *f,
                         gconstpointer  data)
{
  gboolean async = GPOINTER_TO_INT (data);
  g_autoptr(GString) csv = g_string_new (INDEX_CSV_HEADER);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(EvgImportResult) result = NULL;
  g_autoptr(EvgMember) gone = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 1500; i++)
    {
      g_autofree char *name = g_strdup_printf ("成员%u", i);
      g_autofree char *phone = g_strdup_printf ("138%08u", i);

      append_index_row (csv, i, name, i % 2 == 0 ? "第一党小组" : "第二党小组", phone);
    }
  first = write_file (f, "first.csv", csv->str, (gssize) csv->len);
  g_test_expect_message ("evg-roster", G_LOG_LEVEL_DEBUG, "Added 1500 imported members*");
  result = import (f, first, EVG_IMPORT_FLAGS_NONE);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (result->added, ==, 1500);
  g_clear_pointer (&result, evg_import_result_free);
  assert_index_as_loaded (f);

  {
    char id_number[19];

    g_snprintf (id_number, sizeof id_number, "110105195001010%02u", 0u);
    id_number[17] = evg_id_number_check_char (id_number);
    id_number[18] = '\0';
    gone = evg_roster_lookup_id_number (f->roster, id_number);
  }
  g_assert_nonnull (gone);
  evg_roster_delete (f->roster, evg_member_get_id (gone), &error);
  g_assert_no_error (error);

  g_string_assign (csv, INDEX_CSV_HEADER);
  for (guint i = 0; i < 300; i++)
    {
      g_autofree char *name = g_strdup_printf ("改名%u", i);
      g_autofree char *phone = g_strdup_printf ("139%08u", i);

      /* Every third keeps its phone: the cell is blank. */
      append_index_row (csv, i, name, i % 3 == 1 ? "第三党小组" : "第一党小组",
                        i % 3 == 0 ? NULL : phone);
    }
  for (guint i = 300; i < 310; i++)
    {
      g_autofree char *name = g_strdup_printf ("成员%u", i);
      g_autofree char *phone = g_strdup_printf ("138%08u", i);

      append_index_row (csv, i, name, i % 2 == 0 ? "第一党小组" : "第二党小组", phone);
    }
  /* Rejected: a wrong check digit, a missing name. */
  g_string_append (csv, "错号,110105199001010011,正式党员,第一党小组,2010-07-01,2011-07-01,,,\n");
  append_index_row (csv, 5000, NULL, "第一党小组", NULL);
  for (guint i = 1500; i < 2800; i++)
    {
      g_autofree char *name = g_strdup_printf ("新人%u", i);
      g_autofree char *phone = g_strdup_printf ("137%08u", i);

      append_index_row (csv, i, name, i % 4 == 0 ? "第三党小组" : "第二党小组",
                        i % 6 == 0 ? NULL : phone);
    }
  second = write_file (f, "second.csv", csv->str, (gssize) csv->len);

  g_test_expect_message ("evg-roster", G_LOG_LEVEL_DEBUG, "Added 1301 imported members*");
  if (async)
    {
      AsyncData d = { 0 };

      d.loop = g_main_loop_new (NULL, FALSE);
      evg_roster_import_async (f->roster, second, EVG_IMPORT_FLAGS_NONE, EVG_CSV_DEFAULT_MAX_SIZE,
                               NULL, NULL, NULL, NULL, on_imported, &d);
      g_main_loop_run (d.loop);
      g_main_loop_unref (d.loop);
      g_assert_no_error (d.error);
      result = d.result;
    }
  else
    result = import (f, second, EVG_IMPORT_FLAGS_NONE);
  g_test_assert_expected_messages ();

  /* The deleted member came back as a new row. */
  g_assert_cmpuint (result->added, ==, 1301);
  g_assert_cmpuint (result->updated, ==, 299);
  g_assert_cmpuint (result->unchanged, ==, 10);
  g_assert_cmpuint (result->n_rejected_rows, ==, 2);
  g_assert_cmpuint (result->groups_added, ==, 1);
  g_assert_cmpuint (evg_roster_get_n_members (f->roster), ==, 2800);
  g_assert_cmpuint (g_list_model_get_n_items (evg_roster_get_party_groups (f->roster)), ==, 3);
  assert_index_as_loaded (f);
}

/* ------------------------------------------------------------ hardening */

/* A full disk stops the import with a message that says so and what to
 * do, and nothing is written.  SQLite's page limit stands in for the disk. */
static void
test_disk_full (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = big_csv (f, 2000, TRUE);
  g_autoptr(GError) error = NULL;
  EvgImportResult *result;
  g_autofree char *limit = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                                            count (f, "PRAGMA page_count") + 4);

  g_assert_true (evg_store_exec (f->store, limit, NULL));
  result = evg_roster_import (f->roster, path, EVG_IMPORT_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_FULL);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_assert_nonnull (strstr (error->message, "free some disk space"));
  g_assert_null (strstr (error->message, "administrator"));
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 0);
  g_assert_true (evg_store_exec (f->store, "PRAGMA max_page_count = 1073741823", NULL));
}

/* Imports @path expecting it to be refused as unreadable; returns the
 * message.  Nothing may have been written. */
static char *
import_refused (Fixture        *f,
                const char     *path,
                EvgImportFlags  flags)
{
  g_autoptr(GError) error = NULL;
  EvgImportResult *result = evg_roster_import (f->roster, path, flags, NULL, NULL, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE);
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM party_group"), ==, 0);
  g_assert_cmpint (count (f, "SELECT count(*) FROM outbox"), ==, 0);
  return g_strdup (error->message);
}

/* The file's lines as a text editor counts them: line breaks (CR LF as
 * one), and a last line without one. */
static guint
count_lines (const char *text)
{
  guint n = 0;
  const char *p;

  for (p = text; *p != '\0'; p++)
    if (*p == '\n' || (*p == '\r' && p[1] != '\n'))
      n++;
  if (p > text && p[-1] != '\n' && p[-1] != '\r')
    n++;
  return n;
}

static void
assert_lines_add_up (EvgImportResult *result,
                     const char      *text)
{
  g_assert_cmpuint (result->n_lines, ==, count_lines (text));
  g_assert_cmpuint (result->n_header_lines + result->n_accepted_lines + result->n_rejected_lines +
                    result->n_blank_lines, ==, result->n_lines);
}

#define HARDENING_HEADER "姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,家庭住址\n"
#define ROW_ZHANG "张三,110105198001010016,正式党员,2005-07-01,2006-07-01,"
#define ROW_LI    "李四,110105198001010024,正式党员,2005-07-01,2006-07-01,"
#define ROW_WANG  "王五,11010519491231002X,正式党员,1970-07-01,1971-07-01,"
#define ROW_ZHAO  "赵六,110105198101010013,正式党员,2005-07-01,2006-07-01,"
#define ROW_QIAN  "钱七,110105198201010010,正式党员,2005-07-01,2006-07-01,"

/* A quote still open at the end of the file swallowed every row after it
 * into one address: the file is refused, naming the line the quote is on,
 * in the preview and the import alike. */
static void
test_unterminated_quote (Fixture       *f,
                         gconstpointer  data)
{
  const char *csv = HARDENING_HEADER
                    ROW_ZHANG "东城区\n"
                    ROW_LI "\"西城区\n"
                    ROW_WANG "朝阳区\n"
                    ROW_ZHAO "海淀区\n"
                    ROW_QIAN "丰台区\n";
  g_autofree char *path = write_file (f, "open.csv", csv, -1);
  g_autofree char *preview = import_refused (f, path, EVG_IMPORT_FLAGS_DRY_RUN);
  g_autofree char *message = import_refused (f, path, EVG_IMPORT_FLAGS_NONE);

  g_assert_nonnull (strstr (message, "line 3 "));
  g_assert_nonnull (strstr (message, "never closed"));
  g_assert_cmpstr (preview, ==, message);
  g_assert_cmpuint (evg_roster_get_n_members (f->roster), ==, 0);
}

/* The same in a long file, where rows are written in batches while the
 * rest are checked: the rows written before the end is reached are rolled
 * back. */
static void
test_unterminated_quote_bulk (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GString) csv = g_string_new ("姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,备注\n");
  g_autofree char *path = NULL;
  g_autofree char *message = NULL;

  for (guint i = 0; i < 1000; i++)
    {
      char first17[18];

      g_snprintf (first17, sizeof first17, "110105%04u0101%03u", 1950 + i / 1000, i % 1000);
      g_string_append_printf (csv, "成员%u,%s%c,正式党员,2000-07-01,2001-07-01,%s\n", i, first17,
                              evg_id_number_check_char (first17), i == 900 ? "\"未闭合" : "");
    }
  path = write_file (f, "open-bulk.csv", csv->str, (gssize) csv->len);
  /* Row 900 of the data is line 902. */
  message = import_refused (f, path, EVG_IMPORT_FLAGS_NONE);
  g_assert_nonnull (strstr (message, "line 902 "));
  g_assert_cmpuint (evg_roster_get_n_members (f->roster), ==, 0);
}

/* A quote open in the header row: the file has no readable header at all,
 * and the message says why rather than asking for one. */
static void
test_unterminated_quote_header (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *path = write_file (f, "open-header.csv",
                                      "姓名,\"公民身份证号\n" ROW_ZHANG "\n", -1);
  g_autofree char *message = import_refused (f, path, EVG_IMPORT_FLAGS_DRY_RUN);

  g_assert_nonnull (strstr (message, "line 1 "));
}

/* A quote left open and closed by a later one reads the rows between into
 * one cell: that row is rejected, naming the line that looks like a row,
 * and every line of the file is still accounted for. */
static void
test_swallowed_rows (Fixture       *f,
                     gconstpointer  data)
{
  const char *csv = HARDENING_HEADER
                    ROW_ZHANG "\"东城区\n"                  /* 2: opens */
                    ROW_LI "西城区\n"                       /* 3 */
                    ROW_WANG "\"朝阳区\"\n"                 /* 4: closes */
                    "\n"                                   /* 5 */
                    ",,,,,\n"                              /* 6 */
                    ROW_ZHAO "\"海淀区\n北京\"\n"           /* 7-8: a real two-line address */
                    ROW_QIAN "丰台区";                      /* 9, without a line break */
  g_autofree char *path = write_file (f, "swallowed.csv", csv, -1);
  g_autoptr(EvgImportResult) preview = import (f, path, EVG_IMPORT_FLAGS_DRY_RUN);
  g_autoptr(EvgImportResult) result = import (f, path, EVG_IMPORT_FLAGS_NONE);
  g_autoptr(EvgMember) zhao = NULL;
  EvgImportRejection *r;

  g_assert_cmpuint (preview->added, ==, 2);
  g_assert_cmpuint (preview->n_rejected_rows, ==, 1);
  g_assert_cmpuint (preview->rejected->len, ==, 1);
  r = g_ptr_array_index (preview->rejected, 0);
  g_assert_cmpuint (r->line, ==, 2);
  g_assert_cmpstr (r->field, ==, "address");
  g_assert_cmpstr (r->column, ==, "家庭住址");
  g_assert_nonnull (strstr (r->message, "line 3 "));
  g_assert_nonnull (strstr (r->message, "李四,110105198001010024"));

  g_assert_cmpuint (preview->n_lines, ==, 9);
  g_assert_cmpuint (preview->n_header_lines, ==, 1);
  g_assert_cmpuint (preview->n_rejected_lines, ==, 3);
  g_assert_cmpuint (preview->n_blank_lines, ==, 2);
  g_assert_cmpuint (preview->n_accepted_lines, ==, 3);
  assert_lines_add_up (preview, csv);

  /* The import says the same and writes only the two good rows. */
  g_assert_cmpuint (result->added, ==, 2);
  g_assert_cmpuint (result->n_rejected_rows, ==, 1);
  g_assert_cmpuint (result->n_lines, ==, preview->n_lines);
  g_assert_cmpuint (result->n_accepted_lines, ==, preview->n_accepted_lines);
  g_assert_cmpuint (result->n_rejected_lines, ==, preview->n_rejected_lines);
  g_assert_cmpuint (result->n_blank_lines, ==, preview->n_blank_lines);
  g_assert_cmpint (count (f, "SELECT count(*) FROM member"), ==, 2);
  zhao = evg_roster_lookup_id_number (f->roster, "110105198101010013");
  g_assert_cmpstr (evg_member_get (zhao, EVG_MEMBER_ADDRESS), ==, "海淀区\n北京");
}

/* Line breaks inside cells that hold text, even text with a comma or an
 * ID number, are not taken for rows run together. */
static void
test_multiline_text_accepted (Fixture       *f,
                              gconstpointer  data)
{
  const char *csv = "姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,备注,家庭住址\r\n"
                    ROW_ZHANG "\"第一行\r\n第二行, 有逗号\r\n身份证110105198001010016\",北京\r\n"
                    "\r\n"
                    "\r\n"
                    "   \r\n"
                    ROW_LI "\"a, b\nc\",\r\n";
  g_autofree char *path = write_file (f, "multiline.csv", csv, -1);
  g_autoptr(EvgImportResult) result = import (f, path, EVG_IMPORT_FLAGS_NONE);
  g_autoptr(EvgMember) zhang = NULL;

  g_assert_cmpuint (result->added, ==, 2);
  g_assert_cmpuint (result->n_rejected_rows, ==, 0);
  g_assert_cmpuint (result->n_lines, ==, 9);
  g_assert_cmpuint (result->n_accepted_lines, ==, 5);
  g_assert_cmpuint (result->n_blank_lines, ==, 3);
  assert_lines_add_up (result, csv);
  zhang = evg_roster_lookup_id_number (f->roster, "110105198001010016");
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_NOTE), ==,
                   "第一行\r\n第二行, 有逗号\r\n身份证110105198001010016");
}

/* Lines are counted the same way whatever ends them, and a header cell
 * with a line break in it counts two header lines. */
static void
test_line_accounting (Fixture       *f,
                      gconstpointer  data)
{
  const char *csv = "\"姓名\",\"公民身份证号\",人员类别,加入党组织日期,转为正式党员日期,\"家庭\r\n住址\"\r"
                    "\r"
                    ROW_ZHANG "\r"
                    ",110105198001010024,正式党员,2005-07-01,2006-07-01,\r\n"
                    "\n\n\n";
  g_autofree char *path = write_file (f, "lines.csv", csv, -1);
  g_autoptr(EvgImportResult) result = NULL;

  result = import (f, path, EVG_IMPORT_FLAGS_DRY_RUN);
  g_assert_cmpuint (result->added, ==, 1);
  g_assert_cmpuint (result->n_rejected_rows, ==, 1);
  g_assert_cmpuint (result->n_lines, ==, 8);
  g_assert_cmpuint (result->n_header_lines, ==, 2);
  g_assert_cmpuint (result->n_accepted_lines, ==, 1);
  g_assert_cmpuint (result->n_rejected_lines, ==, 1);
  g_assert_cmpuint (result->n_blank_lines, ==, 4);
  assert_lines_add_up (result, csv);
}

/* As in Excel, a quote inside a cell is a character of it and opens
 * nothing. */
static void
test_quote_inside_cell (Fixture       *f,
                        gconstpointer  data)
{
  const char *csv = HARDENING_HEADER
                    "张\"三,110105198001010016,正式党员,2005-07-01,2006-07-01,5\"号楼\n"
                    ROW_LI "\"西\"\"城\"区\n";
  g_autofree char *path = write_file (f, "inner.csv", csv, -1);
  g_autoptr(EvgImportResult) result = import (f, path, EVG_IMPORT_FLAGS_NONE);
  g_autoptr(EvgMember) zhang = evg_roster_lookup_id_number (f->roster, "110105198001010016");
  g_autoptr(EvgMember) li = evg_roster_lookup_id_number (f->roster, "110105198001010024");

  g_assert_cmpuint (result->added, ==, 2);
  g_assert_cmpstr (evg_member_get_name (zhang), ==, "张\"三");
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_ADDRESS), ==, "5\"号楼");
  g_assert_cmpstr (evg_member_get (li, EVG_MEMBER_ADDRESS), ==, "西\"城区");
}

/* The reader itself: where it stops, what it says, how it counts. */
static void
test_csv_reader_unterminated (void)
{
  const char *text = "a,b\r\n1,2\r\n\r\n3,\"x\r\ny\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgCsvReader) reader = evg_csv_reader_new (text, strlen (text), &error);
  GPtrArray *cells;
  guint line;

  g_assert_no_error (error);
  g_assert_true (evg_csv_reader_next (reader, &cells, &line));
  g_assert_true (evg_csv_reader_next (reader, &cells, &line));
  g_assert_cmpuint (line, ==, 2);
  g_assert_cmpuint (evg_csv_reader_get_n_lines (reader), ==, 2);
  g_assert_true (evg_csv_reader_finish (reader, NULL));
  /* The row that begins on line 4 is never handed out. */
  g_assert_false (evg_csv_reader_next (reader, &cells, &line));
  g_assert_false (evg_csv_reader_next (reader, &cells, &line));
  g_assert_false (evg_csv_reader_finish (reader, &error));
  g_assert_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_UNTERMINATED);
  g_assert_nonnull (strstr (error->message, "line 4 "));
  g_assert_cmpuint (evg_csv_reader_get_n_lines (reader), ==, 5);
  g_assert_cmpuint (evg_csv_reader_get_n_blank_lines (reader), ==, 1);
}

/* Opens @bytes as a CSV file and returns the error. */
static GError *
read_error (const char *bytes,
            gsize       len)
{
  GError *error = NULL;
  EvgCsvReader *reader = evg_csv_reader_new (bytes, len, &error);

  g_assert_null (reader);
  g_assert_nonnull (error);
  return error;
}

/* NUL bytes and the encodings no spreadsheet saves CSV in get a sentence
 * that says what the file is and what to do with it. */
static void
test_csv_reader_not_text (void)
{
  static const char nul[] = "姓名,公民身份证号\n张三,1101\0" "05\n";
  static const char utf32[] = "\xFF\xFE\0\0\x53\0\0\0\x2C\0\0\0";
  static const char workbook[] = "PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0";
  static const char ole[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0";
  g_autofree char *utf16 = NULL;
  g_autoptr(GError) error = NULL;
  gsize len = 0;

  error = read_error (nul, sizeof nul - 1);
  g_assert_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_BINARY);
  g_assert_nonnull (strstr (error->message, "NUL"));
  g_assert_nonnull (strstr (error->message, "line 2)"));
  g_assert_nonnull (strstr (error->message, "CSV UTF-8"));
  g_clear_error (&error);

  error = read_error (utf32, sizeof utf32 - 1);
  g_assert_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "UTF-32"));
  g_assert_nonnull (strstr (error->message, "CSV UTF-8"));
  g_clear_error (&error);

  error = read_error (workbook, sizeof workbook - 1);
  g_assert_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_BINARY);
  g_assert_nonnull (strstr (error->message, "workbook"));
  g_clear_error (&error);
  error = read_error (ole, sizeof ole - 1);
  g_assert_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_BINARY);
  g_assert_nonnull (strstr (error->message, "workbook"));
  g_clear_error (&error);

  /* Chinese headers in UTF-16 without a byte-order mark: 一 has a NUL in
   * the other half of its two bytes. */
  utf16 = g_convert ("一,姓名,公民身份证号\r\n张三,110105198001010016\r\n", -1, "UTF-16LE", "UTF-8",
                     NULL, &len, &error);
  g_assert_no_error (error);
  error = read_error (utf16, len);
  g_assert_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_ENCODING);
  g_assert_nonnull (strstr (error->message, "UTF-16"));
  g_clear_error (&error);

  /* With its mark, UTF-16 is read (Excel's "Unicode text"), but a NUL in
   * it is refused as in any other file. */
  {
    g_autofree char *marked = NULL;
    g_autoptr(GString) bytes = g_string_new_len ("\xFF\xFE", 2);
    g_autoptr(EvgCsvReader) reader = NULL;

    marked = g_convert ("姓名\t编号\r\n张三\t1\r\n", -1, "UTF-16LE", "UTF-8", NULL, &len, &error);
    g_assert_no_error (error);
    g_string_append_len (bytes, marked, (gssize) len);
    reader = evg_csv_reader_new (bytes->str, bytes->len, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (evg_csv_reader_get_encoding (reader), ==, "UTF-16LE");
    g_string_append_len (bytes, "\0\0", 2);
    error = read_error (bytes->str, bytes->len);
    g_assert_error (error, EVG_CSV_ERROR, EVG_CSV_ERROR_BINARY);
  }
}

/* What is not a regular file is refused before anything is read: a pipe
 * would block the import for ever and /dev/zero would fill the memory. */
static void
test_not_a_file (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *fifo = g_build_filename (f->dir, "pipe.csv", NULL);
  g_autofree char *folder = g_build_filename (f->dir, "folder.csv", NULL);
  g_autofree char *message = NULL;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  message = import_refused (f, fifo, EVG_IMPORT_FLAGS_DRY_RUN);
  g_assert_nonnull (strstr (message, "pipe"));
  g_clear_pointer (&message, g_free);

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  message = import_refused (f, folder, EVG_IMPORT_FLAGS_NONE);
  g_assert_nonnull (strstr (message, "folder"));
  g_clear_pointer (&message, g_free);

  if (g_file_test ("/dev/zero", G_FILE_TEST_EXISTS))
    {
      message = import_refused (f, "/dev/zero", EVG_IMPORT_FLAGS_NONE);
      g_assert_nonnull (strstr (message, "device"));
    }
}

/* A file over the limit is refused with its size and the limit named; one
 * at the limit is read. */
static void
test_too_large (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GString) csv = g_string_new (HARDENING_HEADER);
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  EvgImportResult *result;

  g_string_append (csv, ROW_ZHANG "北京\n");
  while (csv->len < 2500)
    g_string_append (csv, "\n");
  path = write_file (f, "large.csv", csv->str, (gssize) csv->len);

  result = evg_member_import_full (f->store, path, EVG_IMPORT_FLAGS_DRY_RUN, 1000,
                                   NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_UNREADABLE);
  /* g_format_size() puts a no-break space before the unit. */
  g_assert_nonnull (strstr (error->message, "2.5\u00a0kB"));
  g_assert_nonnull (strstr (error->message, "1.0\u00a0kB"));
  g_assert_nonnull (strstr (error->message, "--max-size"));
  g_clear_error (&error);

  result = evg_member_import_full (f->store, path, EVG_IMPORT_FLAGS_NONE, csv->len,
                                   NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (result->added, ==, 1);
  g_assert_cmpuint (result->n_blank_lines, ==, result->n_lines - 2);
  evg_import_result_free (result);
}

/* Cells a spreadsheet would run as formulas are exported behind an
 * apostrophe, which import keeps in text fields: exporting what was
 * imported writes the same file, and never a live formula. */
static const char * const payloads[] = {
  "=HYPERLINK(\"http://x\",\"y\")",
  "+cmd|' /C calc'!A0",
  "-2+3",
  "@SUM(A1)",
};

/* Checks that no cell of the CSV @text would run as a formula: each one
 * is plain, starts with an apostrophe, or is a tab before digits. */
static void
assert_no_live_formula (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgCsvReader) reader = evg_csv_reader_new (text, strlen (text), &error);
  GPtrArray *cells;
  guint line, n_rows = 0;

  g_assert_no_error (error);
  while (evg_csv_reader_next (reader, &cells, &line))
    {
      n_rows++;
      for (guint i = 0; i < cells->len; i++)
        {
          const char *cell = g_ptr_array_index (cells, i);

          if (cell[0] == '\t')
            g_assert_true (strspn (cell + 1, "0123456789-X") == strlen (cell + 1));
          else
            g_assert_false (evg_csv_cell_is_formula_like (cell));
        }
    }
  g_assert_true (evg_csv_reader_finish (reader, NULL));
  g_assert_cmpuint (n_rows, >, 1);
}

/* @value as a quoted CSV cell. */
static char *
csv_cell (const char *value)
{
  g_auto(GStrv) parts = g_strsplit (value, "\"", -1);
  g_autofree char *doubled = g_strjoinv ("\"\"", parts);

  return g_strconcat ("\"", doubled, "\"", NULL);
}

static char *
export_text (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = evg_roster_export_bytes (f->roster, NULL, &error);

  g_assert_no_error (error);
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static void
test_formula_injection (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GString) csv = g_string_new ("姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,"
                                         "备注,家庭住址,工作岗位,现任党内职务,联系电话,月应缴党费,党小组\n");
  g_autofree char *path = NULL;
  g_autofree char *out = g_build_filename (f->dir, "out.csv", NULL);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr(EvgImportResult) result = NULL;
  g_autoptr(EvgImportResult) again = NULL;
  g_autoptr(EvgMember) zhang = NULL;
  g_autoptr(EvgMember) li = NULL;
  g_autoptr(GError) error = NULL;

  /* 张三's cells hold the payloads as they are; 李四's behind the
   * apostrophe another program put there.  A phone with +86, an ID number
   * kept as text with an apostrophe and a party group named like a
   * formula come along. */
  g_string_append (csv, ROW_ZHANG);
  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autofree char *cell = csv_cell (payloads[i]);

      g_string_append_printf (csv, "%s,", cell);
    }
  g_string_append (csv, "+86 138 1234 5678,12.5,=第一组\n");
  g_string_append (csv, "李四,'110105198001010024,正式党员,2005-07-01,2006-07-01,");
  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autofree char *guarded = g_strconcat ("'", payloads[i], NULL);
      g_autofree char *cell = csv_cell (guarded);

      g_string_append_printf (csv, "%s,", cell);
    }
  g_string_append (csv, "'010-12345678,,\n");
  /* Amounts cannot be negative, so -5 is no amount, formula or not. */
  g_string_append (csv, ROW_WANG ",,,,,-5,\n");
  path = write_file (f, "formulas.csv", csv->str, (gssize) csv->len);
  result = import (f, path, EVG_IMPORT_FLAGS_NONE);
  g_assert_cmpuint (result->added, ==, 2);
  g_assert_cmpuint (result->n_rejected_rows, ==, 1);
  g_assert_cmpstr (((EvgImportRejection *) g_ptr_array_index (result->rejected, 0))->field, ==,
                   "dues_monthly");

  zhang = evg_roster_lookup_id_number (f->roster, "110105198001010016");
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_NOTE), ==, payloads[0]);
  g_assert_cmpstr (evg_member_get (zhang, EVG_MEMBER_PHONE), ==, "13812345678");
  g_assert_cmpstr (evg_member_get_party_group_name (zhang), ==, "=第一组");
  li = evg_roster_lookup_id_number (f->roster, "110105198001010024");
  g_assert_nonnull (li);
  g_assert_cmpstr (evg_member_get (li, EVG_MEMBER_PHONE), ==, "010-12345678");
  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autofree char *kept = g_strconcat ("'", payloads[i], NULL);
      EvgMemberField field[] = { EVG_MEMBER_NOTE, EVG_MEMBER_ADDRESS, EVG_MEMBER_OCCUPATION,
                                 EVG_MEMBER_PARTY_POST };

      g_assert_cmpstr (evg_member_get (li, field[i]), ==, kept);
    }

  first = export_text (f);
  assert_no_live_formula (first);
  /* Each payload is written once for each of the two members, behind its
   * apostrophe. */
  for (guint i = 0; i < G_N_ELEMENTS (payloads); i++)
    {
      g_autofree char *guarded = g_strconcat ("'", payloads[i], NULL);
      g_autofree char *cell = csv_cell (guarded);
      const char *at = strstr (first, strchr (guarded, '"') != NULL ? cell : guarded);

      g_assert_nonnull (at);
      g_assert_nonnull (strstr (at + 1, strchr (guarded, '"') != NULL ? cell : guarded));
    }
  g_assert_nonnull (strstr (first, ",'=第一组,"));
  g_assert_nonnull (strstr (first, ",\"\t13812345678\","));

  /* Round trip: the apostrophes stand for what the members hold, so
   * nothing changes, and exporting again writes the very same file. */
  g_assert_true (g_file_set_contents (out, first, -1, &error));
  again = import (f, out, EVG_IMPORT_FLAGS_NONE);
  g_assert_cmpuint (again->n_rejected_rows, ==, 0);
  g_assert_cmpuint (again->added, ==, 0);
  g_assert_cmpuint (again->updated, ==, 0);
  g_assert_cmpuint (again->unchanged, ==, 2);
  g_assert_cmpuint (again->groups_added, ==, 0);
  second = export_text (f);
  assert_no_live_formula (second);
  g_assert_cmpstr (first, ==, second);

  /* Into an empty database the apostrophes come in as they are, and the
   * export out of it is the same file again. */
  {
    g_autofree char *db = g_build_filename (f->dir, "fresh.db", NULL);
    g_autoptr(EvgStore) store = evg_store_open (db, &error);
    g_autoptr(EvgRoster) roster = NULL;
    g_autoptr(EvgImportResult) fresh = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(EvgMember) copy = NULL;

    g_assert_no_error (error);
    roster = evg_roster_new (store, &error);
    g_assert_no_error (error);
    fresh = evg_roster_import (roster, out, EVG_IMPORT_FLAGS_NONE, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (fresh->added, ==, 2);
    copy = evg_roster_lookup_id_number (roster, "110105198001010016");
    g_assert_cmpstr (evg_member_get (copy, EVG_MEMBER_PARTY_POST), ==, "'@SUM(A1)");
    g_assert_cmpstr (evg_member_get_party_group_name (copy), ==, "'=第一组");
    bytes = evg_roster_export_bytes (roster, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), first, strlen (first));
    evg_test_wait_for_workers (roster);
    g_clear_object (&roster);
    evg_test_wait_for_workers (store);
  }
}

/* The writer's rule, cell by cell. */
static void
test_csv_neutralize (void)
{
  const char *live[] = { "=1+1", "+86", "-2", "@A1", "\t=1", "\r=1" };
  const char *inert[] = { "", "张三", "'=1", " =1", "1-2", "a=b", "＝1" };

  for (guint i = 0; i < G_N_ELEMENTS (live); i++)
    {
      g_autofree char *safe = evg_csv_neutralize_cell (live[i]);

      g_assert_true (evg_csv_cell_is_formula_like (live[i]));
      g_assert_cmpint (safe[0], ==, '\'');
      g_assert_cmpstr (safe + 1, ==, live[i]);
      g_assert_false (evg_csv_cell_is_formula_like (safe));
    }
  for (guint i = 0; i < G_N_ELEMENTS (inert); i++)
    {
      g_autofree char *same = evg_csv_neutralize_cell (inert[i]);

      g_assert_false (evg_csv_cell_is_formula_like (inert[i]));
      g_assert_cmpstr (same, ==, inert[i]);
    }
  g_assert_null (evg_csv_neutralize_cell (NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/evg/csv/reader", test_csv_reader);
  g_test_add_func ("/evg/csv/large-file", test_csv_large_file);
  g_test_add_func ("/evg/import/csv/reader-unterminated", test_csv_reader_unterminated);
  g_test_add_func ("/evg/import/csv/not-text", test_csv_reader_not_text);
  g_test_add_func ("/evg/export/csv/neutralize", test_csv_neutralize);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/evg/roster/import/utf8-bom-chinese-headers", test_chinese_headers_utf8_bom);
  ADD ("/evg/roster/import/gbk", test_gbk);
  ADD ("/evg/roster/import/english-headers", test_english_headers_any_order);
  ADD ("/evg/roster/import/rejections", test_rejections);
  ADD ("/evg/roster/import/blank-never-overwrites", test_blank_never_overwrites);
  ADD ("/evg/roster/import/all-or-nothing", test_all_or_nothing);
  ADD ("/evg/roster/import/all-or-nothing-bulk", test_all_or_nothing_bulk);
  ADD ("/evg/roster/import/unreadable", test_unreadable);
  ADD ("/evg/roster/import/async", test_async);
  ADD ("/evg/roster/import/cancel-midway", test_cancel_midway);
  ADD ("/evg/roster/import/again", test_import_again);
  ADD ("/evg/roster/import/progress-all-rejected", test_progress_all_rejected);
  ADD ("/evg/roster/import/index", test_index_after_import);
  g_test_add ("/evg/roster/import/index-async", Fixture, GINT_TO_POINTER (TRUE), fixture_setup,
              test_index_after_import, fixture_teardown);
  ADD ("/evg/import/disk-full", test_disk_full);
  ADD ("/evg/import/csv/unterminated-quote", test_unterminated_quote);
  ADD ("/evg/import/csv/unterminated-quote-bulk", test_unterminated_quote_bulk);
  ADD ("/evg/import/csv/unterminated-quote-header", test_unterminated_quote_header);
  ADD ("/evg/import/csv/swallowed-rows", test_swallowed_rows);
  ADD ("/evg/import/csv/multiline-text", test_multiline_text_accepted);
  ADD ("/evg/import/csv/line-accounting", test_line_accounting);
  ADD ("/evg/import/csv/quote-inside-cell", test_quote_inside_cell);
  ADD ("/evg/import/csv/not-a-file", test_not_a_file);
  ADD ("/evg/import/csv/too-large", test_too_large);
  ADD ("/evg/export/csv/formula-injection", test_formula_injection);
  ADD ("/evg/roster/export/round-trip", test_round_trip);
  ADD ("/evg/roster/export/async", test_export_async);
  ADD ("/evg/txn/all-or-nothing", test_txn_all_or_nothing);
#undef ADD

  return g_test_run ();
}
