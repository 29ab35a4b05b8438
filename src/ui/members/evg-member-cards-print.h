/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "evg-member-cards.h"

G_BEGIN_DECLS

void evg_member_cards_print_run (GtkWindow  *parent,
                                 EvgRoster  *roster,
                                 const char *party_group_id);

G_END_DECLS
