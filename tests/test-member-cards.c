/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-member-cards.h"
#include "evg-paper.h"
#include "evg-roster.h"
#include "evg-test-members.h"
#include "evg-test-util.h"

/* The member cards' sheet as laid out, before the PDF: who gets a card and
 * in which order, the party group filter, and pages and cards that stay on
 * their paper.  test-cli-member-cards.sh reads the PDF and its QR codes. */

typedef struct
{
  char      *dir;
  EvgStore  *store;
  EvgRoster *roster;
  char      *group_one;
  char      *group_two;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = evg_test_make_dir ();
  f->store = evg_test_open_store (f->dir, "cards.db");
  f->roster = evg_roster_new (f->store, &error);
  g_assert_no_error (error);
  f->group_one = evg_roster_add_party_group (f->roster, "第一党小组", &error);
  g_assert_no_error (error);
  f->group_two = evg_roster_add_party_group (f->roster, "第二党小组", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->group_one);
  g_free (f->group_two);
  evg_test_finalize_roster (f->roster, f->store);
  evg_test_remove_dir (f->dir);
  g_free (f->dir);
}

static char *
add_member (Fixture    *f,
            const char *name,
            guint       seq,
            const char *group_id)
{
  return evg_test_add_member (f->roster, name, seq, group_id);
}

static EvgMemberCards *
cards_of (Fixture    *f,
          const char *group_id)
{
  g_autoptr(GError) error = NULL;
  EvgMemberCards *cards = evg_member_cards_new (f->roster, group_id, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cards);
  return cards;
}

/* Current members only, by party group and then by name (in pinyin
 * order), the members without a group last. */
static void
test_who (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *zhang = add_member (f, "张三", 11, f->group_one);
  g_autofree char *li = add_member (f, "李四", 12, f->group_one);
  g_autofree char *wang = add_member (f, "王五", 13, f->group_two);
  g_autofree char *zhao = add_member (f, "赵六", 14, f->group_two);
  g_autofree char *sun = add_member (f, "孙八", 15, NULL);
  g_autoptr(EvgMemberCards) cards = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (evg_roster_record_departure (f->roster, zhao, "转出", "2025-01-02", &error));
  g_assert_no_error (error);
  cards = cards_of (f, NULL);
  g_assert_cmpuint (evg_member_cards_get_n_cards (cards), ==, 4);
  g_assert_cmpstr (evg_member_cards_get_member_id (cards, 0), ==, li);
  g_assert_cmpstr (evg_member_cards_get_member_id (cards, 1), ==, zhang);
  g_assert_cmpstr (evg_member_cards_get_member_id (cards, 2), ==, wang);
  g_assert_cmpstr (evg_member_cards_get_member_id (cards, 3), ==, sun);
  g_assert_cmpstr (evg_pages_get_title (EVG_PAGES (cards)), ==, "党员报到卡");
  g_clear_object (&cards);

  g_assert_true (evg_store_set_meta (f->store, "branch_name", "幸福社区第一党支部", NULL));
  cards = cards_of (f, NULL);
  g_assert_cmpstr (evg_pages_get_title (EVG_PAGES (cards)), ==, "幸福社区第一党支部 党员报到卡");
}

/* One party group's members; a group with none left, or gone, is told. */
static void
test_group (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *zhang = add_member (f, "张三", 11, f->group_one);
  g_autofree char *wang = add_member (f, "王五", 13, f->group_two);
  g_autofree char *empty = NULL;
  g_autoptr(EvgMemberCards) cards = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (evg_store_set_meta (f->store, "branch_name", "幸福社区第一党支部", NULL));
  cards = cards_of (f, f->group_two);
  g_assert_cmpuint (evg_member_cards_get_n_cards (cards), ==, 1);
  g_assert_cmpstr (evg_member_cards_get_member_id (cards, 0), ==, wang);
  g_assert_cmpstr (evg_pages_get_title (EVG_PAGES (cards)), ==, "幸福社区第一党支部第二党小组 党员报到卡");

  g_assert_true (evg_roster_record_departure (f->roster, wang, "去世", "2025-01-02", &error));
  g_assert_no_error (error);
  g_assert_null (evg_member_cards_new (f->roster, f->group_two, &error));
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "第二党小组"));
  g_clear_error (&error);

  empty = evg_roster_add_party_group (f->roster, "第三党小组", &error);
  g_assert_no_error (error);
  g_assert_true (evg_roster_delete_party_group (f->roster, empty, &error));
  g_assert_no_error (error);
  g_assert_null (evg_member_cards_new (f->roster, empty, &error));
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_NOT_FOUND);
}

/* A branch without a current member has no cards to print. */
static void
test_none (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *zhang = add_member (f, "张三", 11, f->group_one);
  g_autoptr(GError) error = NULL;

  g_assert_true (evg_roster_record_departure (f->roster, zhang, "转出", "2025-01-02", &error));
  g_assert_no_error (error);
  g_assert_null (evg_member_cards_new (f->roster, NULL, &error));
  g_assert_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_NOT_FOUND);
}

