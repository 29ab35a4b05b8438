/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <glib/gstdio.h>

#include "evg-store.h"

/* A GTask's worker thread lets go of the task, and with it the task's
 * source object, a moment after the callback ran on this thread.  Tests
 * wait for that before asserting that nothing else holds the object. */
static inline void
evg_test_wait_for_workers (gpointer object)
{
  gint64 until = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&G_OBJECT (object)->ref_count) > 1 && g_get_monotonic_time () < until)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
}

/* A fresh folder for one test's files, removed by the caller. */
static inline char *
evg_test_make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("evg-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static inline void
evg_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        evg_test_remove_dir (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

/* A new database @name in @dir, set up for branch B001. */
static inline EvgStore *
evg_test_open_store (const char *dir,
                     const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  EvgStore *store = evg_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_true (evg_store_set_meta (store, "branch_code", "B001", NULL));
  return store;
}
