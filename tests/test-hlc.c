/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "evg-hlc.h"

typedef struct
{
  gint64 now;
} FakeClock;

static gint64
fake_clock (gpointer user_data)
{
  return ((FakeClock *) user_data)->now;
}

static void
test_hlc_monotonic_when_clock_jumps_back (void)
{
  FakeClock clock = { 1700000000000 };
  g_autoptr(EvgHlc) hlc = evg_hlc_new (0);
  guint64 a, b, c;

  evg_hlc_set_clock (hlc, fake_clock, &clock);
  a = evg_hlc_now (hlc);
  g_assert_cmpint (evg_hlc_get_ms (a), ==, 1700000000000);
  g_assert_cmpuint (evg_hlc_get_counter (a), ==, 0);

  /* The PC clock is set back an hour: time must still move forward. */
  clock.now -= 3600 * 1000;
  b = evg_hlc_now (hlc);
  c = evg_hlc_now (hlc);
  g_assert_cmpuint (b, >, a);
  g_assert_cmpuint (c, >, b);
  g_assert_cmpint (evg_hlc_get_ms (c), ==, 1700000000000);
  g_assert_cmpuint (evg_hlc_get_counter (c), ==, 2);

  /* Once the wall clock passes the logical one again, it is used. */
  clock.now = 1700000005000;
  g_assert_cmpint (evg_hlc_get_ms (evg_hlc_now (hlc)), ==, 1700000005000);
}

static void
test_hlc_counter_overflow (void)
{
  FakeClock clock = { 5000 };
  g_autoptr(EvgHlc) hlc = evg_hlc_new (evg_hlc_pack (5000, 0xffff));
  guint64 next;

  evg_hlc_set_clock (hlc, fake_clock, &clock);
  next = evg_hlc_now (hlc);
  g_assert_cmpint (evg_hlc_get_ms (next), ==, 5001);
  g_assert_cmpuint (evg_hlc_get_counter (next), ==, 0);
}

static void
test_hlc_observe_remote (void)
{
  FakeClock clock = { 1000 };
  g_autoptr(EvgHlc) hlc = evg_hlc_new (0);
  guint64 remote = evg_hlc_pack (9000, 7);
  guint64 after;

  evg_hlc_set_clock (hlc, fake_clock, &clock);
  after = evg_hlc_observe (hlc, remote);
  g_assert_cmpuint (after, >, remote);
  g_assert_cmpuint (evg_hlc_now (hlc), >, after);
}

static void
test_hlc_text_order_is_time_order (void)
{
  guint64 values[] = {
    evg_hlc_pack (0, 0),
    evg_hlc_pack (0, 1),
    evg_hlc_pack (9, 0xffff),
    evg_hlc_pack (10, 0),
    evg_hlc_pack (1700000000000, 3),
    evg_hlc_pack (G_GINT64_CONSTANT (0xffffffffffff), 0xffff),
  };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autofree char *text = evg_hlc_to_string (values[i]);
      guint64 parsed = 0;

      g_assert_cmpuint (strlen (text), ==, EVG_HLC_TEXT_LEN);
      g_assert_true (evg_hlc_parse (text, &parsed));
      g_assert_cmpuint (parsed, ==, values[i]);

      if (i > 0)
        {
          g_autofree char *prev = evg_hlc_to_string (values[i - 1]);
          g_assert_cmpint (strcmp (prev, text), <, 0);
        }
    }

  g_assert_false (evg_hlc_parse ("123", NULL));
  g_assert_false (evg_hlc_parse ("000000000000000g", NULL));
  g_assert_false (evg_hlc_parse ("000000000000000A", NULL));
  g_assert_false (evg_hlc_parse (NULL, NULL));
}

static void
test_hlc_tie_break_by_site (void)
{
  g_assert_cmpint (evg_hlc_compare ("0000000000010000", "site-a", "0000000000010000", "site-b"), <, 0);
  g_assert_cmpint (evg_hlc_compare ("0000000000010000", "site-b", "0000000000010000", "site-a"), >, 0);
  g_assert_cmpint (evg_hlc_compare ("0000000000020000", "site-a", "0000000000010000", "site-z"), >, 0);
  g_assert_cmpint (evg_hlc_compare ("0000000000010000", "site-a", "0000000000010000", "site-a"), ==, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/evg/hlc/monotonic-clock-jumps-back", test_hlc_monotonic_when_clock_jumps_back);
  g_test_add_func ("/evg/hlc/counter-overflow", test_hlc_counter_overflow);
  g_test_add_func ("/evg/hlc/observe-remote", test_hlc_observe_remote);
  g_test_add_func ("/evg/hlc/text-order", test_hlc_text_order_is_time_order);
  g_test_add_func ("/evg/hlc/tie-break-site", test_hlc_tie_break_by_site);

  return g_test_run ();
}
