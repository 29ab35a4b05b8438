/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the start-up benchmarks: report the first frame that shows
 * rows, as milliseconds since the launcher started the process (passed in
 * EVG_BENCH_T0 as CLOCK_MONOTONIC microseconds, the clock GLib's monotonic
 * time reads, so that dynamic linking and GTK's own start-up are counted). */

#include <gtk/gtk.h>
#include <stdio.h>
#include <string.h>

static inline long
evg_bench_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "VmRSS:");
  return line != NULL ? strtol (line + strlen ("VmRSS:"), NULL, 10) : -1;
}

typedef struct
{
  GtkWidget *window;
  GtkWidget *rows_widget;   /* a widget that exists only once rows show */
  gboolean (*rows_shown) (GtkWidget *window);
  guint      frames;
} EvgBenchFrame;

static inline void
evg_bench_report (const char *program)
{
  const char *t0 = g_getenv ("EVG_BENCH_T0");
  gint64 now = g_get_monotonic_time ();
  double ms = t0 != NULL ? (now - g_ascii_strtoll (t0, NULL, 10)) / 1000.0 : -1;

  printf ("{\"program\":\"%s\",\"first_frame_ms\":%.1f,\"rss_kib\":%ld}\n",
          program, ms, evg_bench_rss_kib ());
  fflush (stdout);
}
