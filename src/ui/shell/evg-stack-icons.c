/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-stack-icons"

#include "config.h"

#include "evg-stack-icons.h"

/* GTK loads a status page's icon as soon as the page gets its style, shown
 * or not: the large symbolic icons of the pages hidden at start-up (empty
 * states, the pages still to come, the welcome) are SVG files, and loading
 * them brought librsvg into the process, about 7 MB and a few threads'
 * work, for icons nobody had seen yet. */

static void
show_icon (GtkStack *stack)
{
  GtkWidget *child = gtk_stack_get_visible_child (stack);
  AdwStatusPage *status;

  if (!ADW_IS_STATUS_PAGE (child))
    return;
  status = ADW_STATUS_PAGE (child);
  if (adw_status_page_get_icon_name (status) == NULL)
    adw_status_page_set_icon_name (status, gtk_stack_page_get_icon_name (gtk_stack_get_page (stack, child)));
}

/**
 * evg_stack_defer_status_icons:
 *
 * Gives each #AdwStatusPage of @stack the icon named by its #GtkStackPage
 * when the page is first shown, rather than when it is built.  The status
 * pages themselves name no icon.
 */
void
evg_stack_defer_status_icons (GtkStack *stack)
{
  g_return_if_fail (GTK_IS_STACK (stack));

  g_signal_connect (stack, "notify::visible-child", G_CALLBACK (show_icon), NULL);
  show_icon (stack);
}
