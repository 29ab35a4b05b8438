/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-member-io.h"
#include "evg-member-list.h"
#include "evg-roster.h"
#include "evg-store-private.h"
#include "evg-test-outbox.h"
#include "evg-test-util.h"
#include "evg-txn.h"

typedef struct
{
  char      *dir;
  EvgStore  *store;
  EvgRoster *roster;
  GArray    *changes;   /* Change */
} Fixture;

typedef struct
{
  guint position, removed, added;
} Change;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  f->dir = evg_test_make_dir ();
  path = g_build_filename (f->dir, "roster.db", NULL);
  f->store = evg_store_open (path, &error);
  g_assert_no_error (error);
  f->roster = evg_roster_new (f->store, &error);
  g_assert_no_error (error);
  f->changes = g_array_new (FALSE, FALSE, sizeof (Change));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  evg_test_assert_outbox_covers_all (f->store);
  g_array_unref (f->changes);
  evg_test_wait_for_workers (f->roster);
  g_assert_finalize_object (f->roster);
  evg_test_wait_for_workers (f->store);
  g_assert_finalize_object (f->store);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
}

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *f)
{
  Change change = { position, removed, added };

  g_array_append_val (f->changes, change);
}

static void
assert_change (Fixture *f,
               guint    position,
               guint    removed,
               guint    added)
{
  Change *c;

  g_assert_cmpuint (f->changes->len, ==, 1);
  c = &g_array_index (f->changes, Change, 0);
  g_assert_cmpuint (c->position, ==, position);
  g_assert_cmpuint (c->removed, ==, removed);
  g_assert_cmpuint (c->added, ==, added);
  g_array_set_size (f->changes, 0);
}

/* Makes a valid ID number for a birth date and sequence. */
static char *
make_id (const char *birth,
         guint       seq)
{
  char first17[18];

  g_snprintf (first17, sizeof first17, "110105%.8s%03u", birth, seq % 1000);
  return g_strdup_printf ("%s%c", first17, evg_id_number_check_char (first17));
}

static EvgMember *
make_member (const char *name,
             const char *birth,
             guint       seq,
             gboolean    full)
{
  EvgMember *m = evg_member_new ();
  g_autofree char *id = make_id (birth, seq);
  g_autofree char *joined = g_strdup_printf ("%.4d-07-01", atoi (birth) / 10000 + 25);
  g_autofree char *full_on = g_strdup_printf ("%.4d-07-01", atoi (birth) / 10000 + 26);

  evg_member_set_text (m, EVG_MEMBER_NAME, name);
  evg_member_set_text (m, EVG_MEMBER_ID_NUMBER, id);
  evg_member_set_text (m, EVG_MEMBER_CATEGORY, full ? "正式党员" : "预备党员");
  evg_member_set_text (m, EVG_MEMBER_JOINED_ON, full ? joined : "2024-09-01");
  if (full)
    evg_member_set_text (m, EVG_MEMBER_FULL_MEMBER_ON, full_on);
  evg_member_complete (m);
  return m;
}

static char *
add (Fixture    *f,
     const char *name,
     const char *birth,
     guint       seq,
     gboolean    full)
{
  g_autoptr(EvgMember) m = make_member (name, birth, seq, full);
  g_autoptr(GError) error = NULL;
  char *id = evg_roster_save (f->roster, m, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
  g_assert_cmpstr (evg_member_get_id (m), ==, id);
  return id;
}

static char *
name_at (EvgMemberList *list,
         guint          position)
{
  g_autoptr(EvgMember) m = g_list_model_get_item (G_LIST_MODEL (list), position);

  return g_strdup (evg_member_get_name (m));
}

static void
assert_names (EvgMemberList *list,
              const char    *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = name_at (list, i);

      if (i > 0)
        g_string_append_c (got, ' ');
      g_string_append (got, name);
    }
  g_assert_cmpstr (got->str, ==, expected);
}

