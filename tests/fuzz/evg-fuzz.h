/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "../evg-test-util.h"

G_BEGIN_DECLS

/* What every fuzz target shares.  libFuzzer calls these two by name. */
int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

/* A warning or critical means that code was handed what it refuses with
 * g_return_if_fail() or similar: on fuzzed input that is a bug to report,
 * so it stops the run as a crash would.  Messages and debug output are
 * dropped, as the server logs one for every refused request and millions
 * of lines would drown libFuzzer's own. */
static GLogWriterOutput
evg_fuzz_log_writer (GLogLevelFlags   level,
                     const GLogField *fields,
                     gsize            n_fields,
                     gpointer         user_data)
{
  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) == 0)
    return G_LOG_WRITER_HANDLED;
  g_log_writer_standard_streams (level, fields, n_fields, user_data);
  abort ();
}

static inline void
evg_fuzz_init_logging (void)
{
  g_log_set_writer_func (evg_fuzz_log_writer, NULL, NULL);
}

/* A folder for a target's scratch files, in memory-backed storage where
 * there is some: the targets write a file or commit a transaction for
 * every input, which on a disk would cost more than the rest. */
static inline char *
evg_fuzz_make_scratch_dir (const char *name)
{
  const char *base = g_file_test ("/dev/shm", G_FILE_TEST_IS_DIR) &&
                     g_access ("/dev/shm", W_OK) == 0 ? "/dev/shm" : g_get_tmp_dir ();
  g_autofree char *leaf = g_strconcat (name, "-XXXXXX", NULL);
  char *dir = g_build_filename (base, leaf, NULL);

  if (g_mkdtemp (dir) == NULL)
    {
      g_printerr ("%s: %s\n", dir, g_strerror (errno));
      abort ();
    }
  return dir;
}

/* A check whose failure is a finding: it aborts, so libFuzzer saves the
 * input, whatever G_DISABLE_ASSERT says. */
#define evg_fuzz_check(expr)                                                \
  G_STMT_START {                                                            \
    if (G_UNLIKELY (!(expr)))                                               \
      {                                                                     \
        g_printerr ("%s:%d: check failed: %s\n", __FILE__, __LINE__, #expr); \
        abort ();                                                           \
      }                                                                     \
  } G_STMT_END

G_END_DECLS
