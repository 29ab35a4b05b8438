/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-hlc"

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "evg-hlc.h"

#define COUNTER_BITS 16
#define COUNTER_MAX  0xffff
#define MS_MAX       G_GINT64_CONSTANT (0xffffffffffff)

struct _EvgHlc
{
  guint64      last;
  EvgClockFunc clock;
  gpointer     clock_data;
};

/* Tests start servers and clients as separate processes, so a simulated clock
 * skew has to travel through the environment rather than through an API. */
gint64
evg_hlc_wall_ms (void)
{
  static gsize initialised;
  static gint64 offset_ms;

  if (g_once_init_enter (&initialised))
    {
      const char *env = g_getenv ("EVG_CLOCK_OFFSET_MS");

      if (env != NULL)
        offset_ms = g_ascii_strtoll (env, NULL, 10);
      g_once_init_leave (&initialised, 1);
    }

  return g_get_real_time () / 1000 + offset_ms;
}

static gint64
default_clock (gpointer user_data)
{
  return evg_hlc_wall_ms ();
}

EvgHlc *
evg_hlc_new (guint64 last)
{
  EvgHlc *self = g_new0 (EvgHlc, 1);

  self->last = last;
  self->clock = default_clock;
  return self;
}

void
evg_hlc_free (EvgHlc *hlc)
{
  g_free (hlc);
}

void
evg_hlc_set_clock (EvgHlc       *hlc,
                   EvgClockFunc  func,
                   gpointer      user_data)
{
  g_return_if_fail (hlc != NULL);

  hlc->clock = func != NULL ? func : default_clock;
  hlc->clock_data = user_data;
}

guint64
evg_hlc_pack (gint64 ms,
              guint  counter)
{
  return ((guint64) CLAMP (ms, 0, MS_MAX) << COUNTER_BITS) | (counter & COUNTER_MAX);
}

gint64
evg_hlc_get_ms (guint64 value)
{
  return (gint64) (value >> COUNTER_BITS);
}

guint
evg_hlc_get_counter (guint64 value)
{
  return (guint) (value & COUNTER_MAX);
}

/* Moves the clock past @floor: the wall time when it is ahead, else the same
 * millisecond with the counter bumped.  A full counter borrows the next
 * millisecond, which keeps the clock strictly increasing. */
static guint64
advance (EvgHlc  *hlc,
         guint64  floor)
{
  gint64 wall = hlc->clock (hlc->clock_data);
  guint64 candidate = evg_hlc_pack (wall, 0);

  if (candidate > floor)
    hlc->last = candidate;
  else
    hlc->last = floor + 1;

  return hlc->last;
}

guint64
evg_hlc_now (EvgHlc *hlc)
{
  g_return_val_if_fail (hlc != NULL, 0);

  return advance (hlc, hlc->last);
}

guint64
evg_hlc_observe (EvgHlc  *hlc,
                 guint64  remote)
{
  g_return_val_if_fail (hlc != NULL, 0);

  return advance (hlc, MAX (hlc->last, remote));
}

guint64
evg_hlc_get_last (EvgHlc *hlc)
{
  g_return_val_if_fail (hlc != NULL, 0);

  return hlc->last;
}

void
evg_hlc_format (guint64 value,
                char    buf[EVG_HLC_TEXT_LEN + 1])
{
  g_snprintf (buf, EVG_HLC_TEXT_LEN + 1, "%016" G_GINT64_MODIFIER "x", value);
}

char *
evg_hlc_to_string (guint64 value)
{
  char *buf = g_malloc (EVG_HLC_TEXT_LEN + 1);

  evg_hlc_format (value, buf);
  return buf;
}

gboolean
evg_hlc_parse (const char *text,
               guint64    *value)
{
  guint64 result = 0;

  if (text == NULL || strlen (text) != EVG_HLC_TEXT_LEN)
    return FALSE;

  for (guint i = 0; i < EVG_HLC_TEXT_LEN; i++)
    {
      int digit = g_ascii_xdigit_value (text[i]);

      if (digit < 0 || g_ascii_isupper (text[i]))
        return FALSE;
      result = (result << 4) | (guint64) digit;
    }

  if (value != NULL)
    *value = result;
  return TRUE;
}

/* Orders two writes: by clock first, and by site id when two replicas
 * happened to stamp the same clock value. */
int
evg_hlc_compare (const char *hlc_a,
                 const char *site_a,
                 const char *hlc_b,
                 const char *site_b)
{
  int cmp = g_strcmp0 (hlc_a, hlc_b);

  if (cmp != 0)
    return cmp < 0 ? -1 : 1;

  cmp = g_strcmp0 (site_a, site_b);
  return cmp < 0 ? -1 : (cmp > 0 ? 1 : 0);
}
