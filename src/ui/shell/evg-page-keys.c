/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-page-keys"

#include "config.h"

#include "evg-page-keys.h"

/**
 * evg_page_add_keys:
 * @keys: (array length=n_keys): each key and the action it runs
 *
 * Returns: (transfer none): the controller, owned by @page, for keys that
 *   run a callback rather than an action
 */
GtkShortcutController *
evg_page_add_keys (GtkWidget        *page,
                   const EvgPageKey *keys,
                   guint             n_keys)
{
  GtkShortcutController *controller = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());

  /* Managed: the window asks it whenever the page is mapped. */
  gtk_shortcut_controller_set_scope (controller, GTK_SHORTCUT_SCOPE_MANAGED);
  for (guint i = 0; i < n_keys; i++)
    gtk_shortcut_controller_add_shortcut (controller,
                                          gtk_shortcut_new (gtk_keyval_trigger_new (keys[i].key, keys[i].modifiers),
                                                            gtk_named_action_new (keys[i].action)));
  gtk_widget_add_controller (page, GTK_EVENT_CONTROLLER (controller));
  return controller;
}