static void
test_items_changed (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(EvgMemberList) list = evg_member_list_new (f->roster);
  g_autoptr(GError) error = NULL;
  g_autofree char *li = NULL, *wang = NULL, *zhang = NULL, *zhao = NULL;
  g_autoptr(EvgMember) edit = NULL;

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), f);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (list)) == EVG_TYPE_MEMBER);

  /* Sorted by pinyin: li, wang, zhang, zhao. */
  zhang = add (f, "张三", "19800101", 1, TRUE);
  assert_change (f, 0, 0, 1);
  li = add (f, "李四", "19810202", 2, TRUE);
  assert_change (f, 0, 0, 1);
  zhao = add (f, "赵六", "19830404", 4, FALSE);
  assert_change (f, 2, 0, 1);
  wang = add (f, "王五", "19820303", 3, TRUE);
  assert_change (f, 1, 0, 1);
  assert_names (list, "李四 王五 张三 赵六");
  g_assert_cmpuint (evg_member_list_get_n_total (list), ==, 4);

  /* An edit that keeps the place is a one-item replacement there. */
  edit = evg_roster_lookup (f->roster, wang);
  evg_member_set_text (edit, EVG_MEMBER_PHONE, "13812345678");
  g_free (evg_roster_save (f->roster, edit, &error));
  g_assert_no_error (error);
  assert_change (f, 1, 1, 1);

  /* Saving without a change changes nothing. */
  g_free (evg_roster_save (f->roster, edit, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->changes->len, ==, 0);

  /* A rename that moves the member reports the span it crossed. */
  evg_member_set_text (edit, EVG_MEMBER_NAME, "朱五");
  g_free (evg_roster_save (f->roster, edit, &error));
  g_assert_no_error (error);
  assert_change (f, 1, 3, 3);
  assert_names (list, "李四 张三 赵六 朱五");

  /* Delete, then undo. */
  g_assert_true (evg_roster_delete (f->roster, zhang, &error));
  g_assert_no_error (error);
  assert_change (f, 1, 1, 0);
  assert_names (list, "李四 赵六 朱五");
  g_assert_cmpuint (evg_roster_get_n_members (f->roster), ==, 3);
  g_assert_true (evg_roster_restore (f->roster, zhang, &error));
  g_assert_no_error (error);
  assert_change (f, 1, 0, 1);
  assert_names (list, "李四 张三 赵六 朱五");
  g_assert_cmpuint (evg_member_list_find (list, zhang), ==, 1);

  /* Leaving moves the member to the former members. */
  g_assert_true (evg_roster_record_departure (f->roster, li, "转出", "2024/3/1", &error));
  g_assert_no_error (error);
  assert_change (f, 0, 1, 0);
  evg_member_list_set_scope (list, EVG_MEMBER_SCOPE_FORMER);
  g_array_set_size (f->changes, 0);
  assert_names (list, "李四");
  {
    g_autoptr(EvgMember) former = evg_roster_lookup (f->roster, li);

    g_assert_cmpstr (evg_member_get (former, EVG_MEMBER_LEFT_REASON), ==, "transferred");
    g_assert_cmpstr (evg_member_get (former, EVG_MEMBER_LEFT_ON), ==, "2024-03-01");
    g_assert_true (evg_member_is_former (former));
  }
  g_assert_false (evg_roster_record_departure (f->roster, zhao, "went fishing", "2024-03-01", &error));
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_true (evg_roster_cancel_departure (f->roster, li, &error));
  g_assert_no_error (error);
  assert_change (f, 0, 1, 0);
  g_assert_cmpuint (evg_member_list_get_n_total (list), ==, 0);
}

