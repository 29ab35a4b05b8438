/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-member-cards-print"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-member-cards-print.h"
#include "evg-print.h"

/* Printing the member cards: the print dialog around EvgMemberCards, which
 * lays the sheet out as `e-vanguard-cli members cards` does for its PDF.
 * The cards are laid out again for the paper the person picks (see
 * evg-print.c): ten to an A4 page, fewer on smaller paper or sideways.
 * "Print to File" in the same dialog saves the PDF. */

/**
 * evg_member_cards_print_run:
 * @parent: the window the print dialog belongs to
 * @party_group_id: (nullable): only this party group's members, or all
 *
 * Shows the print dialog for the current members' cards and prints them
 * (or saves them as a file, from the same dialog); a failure, or a group
 * without a current member, is told in a dialog.
 */
void
evg_member_cards_print_run (GtkWindow  *parent,
                            EvgRoster  *roster,
                            const char *party_group_id)
{
  g_autoptr(EvgMemberCards) cards = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (GTK_IS_WINDOW (parent));
  g_return_if_fail (EVG_IS_ROSTER (roster));

  cards = evg_member_cards_new (roster, party_group_id, &error);
  if (cards == NULL)
    evg_print_show_error (parent, _("The Member Cards Were Not Printed"), error);
  else
    evg_print_run (parent, EVG_PAGES (cards), _("The Member Cards Were Not Printed"));
}
