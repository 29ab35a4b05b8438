/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A page's keys (Ctrl+N, Ctrl+F, …) that act while the page shows,
 * wherever the focus is in the window: the sidebar, the header, a pane. */

typedef struct
{
  guint            key;
  GdkModifierType  modifiers;
  const char      *action;     /* a page action, such as "roster.add" */
} EvgPageKey;

GtkShortcutController *evg_page_add_keys (GtkWidget        *page,
                                          const EvgPageKey *keys,
                                          guint             n_keys);

G_END_DECLS