static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(EvgMember) dup = make_member ("张三二", "19800101", 1, TRUE);
  g_autoptr(EvgMember) bad = make_member ("坏", "19800101", 9, TRUE);
  g_autoptr(GPtrArray) issues = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *zhang = add (f, "张三", "19800101", 1, TRUE);
  char *id;

  /* Duplicate ID numbers are refused, with the other member named. */
  issues = evg_roster_validate (f->roster, dup);
  g_assert_cmpuint (issues->len, ==, 1);
  g_assert_cmpstr (((EvgValidationIssue *) issues->pdata[0])->field, ==, "id_number");
  g_assert_nonnull (strstr (((EvgValidationIssue *) issues->pdata[0])->message, "张三"));
  id = evg_roster_save (f->roster, dup, &error);
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_INVALID);
  g_assert_null (id);
  g_clear_error (&error);

  /* Nothing invalid is saved. */
  evg_member_set_text (bad, EVG_MEMBER_PHONE, "1234");
  id = evg_roster_save (f->roster, bad, &error);
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_INVALID);
  g_assert_null (id);
  g_clear_error (&error);
  g_assert_cmpuint (evg_roster_get_n_members (f->roster), ==, 1);

  /* A lookup by ID number normalises it. */
  {
    g_autoptr(EvgMember) found = evg_roster_lookup_id_number (f->roster, "110105 19800101 0016");

    g_assert_nonnull (found);
    g_assert_cmpstr (evg_member_get_id (found), ==, zhang);
  }
}

