/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Synthetic but valid members for the roster benchmarks: every row passes
 * the roster's validation (GB 11643 check digits, gender digit, dates in
 * order, a real mobile number), and every ID number is different. */

#include <glib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "evg-validate.h"

static const char * const evg_bench_surnames[] = {
  "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
  "郭", "何", "高", "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
  "彭", "曾", "萧", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏",
};

static const char * const evg_bench_given[] = {
  "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
  "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "文", "玉", "兰", "建", "国", "红",
  "志", "海", "鹏", "辉", "斌", "宇", "浩", "凯", "晨", "欣", "雪", "梅", "琳", "晶", "波",
  "飞", "鑫", "倩", "婷", "颖", "佳", "瑞", "博", "新", "春", "光", "荣", "德", "春", "松",
};

static const char * const evg_bench_groups[] = {
  "第一党小组", "第二党小组", "第三党小组", "第四党小组", "第五党小组",
  "第六党小组", "第七党小组", "第八党小组", "离退休党小组", "流动党员党小组",
};

static const char * const evg_bench_education[] = {
  "研究生", "大学本科", "大学本科", "大学专科", "大学专科", "中专", "高中", "初中及以下",
};

static inline void
evg_bench_date (GString     *out,
                const GDate *date)
{
  g_string_append_printf (out, "%04u-%02u-%02u", g_date_get_year (date),
                          (guint) g_date_get_month (date), g_date_get_day (date));
}

/* Writes @n members to @path as UTF-8 CSV (no BOM, so that sqlite3's own
 * .import reads the same bytes) with the national form's headers. */
static inline void
evg_bench_write_members (const char *path,
                         guint       n)
{
  g_autoptr(GString) csv = g_string_sized_new ((gsize) n * 200);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20240701);
  g_autoptr(GError) error = NULL;
  GDate today, first_birth;

  evg_date_set_today (&today);
  g_date_clear (&first_birth, 1);
  g_date_set_dmy (&first_birth, 1, 1, 1945);

  g_string_append (csv, "姓名,性别,民族,公民身份证号,出生日期,学历,人员类别,所在党小组,"
                        "加入党组织日期,转为正式党员日期,工作岗位,联系电话,家庭住址,党籍状态,"
                        "是否失联党员,是否流动党员\n");

  for (guint i = 0; i < n; i++)
    {
      GDate birth = first_birth, joined, full_on, latest;
      char first17[18];
      guint gender_digit = (guint) g_rand_int_range (rand, 0, 10);
      gboolean male = gender_digit % 2 == 1;
      gboolean probationary = g_rand_int_range (rand, 0, 100) < 5;

      /* (birth day, sequence) is unique per row, so is the ID number. */
      g_date_add_days (&birth, i % 20000);
      g_snprintf (first17, sizeof first17, "110105%04u%02u%02u%02u%u",
                  g_date_get_year (&birth), (guint) g_date_get_month (&birth),
                  g_date_get_day (&birth), (i / 20000) % 100, gender_digit);

      g_string_append (csv, evg_bench_surnames[g_rand_int_range (rand, 0, G_N_ELEMENTS (evg_bench_surnames))]);
      g_string_append (csv, evg_bench_given[g_rand_int_range (rand, 0, G_N_ELEMENTS (evg_bench_given))]);
      if (g_rand_boolean (rand))
        g_string_append (csv, evg_bench_given[g_rand_int_range (rand, 0, G_N_ELEMENTS (evg_bench_given))]);
      g_string_append_printf (csv, ",%s,%s,%s%c,", male ? "男" : "女",
                              g_rand_int_range (rand, 0, 10) == 0 ? "回族" : "汉族",
                              first17, evg_id_number_check_char (first17));
      evg_bench_date (csv, &birth);
      g_string_append_printf (csv, ",%s,%s,%s,",
                              evg_bench_education[g_rand_int_range (rand, 0, G_N_ELEMENTS (evg_bench_education))],
                              probationary ? "预备党员" : "正式党员",
                              evg_bench_groups[g_rand_int_range (rand, 0, G_N_ELEMENTS (evg_bench_groups))]);

      if (probationary)
        {
          joined = today;
          g_date_subtract_days (&joined, (guint) g_rand_int_range (rand, 1, 360));
          evg_bench_date (csv, &joined);
          g_string_append_c (csv, ',');
        }
      else
        {
          /* Joined between 18 and 48, at least a year before becoming full. */
          joined = birth;
          g_date_add_years (&joined, 18);
          g_date_add_days (&joined, (guint) g_rand_int_range (rand, 0, 30 * 365));
          latest = today;
          g_date_subtract_years (&latest, 2);
          if (g_date_compare (&joined, &latest) > 0)
            joined = latest;
          full_on = joined;
          g_date_add_years (&full_on, 1);
          g_date_add_days (&full_on, (guint) g_rand_int_range (rand, 0, 60));
          evg_bench_date (csv, &joined);
          g_string_append_c (csv, ',');
          evg_bench_date (csv, &full_on);
        }

      g_string_append_printf (csv, ",职员,1%u%09u,北京市东城区%u号院,正常,%s,%s\n",
                              (guint) g_rand_int_range (rand, 3, 10),
                              (guint) g_rand_int_range (rand, 0, 1000000000),
                              (guint) g_rand_int_range (rand, 1, 500),
                              g_rand_int_range (rand, 0, 200) == 0 ? "是" : "否",
                              g_rand_int_range (rand, 0, 50) == 0 ? "是" : "否");
    }

  if (!g_file_set_contents (path, csv->str, (gssize) csv->len, &error))
    g_error ("%s", error->message);
}