/* Where cairo put ink drawing page @what, or card @what when @card: x, y,
 * width and height. */
static void
ink_of (EvgMemberCards *cards,
        gboolean        card,
        guint           what,
        double         *extents)
{
  cairo_surface_t *surface = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
  cairo_t *cr = cairo_create (surface);

  if (card)
    evg_member_cards_draw_card (cards, cr, what);
  else
    evg_pages_draw_page (EVG_PAGES (cards), cr, what);
  g_assert_cmpint (cairo_status (cr), ==, CAIRO_STATUS_SUCCESS);
  cairo_destroy (cr);
  cairo_recording_surface_ink_extents (surface, &extents[0], &extents[1], &extents[2], &extents[3]);
  cairo_surface_destroy (surface);
}

static void
assert_pages_fit (EvgMemberCards *cards,
                  double          width,
                  double          height,
                  guint           per_page)
{
  guint n_cards = evg_member_cards_get_n_cards (cards);
  guint n_pages = evg_pages_paginate (EVG_PAGES (cards), width, height);

  g_assert_cmpuint (evg_member_cards_get_per_page (cards), ==, per_page);
  g_assert_cmpuint (n_pages, ==, (n_cards + per_page - 1) / per_page);
  g_assert_cmpuint (evg_member_cards_get_n_pages (cards), ==, n_pages);
  for (guint page = 0; page < n_pages; page++)
    {
      double ink[4];

      ink_of (cards, FALSE, page, ink);
      g_assert_cmpfloat (ink[2], >, 0);
      g_assert_cmpfloat (ink[0], >=, 0);
      g_assert_cmpfloat (ink[1], >=, 0);
      g_assert_cmpfloat (ink[0] + ink[2], <=, width);
      g_assert_cmpfloat (ink[1] + ink[3], <=, height);
    }
}

/* Ten cards to an A4 page, fewer on other paper, one made smaller on
 * paper too small for a card; names and groups too long for a card stay
 * on it. */
static void
test_fits (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(EvgMemberCards) cards = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_group = NULL;

  g_assert_true (evg_store_set_meta (f->store, "branch_name",
                                     "某某省某某市某某区某某街道某某社区第一党总支第一党支部", NULL));
  long_group = evg_roster_add_party_group (f->roster, "第三党小组（社区网格员、志愿者服务队及退休党员）", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 23; i++)
    {
      g_autofree char *name = g_strdup_printf ("党员%u号", i);

      g_free (add_member (f, i == 5 ? "阿依古丽·买买提艾力·吐尔逊托合提" : name, 20 + i,
                          i % 3 == 0 ? long_group : f->group_one));
    }

  cards = cards_of (f, NULL);
  g_assert_cmpuint (evg_member_cards_get_n_cards (cards), ==, 23);
  g_assert_cmpuint (evg_member_cards_get_n_pages (cards), ==, 3);
  assert_pages_fit (cards, EVG_PAPER_A4_WIDTH, EVG_PAPER_A4_HEIGHT, 10);
  assert_pages_fit (cards, EVG_PAPER_A4_HEIGHT, EVG_PAPER_A4_WIDTH, 9);
  assert_pages_fit (cards, 612, 792, 8);
  assert_pages_fit (cards, 419.5, 595.3, 3);
  assert_pages_fit (cards, 200, 120, 1);

  /* A recording surface rounds what a stroke covers out to whole units,
   * and one more: the frame on the card's edge measures a unit beyond. */
  for (guint card = 0; card < 23; card++)
    {
      double ink[4];

      ink_of (cards, TRUE, card, ink);
      g_assert_cmpfloat (ink[0], >=, -1);
      g_assert_cmpfloat (ink[1], >=, -1);
      g_assert_cmpfloat (ink[0] + ink[2], <=, EVG_MEMBER_CARD_WIDTH + 2);
      g_assert_cmpfloat (ink[1] + ink[3], <=, EVG_MEMBER_CARD_HEIGHT + 2);
    }
}

/* A PDF that cannot be saved says which and why, and leaves nothing. */
static void
test_write_error (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *zhang = add_member (f, "张三", 11, f->group_one);
  g_autofree char *path = g_build_filename (f->dir, "missing", "cards.pdf", NULL);
  g_autofree char *saved = g_build_filename (f->dir, "cards.pdf", NULL);
  g_autoptr(EvgMemberCards) cards = cards_of (f, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_false (evg_pages_write_pdf (EVG_PAGES (cards), path, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  g_assert_true (evg_pages_write_pdf (EVG_PAGES (cards), saved, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (evg_member_cards_get_n_pages (cards), ==, 1);
  g_assert_true (g_file_test (saved, G_FILE_TEST_IS_REGULAR));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/evg/members/cards/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("who", test_who);
  ADD ("group", test_group);
  ADD ("none", test_none);
  ADD ("fits", test_fits);
  ADD ("write-error", test_write_error);
#undef ADD

  return g_test_run ();
}