static void
test_search (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(EvgMemberList) list = evg_member_list_new (f->roster);
  g_autoptr(GError) error = NULL;
  g_autofree char *a = add (f, "张三", "19800101", 1, TRUE);
  g_autofree char *b = add (f, "张珊珊", "19810101", 2, TRUE);
  g_autofree char *c = add (f, "李四", "19820101", 3, FALSE);
  g_autofree char *d = add (f, "曾小贤", "19830101", 4, TRUE);
  g_autoptr(EvgMember) withphone = evg_roster_lookup (f->roster, c);

  evg_member_set_text (withphone, EVG_MEMBER_PHONE, "13912345678");
  g_free (evg_roster_save (f->roster, withphone, &error));
  g_assert_no_error (error);

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), f);

  evg_member_list_set_search_text (list, "zhangsan");
  assert_names (list, "张三");
  evg_member_list_set_search_text (list, "zs");
  assert_names (list, "张三 张珊珊");
  evg_member_list_set_search_text (list, "ZS ");
  assert_names (list, "张三 张珊珊");
  evg_member_list_set_search_text (list, "zss");
  assert_names (list, "张珊珊");
  evg_member_list_set_search_text (list, "z");
  assert_names (list, "曾小贤 张三 张珊珊");
  evg_member_list_set_search_text (list, "zeng");
  assert_names (list, "曾小贤");
  evg_member_list_set_search_text (list, "珊");
  assert_names (list, "张珊珊");
  evg_member_list_set_search_text (list, "5678");
  assert_names (list, "李四");
  evg_member_list_set_search_text (list, "139-1234");
  assert_names (list, "李四");
  /* ID number fragments, and the x of a check digit in either case. */
  evg_member_list_set_search_text (list, "19830101");
  assert_names (list, "曾小贤");
  evg_member_list_set_search_text (list, "nobody");
  assert_names (list, "");
  /* Typing on and deleting back give the same answers as typing afresh. */
  evg_member_list_set_search_text (list, "z");
  evg_member_list_set_search_text (list, "zh");
  evg_member_list_set_search_text (list, "zha");
  assert_names (list, "张三 张珊珊");
  evg_member_list_set_search_text (list, "zh");
  assert_names (list, "张三 张珊珊");
  evg_member_list_set_search_text (list, "z");
  assert_names (list, "曾小贤 张三 张珊珊");
  evg_member_list_set_search_text (list, "");
  assert_names (list, "李四 曾小贤 张三 张珊珊");
  g_assert_cmpuint (evg_member_list_get_n_total (list), ==, 4);

  /* A member added while searching appears only if it matches. */
  evg_member_list_set_search_text (list, "zs");
  g_array_set_size (f->changes, 0);
  g_free (add (f, "周顺", "19840101", 5, TRUE));
  assert_change (f, 2, 0, 1);
  assert_names (list, "张三 张珊珊 周顺");
  g_free (add (f, "王五", "19850101", 6, TRUE));
  g_assert_cmpuint (f->changes->len, ==, 0);
  g_assert_cmpuint (evg_member_list_get_n_total (list), ==, 6);

  /* Filters. */
  evg_member_list_set_search_text (list, NULL);
  evg_member_list_set_category (list, "probationary");
  assert_names (list, "李四");
  evg_member_list_set_category (list, NULL);
  {
    g_autoptr(EvgMember) m = evg_roster_lookup (f->roster, d);

    evg_member_set_text (m, EVG_MEMBER_MOBILE_MEMBER, "是");
    evg_member_set_text (m, EVG_MEMBER_MOBILE_DESTINATION, "广东深圳");
    g_free (evg_roster_save (f->roster, m, &error));
    g_assert_no_error (error);
    g_object_unref (m);
    m = evg_roster_lookup (f->roster, a);
    evg_member_set_text (m, EVG_MEMBER_LOST_CONTACT, "是");
    evg_member_set_text (m, EVG_MEMBER_LOST_CONTACT_ON, "2023-01-01");
    evg_member_set_text (m, EVG_MEMBER_STANDING, "停止党籍");
    g_free (evg_roster_save (f->roster, m, &error));
    g_assert_no_error (error);
  }
  evg_member_list_set_only_mobile (list, TRUE);
  assert_names (list, "曾小贤");
  evg_member_list_set_only_mobile (list, FALSE);
  evg_member_list_set_only_lost_contact (list, TRUE);
  assert_names (list, "张三");
  evg_member_list_set_only_lost_contact (list, FALSE);
  evg_member_list_set_standing (list, "suspended");
  assert_names (list, "张三");
  evg_member_list_set_standing (list, "normal");
  assert_names (list, "李四 王五 曾小贤 张珊珊 周顺");
  evg_member_list_set_standing (list, NULL);

  /* The quick pick (the kiosk's): current members only, by name. */
  g_assert_true (evg_roster_record_departure (f->roster, b, "transferred", "2026-01-05", &error));
  g_assert_no_error (error);
  {
    guint n = 0;
    g_autoptr(GPtrArray) picked = evg_roster_search (f->roster, "zs", 10, &n);
    g_autoptr(GPtrArray) first = evg_roster_search (f->roster, "曾", 1, &n);
    g_autoptr(GPtrArray) none = evg_roster_search (f->roster, "", 10, &n);

    g_assert_cmpuint (picked->len, ==, 2);
    g_assert_cmpstr (evg_member_get_name (g_ptr_array_index (picked, 0)), ==, "张三");
    g_assert_cmpstr (evg_member_get_name (g_ptr_array_index (picked, 1)), ==, "周顺");
    g_assert_cmpuint (first->len, ==, 1);
    g_assert_cmpstr (evg_member_get_name (g_ptr_array_index (first, 0)), ==, "曾小贤");
    g_assert_cmpuint (none->len, ==, 0);
    g_assert_cmpuint (n, ==, 0);
    /* One letter picks nobody yet; two do. */
    g_clear_pointer (&first, g_ptr_array_unref);
    first = evg_roster_search (f->roster, "z", 1, &n);
    g_assert_cmpuint (n, ==, 0);
    g_assert_cmpuint (first->len, ==, 0);
    g_clear_pointer (&first, g_ptr_array_unref);
    first = evg_roster_search (f->roster, "zx", 1, &n);
    g_assert_cmpuint (n, ==, 1);
    /* Typing on narrows the last pick; a member who leaves meanwhile is
     * left out at once. */
    g_clear_pointer (&first, g_ptr_array_unref);
    first = evg_roster_search (f->roster, "zh", 5, &n);
    g_assert_cmpuint (n, ==, 2);
    g_assert_true (evg_roster_record_departure (f->roster, a, "died", "2026-02-01", &error));
    g_clear_pointer (&first, g_ptr_array_unref);
    first = evg_roster_search (f->roster, "zha", 5, &n);
    g_assert_cmpuint (n, ==, 0);
    g_clear_pointer (&first, g_ptr_array_unref);
    first = evg_roster_search (f->roster, "zho", 5, &n);
    g_assert_cmpuint (n, ==, 1);
    g_assert_cmpstr (evg_member_get_name (g_ptr_array_index (first, 0)), ==, "周顺");
  }
}

