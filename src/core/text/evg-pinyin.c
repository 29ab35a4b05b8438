/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-pinyin"

#include "config.h"

#include "evg-pinyin.h"
#include "evg-pinyin-table.h"

/* Characters whose reading as a surname differs from their common one.  The
 * Unihan table gives one reading per character, which is right for most of a
 * name but wrong for these family names. */
static const struct
{
  gunichar    c;
  const char *reading;
} surnames[] = {
  { 0x4E50, "yue" },   /* 乐 */
  { 0x4EC7, "qiu" },   /* 仇 */
  { 0x4F1A, "gui" },   /* 会 */
  { 0x5355, "shan" },  /* 单 */
  { 0x533A, "ou" },    /* 区 */
  { 0x5458, "yun" },   /* 员 */
  { 0x53EC, "shao" },  /* 召 */
  { 0x5C09, "yu" },    /* 尉 */
  { 0x66FE, "zeng" },  /* 曾 */
  { 0x6734, "piao" },  /* 朴 */
  { 0x67E5, "zha" },   /* 查 */
  { 0x79CD, "chong" }, /* 种 */
  { 0x79D8, "bi" },    /* 秘 */
  { 0x7E41, "po" },    /* 繁 */
  { 0x7F2A, "miao" },  /* 缪 */
  { 0x80FD, "nai" },   /* 能 */
  { 0x89E3, "xie" },   /* 解 */
  { 0x8983, "qin" },   /* 覃 */
  { 0x76D6, "ge" },    /* 盖 */
  { 0x90FD, "du" },    /* 都 */
  { 0x91CD, "chong" }, /* 重 */
  { 0x957F, "chang" }, /* 长 */
};

/**
 * evg_pinyin_for_char:
 * @c: a character
 *
 * Returns: (nullable): the toneless pinyin of @c in lower case, or %NULL when
 *   @c is not a hanzi the table knows
 */
const char *
evg_pinyin_for_char (gunichar c)
{
  guint16 n = 0;

  if (c >= EVG_PINYIN_RANGE1_FIRST && c <= EVG_PINYIN_RANGE1_LAST)
    n = evg_pinyin_range1[c - EVG_PINYIN_RANGE1_FIRST];
  else if (c >= EVG_PINYIN_RANGE0_FIRST && c <= EVG_PINYIN_RANGE0_LAST)
    n = evg_pinyin_range0[c - EVG_PINYIN_RANGE0_FIRST];

  if (n == 0)
    return NULL;
  return evg_pinyin_text + evg_pinyin_offsets[n - 1];
}

static const char *
surname_reading (gunichar c)
{
  for (guint i = 0; i < G_N_ELEMENTS (surnames); i++)
    if (surnames[i].c == c)
      return surnames[i].reading;
  return NULL;
}

/**
 * evg_pinyin_convert:
 * @text: UTF-8 text
 * @is_name: whether @text is a person's name, whose first character is
 *   read as a surname
 * @full: (nullable): appends the full pinyin here, e.g. `zhangsan`
 * @initials: (nullable): appends the initial of each syllable here, e.g. `zs`
 *
 * ASCII letters and digits are kept (lower-cased) in both; other characters
 * that have no reading are dropped.
 */
void
evg_pinyin_convert (const char *text,
                    gboolean    is_name,
                    GString    *full,
                    GString    *initials)
{
  gboolean first = TRUE;

  g_return_if_fail (text != NULL);

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *reading = NULL;

      if (c < 0x80)
        {
          if (g_ascii_isalnum ((char) c))
            {
              char lower = g_ascii_tolower ((char) c);

              if (full != NULL)
                g_string_append_c (full, lower);
              if (initials != NULL)
                g_string_append_c (initials, lower);
            }
          continue;
        }

      if (first && is_name)
        reading = surname_reading (c);
      if (reading == NULL)
        reading = evg_pinyin_for_char (c);
      first = FALSE;

      if (reading == NULL)
        continue;
      if (full != NULL)
        g_string_append (full, reading);
      if (initials != NULL)
        g_string_append_c (initials, reading[0]);
    }
}

char *
evg_pinyin_full (const char *text)
{
  GString *out = g_string_new (NULL);

  evg_pinyin_convert (text, FALSE, out, NULL);
  return g_string_free (out, FALSE);
}

char *
evg_pinyin_initials (const char *text)
{
  GString *out = g_string_new (NULL);

  evg_pinyin_convert (text, FALSE, NULL, out);
  return g_string_free (out, FALSE);
}
