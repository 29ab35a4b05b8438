/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Hanzi to toneless pinyin, so that a search for `zhangsan` or `zs` finds
 * 张三.  Each character takes its customary mainland reading; the first
 * character of a name takes its reading as a surname (曾 zeng, 单 shan). */

const char *evg_pinyin_for_char (gunichar     c);
void        evg_pinyin_convert  (const char  *text,
                                 gboolean     is_name,
                                 GString     *full,
                                 GString     *initials);
char       *evg_pinyin_full     (const char  *text);
char       *evg_pinyin_initials (const char  *text);

G_END_DECLS