static void
test_sort (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(EvgMemberList) list = evg_member_list_new (f->roster);
  g_autoptr(GError) error = NULL;
  g_autofree char *a = add (f, "张三", "19800101", 1, TRUE);      /* male, oldest */
  g_autofree char *b = add (f, "李四", "19900101", 2, FALSE);     /* female, probationary */
  g_autofree char *c = add (f, "王五", "19850101", 3, TRUE);      /* male */

  evg_member_list_set_sort (list, EVG_MEMBER_SORT_AGE, FALSE);
  assert_names (list, "李四 王五 张三");
  evg_member_list_set_sort (list, EVG_MEMBER_SORT_AGE, TRUE);
  assert_names (list, "张三 王五 李四");
  /* 党龄: the probationary member has none and comes last both ways. */
  evg_member_list_set_sort (list, EVG_MEMBER_SORT_PARTY_AGE, FALSE);
  assert_names (list, "王五 张三 李四");
  evg_member_list_set_sort (list, EVG_MEMBER_SORT_PARTY_AGE, TRUE);
  assert_names (list, "张三 王五 李四");
  evg_member_list_set_sort (list, EVG_MEMBER_SORT_GENDER, FALSE);
  assert_names (list, "王五 张三 李四");
  evg_member_list_set_sort (list, EVG_MEMBER_SORT_CATEGORY, TRUE);
  assert_names (list, "李四 王五 张三");
  evg_member_list_set_sort (list, EVG_MEMBER_SORT_NAME, TRUE);
  assert_names (list, "张三 王五 李四");
  g_assert_no_error (error);
}

static void
test_party_groups (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(EvgMemberList) list = evg_member_list_new (f->roster);
  GListModel *groups = evg_roster_get_party_groups (f->roster);
  g_autoptr(GError) error = NULL;
  g_autofree char *g1 = NULL, *g2 = NULL;
  g_autofree char *a = add (f, "张三", "19800101", 1, TRUE);
  g_autofree char *b = add (f, "李四", "19810101", 2, TRUE);
  g_autoptr(EvgMember) m = NULL;

  g1 = evg_roster_add_party_group (f->roster, "第一党小组", &error);
  g_assert_no_error (error);
  g2 = evg_roster_add_party_group (f->roster, "第二党小组", &error);
  g_assert_no_error (error);
  g_assert_null (evg_roster_add_party_group (f->roster, " 第一党小组 ", &error));
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_DUPLICATE);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (groups), ==, 2);
  g_assert_cmpstr (evg_roster_find_party_group (f->roster, "第二党小组"), ==, g2);

  m = evg_roster_lookup (f->roster, a);
  evg_member_set (m, EVG_MEMBER_PARTY_GROUP_ID, g1);
  g_free (evg_roster_save (f->roster, m, &error));
  g_assert_no_error (error);
  g_clear_object (&m);
  m = evg_roster_lookup (f->roster, a);
  g_assert_cmpstr (evg_member_get_party_group_name (m), ==, "第一党小组");

  {
    g_autoptr(EvgPartyGroup) first = g_list_model_get_item (groups, 0);

    g_assert_cmpstr (evg_party_group_get_id (first), ==, g1);
    g_assert_cmpuint (evg_party_group_get_n_members (first), ==, 1);
  }

  evg_member_list_set_party_group (list, g1);
  assert_names (list, "张三");

  /* Only an empty group can be deleted. */
  g_assert_false (evg_roster_delete_party_group (f->roster, g1, &error));
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_NOT_EMPTY);
  g_clear_error (&error);

  g_assert_true (evg_roster_rename_party_group (f->roster, g1, "一组", &error));
  g_assert_no_error (error);
  g_clear_object (&m);
  m = evg_roster_lookup (f->roster, a);
  g_assert_cmpstr (evg_member_get_party_group_name (m), ==, "一组");

  /* Merging moves the members and removes the group. */
  g_assert_true (evg_roster_merge_party_groups (f->roster, g1, g2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (groups), ==, 1);
  g_clear_object (&m);
  m = evg_roster_lookup (f->roster, a);
  g_assert_cmpstr (evg_member_get (m, EVG_MEMBER_PARTY_GROUP_ID), ==, g2);
  evg_member_list_set_party_group (list, g2);
  assert_names (list, "张三");

  evg_member_set (m, EVG_MEMBER_PARTY_GROUP_ID, NULL);
  g_free (evg_roster_save (f->roster, m, &error));
  g_assert_no_error (error);
  g_assert_true (evg_roster_delete_party_group (f->roster, g2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (groups), ==, 0);
}

static char *
group_names (GListModel *groups)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (groups); i++)
    {
      g_autoptr(EvgPartyGroup) group = g_list_model_get_item (groups, i);

      if (i > 0)
        g_string_append_c (got, ' ');
      g_string_append (got, evg_party_group_get_name (group));
    }
  return g_string_free (g_steal_pointer (&got), FALSE);
}