static inline double
evg_bench_now (void)
{
  return (double) g_get_monotonic_time () / G_USEC_PER_SEC;
}

/* For g_array_sort() of an array of doubles, before taking a median. */
static inline int
evg_bench_compare_doubles (gconstpointer a,
                           gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static inline long
evg_bench_rss_kib_now (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + strlen ("VmRSS:"), NULL, 10) : -1;
}

static inline char *
evg_bench_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("evg-bench-XXXXXX", &error);

  if (dir == NULL)
    g_error ("%s", error->message);
  return dir;
}

static inline void
evg_bench_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (dir);
}

#include "evg-member-io.h"
#include "evg-store-private.h"
#include "evg-roster.h"

/* Imports @path into a new store at @db as the app does: the result comes
 * once the rows are durable in SQLite's log, and the log is copied into
 * the database (a checkpoint) afterwards, in a worker, so the store holds
 * its checkpoints.  Returns the roster, whose store @store is set to. */
static inline EvgImportResult *
evg_bench_import (const char  *db,
                  const char  *path,
                  EvgStore   **store,
                  EvgRoster  **roster)
{
  g_autoptr(GError) error = NULL;
  EvgImportResult *result;

  *store = evg_store_open (db, &error);
  if (*store == NULL)
    g_error ("%s", error->message);
  *roster = evg_roster_new (*store, &error);
  if (*roster == NULL)
    g_error ("%s", error->message);
  evg_store_hold_checkpoint (*store);
  result = evg_roster_import (*roster, path, EVG_IMPORT_FLAGS_NONE, NULL, NULL, NULL, &error);
  if (result == NULL)
    g_error ("%s", error->message);
  return result;
}

/* A store in @dir holding @n generated members. */
static inline EvgStore *
evg_bench_populate (const char *dir,
                    guint       n)
{
  g_autofree char *csv = g_build_filename (dir, "members.csv", NULL);
  g_autofree char *db = g_build_filename (dir, "roster.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgImportResult) result = NULL;
  EvgStore *store;

  evg_bench_write_members (csv, n);
  store = evg_store_open (db, &error);
  if (store == NULL)
    g_error ("%s", error->message);
  result = evg_member_import (store, csv, EVG_IMPORT_FLAGS_NONE, NULL, NULL, NULL, &error);
  if (result == NULL || result->added != n)
    g_error ("populating failed: %s", error != NULL ? error->message : "rows rejected");
  g_unlink (csv);
  return store;
}
