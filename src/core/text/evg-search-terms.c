/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-search"

#include "config.h"

#include "evg-pinyin.h"
#include "evg-search-terms.h"

/* Scripts written without spaces between words: indexed by pairs. */
static gboolean
is_unspaced (gunichar c)
{
  switch (g_unichar_get_script (c))
    {
    case G_UNICODE_SCRIPT_HAN:
    case G_UNICODE_SCRIPT_HIRAGANA:
    case G_UNICODE_SCRIPT_KATAKANA:
    case G_UNICODE_SCRIPT_BOPOMOFO:
      return TRUE;
    default:
      return FALSE;
    }
}

/* What FTS5's unicode61 keeps inside a word: letters and digits. */
static gboolean
is_word_char (gunichar c)
{
  return g_unichar_isalnum (c);
}

/* Each character, then the pair it starts: 垃圾桶 → 垃 垃圾 圾 圾桶 桶. */
static void
append_run_words (GString        *terms,
                  const gunichar *run,
                  guint           n)
{
  for (guint i = 0; i < n; i++)
    {
      if (terms->len > 0)
        g_string_append_c (terms, ' ');
      g_string_append_unichar (terms, run[i]);
      if (i + 1 < n)
        {
          g_string_append_c (terms, ' ');
          g_string_append_unichar (terms, run[i]);
          g_string_append_unichar (terms, run[i + 1]);
        }
    }
}

/* Calls @on_word for each lower-cased spaced word and @on_run for each run
 * of unspaced characters in @text. */
typedef void (*RunFunc)  (const gunichar *run, guint n, gpointer data);
typedef void (*WordFunc) (const char *word, gpointer data);

static void
split (const char *text,
       RunFunc     on_run,
       WordFunc    on_word,
       gpointer    data)
{
  g_autoptr(GArray) run = g_array_new (FALSE, FALSE, sizeof (gunichar));
  g_autoptr(GString) word = g_string_new (NULL);

  for (const char *p = text; ; p = g_utf8_next_char (p))
    {
      gunichar c = *p != '\0' ? g_utf8_get_char_validated (p, -1) : 0;
      gboolean unspaced = c != 0 && c != (gunichar) -1 && c != (gunichar) -2 && is_word_char (c) &&
                          is_unspaced (c);
      gboolean spaced = c != 0 && c != (gunichar) -1 && c != (gunichar) -2 && is_word_char (c) &&
                        !unspaced;

      if (!unspaced && run->len > 0)
        {
          on_run ((const gunichar *) (gpointer) run->data, run->len, data);
          g_array_set_size (run, 0);
        }
      if (!spaced && word->len > 0)
        {
          on_word (word->str, data);
          g_string_truncate (word, 0);
        }
      if (unspaced)
        g_array_append_val (run, c);
      else if (spaced)
        g_string_append_unichar (word, g_unichar_tolower (c));
      if (c == 0 || c == (gunichar) -1 || c == (gunichar) -2)
        break;
    }
}

static void
term_run (const gunichar *run,
          guint           n,
          gpointer        data)
{
  append_run_words (data, run, n);
}

static void
term_word (const char *word,
           gpointer    data)
{
  GString *terms = data;

  if (terms->len > 0)
    g_string_append_c (terms, ' ');
  g_string_append (terms, word);
}

/**
 * evg_search_terms_append:
 * @terms: the words so far, separated by spaces
 * @text: (nullable): a text to index
 * @is_name: whether @text is a person's name, found by its pinyin too
 */
void
evg_search_terms_append (GString    *terms,
                         const char *text,
                         gboolean    is_name)
{
  g_return_if_fail (terms != NULL);

  if (text == NULL || *text == '\0')
    return;
  split (text, term_run, term_word, terms);
  if (is_name)
    {
      g_autoptr(GString) full = g_string_new (NULL);
      g_autoptr(GString) initials = g_string_new (NULL);

      evg_pinyin_convert (text, TRUE, full, initials);
      if (full->len > 0)
        {
          term_word (full->str, terms);
          term_word (initials->str, terms);
        }
    }
}

/* A run of the query is the same words in the same order: a phrase,
 * which one character alone is too. */
static void
query_run (const gunichar *run,
           guint           n,
           gpointer        data)
{
  GString *query = data;
  g_autoptr(GString) words = g_string_new (NULL);

  if (query->len > 0)
    g_string_append (query, " AND ");
  append_run_words (words, run, n);
  g_string_append_printf (query, "\"%s\"", words->str);
}

static void
query_word (const char *word,
            gpointer    data)
{
  GString *query = data;

  /* Words hold only letters and digits, so they need no escaping. */
  if (query->len > 0)
    g_string_append (query, " AND ");
  g_string_append_printf (query, "\"%s\"*", word);
}

/**
 * evg_search_terms_query:
 * @text: what the user typed
 *
 * Returns: (transfer full) (nullable): an FTS5 MATCH expression finding
 *   the texts that hold every part of @text, or %NULL when @text holds
 *   nothing to search for
 */
char *
evg_search_terms_query (const char *text)
{
  g_autoptr(GString) query = g_string_new (NULL);

  if (text == NULL)
    return NULL;
  split (text, query_run, query_word, query);
  return query->len > 0 ? g_string_free (g_steal_pointer (&query), FALSE) : NULL;
}