/* Groups of one order sort by the numbers in their names, not by the
 * readings of 一, 二, 三 (er < san < si < yi); groups an import adds come
 * after the branch's own, whatever order the file names them in. */
static void
test_party_group_order (Fixture       *f,
                        gconstpointer  data)
{
  GListModel *groups = evg_roster_get_party_groups (f->roster);
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgImportResult) result = NULL;
  g_autofree char *names = NULL;
  g_autofree char *path = g_build_filename (f->dir, "groups.csv", NULL);
  static const char *const sort_names[][2] = {
    { "第一党小组", "第0000000001党小组" },
    { "第十二党小组", "第0000000012党小组" },
    { "第二十党小组", "第0000000020党小组" },
    { "第一百零五组", "第0000000105组" },
    { "第3党小组", "第0000000003党小组" },
    { "二组", "0000000002组" },
    { "机关一支部", "机关一支部" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (sort_names); i++)
    {
      g_autofree char *sort_name = evg_party_group_sort_name (sort_names[i][0]);

      g_assert_cmpstr (sort_name, ==, sort_names[i][1]);
    }

  g_free (EVG_TEST_ROW (f->store, &evg_party_group_table, "name", "第三党小组", "sort_order", "0"));
  g_free (EVG_TEST_ROW (f->store, &evg_party_group_table, "name", "第十二党小组", "sort_order", "0"));
  g_free (EVG_TEST_ROW (f->store, &evg_party_group_table, "name", "第一党小组", "sort_order", "0"));
  g_free (EVG_TEST_ROW (f->store, &evg_party_group_table, "name", "离退休党小组", "sort_order", "0"));
  g_free (EVG_TEST_ROW (f->store, &evg_party_group_table, "name", "第二党小组", "sort_order", "0"));
  g_free (EVG_TEST_ROW (f->store, &evg_party_group_table, "name", "机关党小组", "sort_order", "-1"));
  names = group_names (groups);
  g_assert_cmpstr (names, ==, "机关党小组 第一党小组 第二党小组 第三党小组 第十二党小组 离退休党小组");

  /* Members listed by name bring their groups in no useful order. */
  g_file_set_contents (path,
                       "姓名,公民身份证号,人员类别,加入党组织日期,转为正式党员日期,党小组\n"
                       "张三,110105198001010016,正式党员,2005-07-01,2006-07-01,第五党小组\n"
                       "李四,110105198001010024,正式党员,2005-07-01,2006-07-01,第四党小组\n",
                       -1, &error);
  g_assert_no_error (error);
  result = evg_roster_import (f->roster, path, EVG_IMPORT_FLAGS_NONE, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (result);
  g_clear_pointer (&names, g_free);
  names = group_names (groups);
  g_assert_cmpstr (names, ==, "机关党小组 第一党小组 第二党小组 第三党小组 第十二党小组 离退休党小组 "
                              "第四党小组 第五党小组");
}

/* A change written by another connection (a sync pull, an import worker)
 * reaches the list once the store announces it. */
static void
test_other_connection (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(EvgMemberList) list = evg_member_list_new (f->roster);
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgStore) worker = evg_store_open_sibling (f->store, &error);
  g_autoptr(EvgMember) m = make_member ("张三", "19800101", 1, TRUE);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  g_assert_no_error (error);
  {
    g_autoptr(EvgRoster) other = evg_roster_new (worker, &error);

    g_assert_no_error (error);
    g_ptr_array_add (ids, evg_roster_save (other, m, &error));
    g_assert_no_error (error);
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);

  g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), f);
  evg_store_emit_changed (f->store, "member", ids);
  assert_change (f, 0, 0, 1);
  assert_names (list, "张三");

  evg_store_emit_changed (f->store, "member", NULL);
  assert_change (f, 0, 1, 1);
}

