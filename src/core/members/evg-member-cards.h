/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>

#include "evg-pages.h"
#include "evg-roster.h"

G_BEGIN_DECLS

/* Member cards on paper: a sheet of cards, each with the branch's name,
 * the member's name and party group, and a QR code whose text is the
 * member's record id and nothing else, so that a USB scanner typing it
 * into the check-in field, followed by Enter, gives the id.  Laid out
 * with Pango and drawn with cairo, like the meeting record, as an
 * EvgPages: the app's print dialog draws the pages, the CLI saves them as
 * a PDF (evg_pages_write_pdf()).  Sizes are in points (1/72 inch). */

#define EVG_TYPE_MEMBER_CARDS (evg_member_cards_get_type ())
G_DECLARE_FINAL_TYPE (EvgMemberCards, evg_member_cards, EVG, MEMBER_CARDS, GObject)

/* A card is the size of a bank card (ISO/IEC 7810 ID-1, 85.6 × 54 mm),
 * so that it fits a wallet and a card holder. */
#define EVG_MEMBER_CARD_WIDTH  (85.6 / 25.4 * 72.0)
#define EVG_MEMBER_CARD_HEIGHT (54.0 / 25.4 * 72.0)

EvgMemberCards *evg_member_cards_new           (EvgRoster       *roster,
                                                const char      *party_group_id,
                                                GError         **error);
guint           evg_member_cards_get_n_cards   (EvgMemberCards  *self);
const char     *evg_member_cards_get_member_id (EvgMemberCards  *self,
                                                guint            card);
guint           evg_member_cards_get_n_pages   (EvgMemberCards  *self);
guint           evg_member_cards_get_per_page  (EvgMemberCards  *self);
void            evg_member_cards_draw_card     (EvgMemberCards  *self,
                                                cairo_t         *cr,
                                                guint            card);

G_END_DECLS
