/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A full-text index for Chinese without a tokenizer of our own: texts are
 * turned into words that SQLite's FTS5 (unicode61) indexes as they are.
 * A run of hanzi gives each character and each pair of neighbours, in
 * turn (垃圾桶 → 垃 垃圾 圾 圾桶 桶), so that one character is a word of
 * its own and any longer text is a phrase of the same words; letters and
 * digits give lower-case words, found by their start; a name also gives
 * its pinyin and initials. */

void  evg_search_terms_append (GString    *terms,
                               const char *text,
                               gboolean    is_name);
char *evg_search_terms_query  (const char *text);

G_END_DECLS
