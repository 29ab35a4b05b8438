/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Importing a 100,000-row roster (validation, outbox and search index
 * included) against sqlite3's own `.import` of the same file into a plain
 * table, measured in the same run.  Prints one JSON object. */
#include "config.h"

#include "evg-bench-members.h"
#include "evg-member-io.h"
#include "evg-roster.h"
#include "evg-store-private.h"

static double
run_sqlite3 (const char *db,
             const char *script)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "sqlite3", db, NULL };
  GSubprocess *proc;
  double start;

  start = evg_bench_now ();
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                  G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  if (proc == NULL)
    g_error ("sqlite3: %s", error->message);
  if (!g_subprocess_communicate_utf8 (proc, script, NULL, &out, &err, &error))
    g_error ("sqlite3: %s", error->message);
  if (!g_subprocess_get_successful (proc))
    g_error ("sqlite3 failed: %s", err);
  g_object_unref (proc);
  return evg_bench_now () - start;
}

static double
sqlite3_import (const char *dir,
                const char *csv)
{
  g_autofree char *db = g_build_filename (dir, "plain.db", NULL);
  g_autofree char *script = g_strdup_printf (".mode csv\n.import '%s' member\n", csv);

  return run_sqlite3 (db, script);
}

/* What our schema costs by itself: the same rows moved from the plain
 * table into an empty E-Vanguard store (member rows with their party
 * group's id, which a fixed text of the same length stands for, plus one
 * outbox entry each, pointing at its row as the importer's do) by two
 * INSERT … SELECT
 * statements in one transaction, with no parsing, validation or per-row
 * statements.  No importer can beat this, so it shows how much of the gap
 * to sqlite3 is the schema's. */
static double
sql_floor (const char *dir)
{
  g_autofree char *plain = g_build_filename (dir, "plain.db", NULL);
  g_autofree char *db = g_build_filename (dir, "floor.db", NULL);
  g_autofree char *script = NULL;
  g_autoptr(GError) error = NULL;
  EvgStore *store = evg_store_open (db, &error);

  if (store == NULL)
    g_error ("%s", error->message);
  g_object_unref (store);

  script = g_strdup_printf (
    "PRAGMA synchronous = FULL;\n"
    "ATTACH '%s' AS plain;\n"
    "BEGIN;\n"
    "INSERT INTO member (id, branch, hlc, field_hlc, name, gender, ethnicity, id_number, birth_date,"
    " education, category, party_group_id, joined_on, full_member_on, occupation, phone, address,"
    " standing)"
    " SELECT printf('%%08x-0000-7000-8000-%%012x', rowid, rowid), '', '0000000000000000',"
    " '{\"*\":\"0000000000000000\"}', \"姓名\", \"性别\", \"民族\", \"公民身份证号\", \"出生日期\","
    " \"学历\", \"人员类别\", printf('%%-36.36s', hex(\"所在党小组\")), \"加入党组织日期\","
    " nullif(\"转为正式党员日期\", ''), \"工作岗位\", \"联系电话\", \"家庭住址\", \"党籍状态\""
    " FROM plain.member;\n"
    "INSERT INTO outbox (change_id, tbl, row_id, op, fields, hlc)"
    " SELECT printf('%%08x-1111-7000-8000-%%012x', rowid, rowid), 'member', id, 'insert',"
    " '', hlc FROM main.member;\n"
    "COMMIT;\n", plain);
  return run_sqlite3 (db, script);
}

int
main (int    argc,
      char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autofree char *dir = evg_bench_make_dir ();
  g_autofree char *csv = g_build_filename (dir, "members.csv", NULL);
  g_autofree char *db = g_build_filename (dir, "roster.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) store = NULL;
  g_autoptr(EvgRoster) roster = NULL;
  g_autoptr(EvgImportResult) result = NULL;
  double gen, t_sqlite, t_floor, t_import, t_checkpoint, t_index, start;
  GStatBuf st = { 0 };

  start = evg_bench_now ();
  evg_bench_write_members (csv, n);
  gen = evg_bench_now () - start;
  g_stat (csv, &st);

  /* The anchor first, so both read the file from the page cache. */
  t_sqlite = sqlite3_import (dir, csv);
  t_floor = sql_floor (dir);

  /* As evg_roster_import_async() does; the checkpoint after it is timed
   * on its own below. */
  start = evg_bench_now ();
  result = evg_bench_import (db, csv, &store, &roster);
  t_import = evg_bench_now () - start;
  start = evg_bench_now ();
  if (!evg_store_checkpoint (store, &error))
    g_error ("%s", error->message);
  t_checkpoint = evg_bench_now () - start;
  /* The roster's search index was rebuilt when the import committed; time
   * a rebuild on its own too, to show its share. */
  start = evg_bench_now ();
  evg_store_emit_changed (store, "member", NULL);
  t_index = evg_bench_now () - start;

  if (result->added != n || result->n_rejected_rows != 0 || evg_roster_get_n_members (roster) != n)
    g_error ("expected %u members, added %u, rejected %u rows (first: %s)", n, result->added,
             result->n_rejected_rows,
             result->rejected->len > 0
             ? ((EvgImportRejection *) g_ptr_array_index (result->rejected, 0))->message : "");

  /* evg_import_s: from opening the store to the result, the search index
   * rebuilt; checkpoint_after_s: the copy of the log that follows. */
  printf ("{\"benchmark\":\"roster-import\",\"rows\":%u,\"csv_bytes\":%" G_GINT64_FORMAT ","
          "\"generate_s\":%.3f,\"sqlite3_import_s\":%.3f,\"schema_floor_s\":%.3f,\"evg_import_s\":%.3f,"
          "\"checkpoint_after_s\":%.3f,\"index_rebuild_s\":%.3f,\"ratio\":%.2f,"
          "\"ratio_with_checkpoint\":%.2f,\"floor_ratio\":%.2f,\"target_ratio\":3.0,"
          "\"outbox_rows\":%" G_GINT64_FORMAT "}\n",
          n, (gint64) st.st_size, gen, t_sqlite, t_floor, t_import, t_checkpoint, t_index,
          t_import / t_sqlite, (t_import + t_checkpoint) / t_sqlite, t_floor / t_sqlite,
          evg_store_count_pending (store));

  g_clear_object (&roster);
  g_clear_object (&store);
  evg_bench_remove_dir (dir);
  return 0;
}
