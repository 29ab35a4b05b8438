/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-accessible"

#include "config.h"

#include "evg-accessible.h"

/**
 * evg_drop_down_set_accessible_name:
 * @name: what a screen reader calls it, such as "Status filter"
 *
 * Names a drop-down for screen readers.  GTK 4.8 exposes the drop-down's
 * own toggle button as the control, under its class name
 * ("GtkToggleButton"): the name goes on both.
 */
void
evg_drop_down_set_accessible_name (GtkDropDown *dropdown,
                                   const char  *name)
{
  g_return_if_fail (GTK_IS_DROP_DOWN (dropdown));

  gtk_accessible_update_property (GTK_ACCESSIBLE (dropdown), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (dropdown)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}