static void
wait_loaded (EvgRoster *roster)
{
  while (evg_roster_get_loading (roster))
    g_main_context_iteration (NULL, TRUE);
}

/* The app reads the index in a worker: the roster looks empty and loading
 * until then, lists made meanwhile fill with one insertion, in name order,
 * and a change saved while the worker reads is not lost. */
static void
test_background_load (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = add (f, "王五", "19850101", 3, TRUE);
  g_autofree char *b = add (f, "张三", "19800101", 1, TRUE);
  g_autofree char *c = add (f, "李四", "19900101", 2, FALSE);
  g_autofree char *d = NULL;
  g_autofree char *group = evg_roster_add_party_group (f->roster, "第一党小组", &error);

  g_assert_no_error (error);
  {
    g_autoptr(EvgMember) m = evg_roster_lookup (f->roster, a);

    evg_member_set (m, EVG_MEMBER_PARTY_GROUP_ID, group);
    g_free (evg_roster_save (f->roster, m, &error));
    g_assert_no_error (error);
  }

  evg_roster_set_background_load (TRUE);
  {
    g_autoptr(EvgRoster) roster = evg_roster_new (f->store, &error);
    g_autoptr(EvgMemberList) list = NULL;
    g_autoptr(EvgMember) first = NULL;

    g_assert_no_error (error);
    g_assert_true (evg_roster_get_loading (roster));
    g_assert_cmpuint (evg_roster_get_n_members (roster), ==, 0);
    list = evg_member_list_new (roster);
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 0);
    g_signal_connect (list, "items-changed", G_CALLBACK (on_items_changed), f);
    wait_loaded (roster);
    assert_change (f, 0, 0, 3);
    g_assert_cmpuint (evg_roster_get_n_members (roster), ==, 3);
    assert_names (list, "李四 王五 张三");
    /* The worker read the first rows too: they come with their group. */
    first = g_list_model_get_item (G_LIST_MODEL (list), 1);
    g_assert_cmpstr (evg_member_get_id (first), ==, a);
    g_assert_cmpstr (evg_member_get_party_group_name (first), ==, "第一党小组");
    g_signal_handlers_disconnect_by_data (list, f);
  }
  {
    g_autoptr(EvgRoster) roster = evg_roster_new (f->store, &error);
    g_autoptr(EvgMemberList) list = evg_member_list_new (roster);

    g_assert_no_error (error);
    g_assert_true (evg_roster_get_loading (roster));
    /* Saved through the other roster while this one's worker reads. */
    d = add (f, "赵六", "19700101", 4, TRUE);
    wait_loaded (roster);
    g_assert_cmpuint (evg_roster_get_n_members (roster), ==, 4);
    assert_names (list, "李四 王五 张三 赵六");
    evg_member_list_set_sort (list, EVG_MEMBER_SORT_NAME, TRUE);
    assert_names (list, "赵六 张三 王五 李四");
  }
  evg_roster_set_background_load (FALSE);
}

