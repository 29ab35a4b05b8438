/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <glib/gstdio.h>

#include "evg-store.h"
#include "evg-txn.h"

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

/* Inserts a row of @spec with the column/value @pairs (NULL-terminated)
 * and returns its id. */
static inline char *
evg_test_add_row (EvgStore           *store,
                  const EvgTableSpec *spec,
                  const char * const *pairs)
{
  g_autoptr(EvgFieldSet) fields = evg_field_set_new (spec);
  g_autoptr(GError) error = NULL;
  g_autoptr(EvgTxn) txn = evg_store_begin (store, &error);
  char *id;

  g_assert_no_error (error);
  for (guint i = 0; pairs[i] != NULL; i += 2)
    g_assert_true (evg_field_set_set (fields, pairs[i], pairs[i + 1]));
  id = evg_txn_insert (txn, fields, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (evg_txn_commit (txn, &error));
  g_assert_no_error (error);
  return id;
}

#define EVG_TEST_ROW(store, spec, ...) \
  evg_test_add_row (store, spec, (const char * const[]) { __VA_ARGS__, NULL })