static void
count_emission (guint *count)
{
  (*count)++;
}

/* In a program with a main loop, a change that makes the roster read every
 * member again (one that names no rows, as after a sync) is read in a
 * worker: the call returns at once, lists keep what they show rather than
 * turning to a loading state, and the new index takes their place after. */
static void
test_background_reload (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *a = add (f, "王五", "19850101", 3, TRUE);
  g_autofree char *b = NULL;
  g_autoptr(EvgRoster) roster = NULL;
  g_autoptr(EvgMemberList) list = NULL;
  guint emitted = 0;

  evg_roster_set_background_load (TRUE);
  roster = evg_roster_new (f->store, &error);
  evg_roster_set_background_load (FALSE);
  g_assert_no_error (error);
  list = evg_member_list_new (roster);
  wait_loaded (roster);
  assert_names (list, "王五");

  /* Saved through the other roster: this one follows the named row. */
  b = add (f, "张三", "19800101", 1, TRUE);
  assert_names (list, "王五 张三");

  g_signal_connect_swapped (roster, "index-changed", G_CALLBACK (count_emission), &emitted);
  evg_store_emit_changed (f->store, "member", NULL);
  g_assert_cmpuint (emitted, ==, 0);
  g_assert_false (evg_roster_get_loading (roster));
  assert_names (list, "王五 张三");
  /* A change that comes while the worker reads is not lost. */
  g_free (add (f, "李四", "19900101", 2, FALSE));
  while (emitted == 0)
    g_main_context_iteration (NULL, TRUE);
  evg_test_wait_for_workers (roster);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  assert_names (list, "李四 王五 张三");
  g_assert_cmpuint (evg_roster_get_n_members (roster), ==, 3);
  g_signal_handlers_disconnect_by_data (roster, &emitted);

  /* Party groups are read again at once: the next add checks its name
   * against the new list. */
  {
    g_autofree char *group = evg_roster_add_party_group (roster, "第一党小组", &error);

    g_assert_no_error (error);
    g_assert_cmpstr (evg_roster_find_party_group (roster, "第一党小组"), ==, group);
    g_assert_null (evg_roster_add_party_group (roster, "第一党小组", &error));
    g_assert_nonnull (error);
    g_clear_error (&error);
  }
  evg_test_wait_for_workers (roster);
}

/* The index keeps rowids in 32 bits: a roster with a row beyond that (four
 * billion additions, or a database edited by hand) is refused with a
 * message, not shown with members mixed up. */
static void
test_rowid_out_of_range (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = add (f, "王五", "19850101", 3, TRUE);
  g_autofree char *sql = g_strdup_printf ("UPDATE member SET rowid = 5000000000 WHERE id = '%s'", id);
  g_autoptr(EvgRoster) roster = NULL;

  g_assert_true (evg_store_exec (f->store, sql, &error));
  g_assert_no_error (error);
  roster = evg_roster_new (f->store, &error);
  g_assert_null (roster);
  g_assert_error (error, EVG_STORE_ERROR, EVG_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, "4294967295"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/evg/roster/items-changed", test_items_changed);
  ADD ("/evg/roster/validation", test_validation);
  ADD ("/evg/roster/search", test_search);
  ADD ("/evg/roster/sort", test_sort);
  ADD ("/evg/roster/party-groups", test_party_groups);
  ADD ("/evg/roster/party-group-order", test_party_group_order);
  ADD ("/evg/roster/other-connection", test_other_connection);
  ADD ("/evg/roster/background-load", test_background_load);
  ADD ("/evg/roster/background-reload", test_background_reload);
  ADD ("/evg/roster/rowid-out-of-range", test_rowid_out_of_range);
#undef ADD

  return g_test_run ();
}
