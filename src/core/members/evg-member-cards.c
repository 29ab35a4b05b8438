/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-member-cards"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <pango/pangocairo.h>

#include "evg-member-cards.h"
#include "evg-member-list.h"
#include "evg-paper.h"

/* The cards, like the meeting record, are the branch's in Chinese whatever
 * language the desktop speaks; only the messages a person acts on follow
 * the locale.
 *
 * A page is a grid of cards edge to edge, as many as fit the paper with a
 * margin a printer can print (ten on A4: two across, five down), centred,
 * each framed by a thin grey line, with cut marks in the margin where the
 * grid's lines run out, so that a guillotine cuts along them.  Each card
 * has a header (the branch's name and what the card is, over a red rule),
 * the name large, the party group under it, a line that says what the
 * code is for, and the QR code on the right with its quiet zone of four
 * modules, drawn as filled rectangles so that it stays sharp at any size.
 * Nothing personal beyond the name goes on a card that may get lost: no ID
 * number, no phone. */

#define CARD_W EVG_MEMBER_CARD_WIDTH
#define CARD_H EVG_MEMBER_CARD_HEIGHT

#define MIN_MARGIN      17.0   /* 6 mm: what most printers leave blank */
#define CUT_MARK_GAP     3.0   /* between the grid and a cut mark */
#define CUT_MARK_LENGTH  9.0
#define CUT_MARK_WIDTH   0.3
#define BORDER_WIDTH     0.4
#define BORDER_GRAY      0.65

#define PADDING        12.0
#define HEADER_TOP      9.0
#define HEADER_SIZE     8.5
#define RULE_Y         25.0
#define RULE_WIDTH      0.8
#define NAME_TOP       40.0
#define NAME_SIZE      24.0
#define NAME_MIN_SIZE  14.0
#define GROUP_SIZE     11.0
#define GROUP_GAP       6.0
#define HINT_SIZE       7.0
#define HINT_GRAY       0.45
#define QR_INSET        4.0    /* from the card's right and bottom edges */

#define RED 0.78, 0.07, 0.09

#define CARD_NAME "党员报到卡"
#define HINT      "报到时请扫描二维码"

typedef struct
{
  char *id;
  char *name;
  char *group;   /* nullable */
} Card;

struct _EvgMemberCards
{
  GObject parent_instance;

  /* Owned: what is printed, read when the cards were made */
  GArray       *cards;      /* Card */
  char         *branch;     /* nullable */
  char         *title;
  PangoContext *context;

  /* The grid of the last pagination */
  double        page_width;
  double        page_height;
  double        scale;      /* below 1 on paper smaller than a card */
  guint         columns;
  guint         rows;
  double        grid_x;
  double        grid_y;
  guint         n_pages;
};

static void evg_member_cards_pages_init (EvgPagesInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (EvgMemberCards, evg_member_cards, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (EVG_TYPE_PAGES, evg_member_cards_pages_init))


static void
clear_card (gpointer data)
{
  Card *card = data;

  g_free (card->id);
  g_free (card->name);
  g_free (card->group);
}

static void
evg_member_cards_finalize (GObject *object)
{
  EvgMemberCards *self = EVG_MEMBER_CARDS (object);

  g_array_unref (self->cards);
  g_free (self->branch);
  g_free (self->title);
  g_clear_object (&self->context);
  G_OBJECT_CLASS (evg_member_cards_parent_class)->finalize (object);
}

static void
evg_member_cards_class_init (EvgMemberCardsClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = evg_member_cards_finalize;
}

static void
evg_member_cards_init (EvgMemberCards *self)
{
  self->cards = g_array_new (FALSE, TRUE, sizeof (Card));
  g_array_set_clear_func (self->cards, clear_card);
  self->context = evg_paper_context_new ();
}

/* The name of the live group @id, or NULL. */
static char *
dup_group_name (EvgRoster  *roster,
                const char *id)
{
  GListModel *groups = evg_roster_get_party_groups (roster);
  guint n = g_list_model_get_n_items (groups);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgPartyGroup) group = g_list_model_get_item (groups, i);

      if (g_strcmp0 (evg_party_group_get_id (group), id) == 0)
        return g_strdup (evg_party_group_get_name (group));
    }
  return NULL;
}

/**
 * evg_member_cards_new:
 * @party_group_id: (nullable): only this party group's members, or all
 *
 * Reads the current members (those who left get no card), by party group
 * and by name within each, as the roster sorts them.
 *
 * Returns: (transfer full) (nullable): the cards, or %NULL with @error set
 *   when there is no member to make a card for
 */
EvgMemberCards *
evg_member_cards_new (EvgRoster   *roster,
                      const char  *party_group_id,
                      GError     **error)
{
  g_autoptr(EvgMemberCards) self = NULL;
  g_autoptr(EvgMemberList) list = NULL;
  g_autofree char *group_name = NULL;
  g_autofree char *unit = NULL;
  guint n;

  g_return_val_if_fail (EVG_IS_ROSTER (roster), NULL);

  if (party_group_id != NULL)
    {
      group_name = dup_group_name (roster, party_group_id);
      if (group_name == NULL)
        {
          g_set_error_literal (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_NOT_FOUND,
                               _("The party group no longer exists; choose another one."));
          return NULL;
        }
    }

  self = g_object_new (EVG_TYPE_MEMBER_CARDS, NULL);
  list = evg_member_list_new (roster);
  evg_member_list_set_scope (list, EVG_MEMBER_SCOPE_CURRENT);
  evg_member_list_set_party_group (list, party_group_id);
  evg_member_list_set_sort (list, EVG_MEMBER_SORT_PARTY_GROUP, FALSE);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(EvgMember) member = evg_member_list_get_member (list, i);
      Card card = {
        .id = g_strdup (evg_member_get_id (member)),
        .name = g_utf8_make_valid (evg_member_get_name (member) != NULL ? evg_member_get_name (member) : "", -1),
        .group = g_strdup (evg_member_get_party_group_name (member)),
      };

      g_array_append_val (self->cards, card);
    }
  if (self->cards->len == 0)
    {
      if (group_name != NULL)
        g_set_error (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_NOT_FOUND,
                     _("The party group “%s” has no current members to make cards for."), group_name);
      else
        g_set_error_literal (error, EVG_ROSTER_ERROR, EVG_ROSTER_ERROR_NOT_FOUND,
                             _("The branch has no current members to make cards for."));
      return NULL;
    }

  self->branch = evg_store_get_meta (evg_roster_get_store (roster), "branch_name");
  unit = g_strconcat (self->branch != NULL ? self->branch : "", group_name != NULL ? group_name : "", NULL);
  self->title = unit[0] != '\0' ? g_strdup_printf ("%s %s", unit, CARD_NAME) : g_strdup (CARD_NAME);
  evg_pages_paginate (EVG_PAGES (self), EVG_PAPER_A4_WIDTH, EVG_PAPER_A4_HEIGHT);
  return g_steal_pointer (&self);
}

/* What the sheet is called: the PDF's title and the print job's name. */
static const char *
get_title (EvgPages *pages)
{
  return EVG_MEMBER_CARDS (pages)->title;
}

/* Returns: how many cards there are, at least one */
guint
evg_member_cards_get_n_cards (EvgMemberCards *self)
{
  g_return_val_if_fail (EVG_IS_MEMBER_CARDS (self), 0);
  return self->cards->len;
}

/**
 * evg_member_cards_get_member_id:
 * @card: counted from 0, in the order the cards are printed
 *
 * Returns: the record id of the member on @card, which its QR code holds
 */
const char *
evg_member_cards_get_member_id (EvgMemberCards *self,
                                guint           card)
{
  g_return_val_if_fail (EVG_IS_MEMBER_CARDS (self), NULL);
  g_return_val_if_fail (card < self->cards->len, NULL);
  return g_array_index (self->cards, Card, card).id;
}

/* As many rows and columns of cards as fit inside the margins; on paper
 * too small for one card, one card a page, made smaller. */
static guint
paginate (EvgPages *pages,
          double    page_width,
          double    page_height)
{
  EvgMemberCards *self = EVG_MEMBER_CARDS (pages);
  double room_w, room_h;
  guint per_page;

  self->page_width = page_width;
  self->page_height = page_height;
  room_w = MAX (page_width - 2 * MIN_MARGIN, page_width / 2);
  room_h = MAX (page_height - 2 * MIN_MARGIN, page_height / 2);
  self->scale = MIN (1.0, MIN (room_w / CARD_W, room_h / CARD_H));
  self->columns = MAX (1, (guint) floor (room_w / (CARD_W * self->scale)));
  self->rows = MAX (1, (guint) floor (room_h / (CARD_H * self->scale)));
  self->grid_x = (page_width - self->columns * CARD_W * self->scale) / 2;
  self->grid_y = (page_height - self->rows * CARD_H * self->scale) / 2;
  per_page = self->columns * self->rows;
  self->n_pages = (self->cards->len + per_page - 1) / per_page;
  return self->n_pages;
}

/* Returns: the pages of the last pagination */
guint
evg_member_cards_get_n_pages (EvgMemberCards *self)
{
  g_return_val_if_fail (EVG_IS_MEMBER_CARDS (self), 0);
  return self->n_pages;
}

/* Returns: how many cards a page of the last pagination holds */
guint
evg_member_cards_get_per_page (EvgMemberCards *self)
{
  g_return_val_if_fail (EVG_IS_MEMBER_CARDS (self), 0);
  return self->columns * self->rows;
}

static PangoLayout *
make_line (EvgMemberCards *self,
           double          size,
           PangoWeight     weight,
           const char     *text)
{
  PangoLayout *layout = evg_paper_layout_new (self->context, size, weight);

  pango_layout_set_text (layout, text, -1);
  return layout;
}

/* Limits @layout to @width and @lines lines, with an ellipsis where the
 * text goes on. */
static void
limit_layout (PangoLayout *layout,
              double       width,
              int          lines)
{
  pango_layout_set_width (layout, pango_units_from_double (width));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_height (layout, -lines);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
}

static void
show_layout (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* The name as large as fits on one line, down to a size that still reads
 * well from arm's length; a longer name goes on over two lines. */
static PangoLayout *
make_name (EvgMemberCards *self,
           const char     *name,
           double          width)
{
  for (double size = NAME_SIZE; size >= NAME_MIN_SIZE; size -= 1.0)
    {
      PangoLayout *layout = make_line (self, size, PANGO_WEIGHT_BOLD, name);

      if (evg_paper_layout_get_width (layout) <= width || size - 1.0 < NAME_MIN_SIZE)
        {
          limit_layout (layout, width, 2);
          return layout;
        }
      g_object_unref (layout);
    }
  g_assert_not_reached ();
}

/* The header: the branch's name on the left, as much of it as fits, and
 * what the card is on the right, over a red rule. */
static void
draw_header (EvgMemberCards *self,
             cairo_t        *cr)
{
  g_autoptr(PangoLayout) kind = make_line (self, HEADER_SIZE, PANGO_WEIGHT_BOLD, CARD_NAME);
  double kind_width = evg_paper_layout_get_width (kind);

  cairo_set_source_rgb (cr, RED);
  show_layout (cr, kind, CARD_W - PADDING - kind_width, HEADER_TOP);
  if (self->branch != NULL)
    {
      g_autoptr(PangoLayout) branch = make_line (self, HEADER_SIZE, PANGO_WEIGHT_BOLD, self->branch);

      limit_layout (branch, CARD_W - 2 * PADDING - kind_width - 8, 1);
      show_layout (cr, branch, PADDING, HEADER_TOP);
    }
  cairo_set_line_width (cr, RULE_WIDTH);
  cairo_move_to (cr, PADDING, RULE_Y);
  cairo_line_to (cr, CARD_W - PADDING, RULE_Y);
  cairo_stroke (cr);
}

/* The code of @id, with its quiet zone; returns the left edge of the
 * square it takes. */
static double
draw_code (cairo_t    *cr,
           const char *id)
{
  double box = CARD_H - QR_INSET - (RULE_Y + QR_INSET);
  double box_x = CARD_W - QR_INSET - box;

  if (!evg_paper_draw_qr_code (cr, id, box_x, RULE_Y + QR_INSET, box))
    g_warning ("No QR code for %s: %s", id, g_strerror (errno));
  return box_x;
}

/**
 * evg_member_cards_draw_card:
 * @cr: a context whose unit is the point, its origin where the card's top
 *   left corner goes
 * @card: counted from 0, below evg_member_cards_get_n_cards()
 *
 * Draws one card, %EVG_MEMBER_CARD_WIDTH by %EVG_MEMBER_CARD_HEIGHT, with
 * its frame inside those bounds.
 */
void
evg_member_cards_draw_card (EvgMemberCards *self,
                            cairo_t        *cr,
                            guint           card)
{
  const Card *info;
  g_autoptr(PangoLayout) name = NULL;
  g_autoptr(PangoLayout) hint = NULL;
  double text_width, y;

  g_return_if_fail (EVG_IS_MEMBER_CARDS (self));
  g_return_if_fail (card < self->cards->len);

  info = &g_array_index (self->cards, Card, card);
  cairo_save (cr);
  cairo_set_line_width (cr, BORDER_WIDTH);
  cairo_set_source_rgb (cr, BORDER_GRAY, BORDER_GRAY, BORDER_GRAY);
  cairo_rectangle (cr, BORDER_WIDTH / 2, BORDER_WIDTH / 2, CARD_W - BORDER_WIDTH, CARD_H - BORDER_WIDTH);
  cairo_stroke (cr);

  draw_header (self, cr);
  /* The text keeps out of the code's quiet zone. */
  text_width = draw_code (cr, info->id) - PADDING - QR_INSET;

  name = make_name (self, info->name, text_width);
  cairo_set_source_rgb (cr, 0, 0, 0);
  show_layout (cr, name, PADDING, NAME_TOP);
  y = NAME_TOP + evg_paper_layout_get_height (name) + GROUP_GAP;
  if (info->group != NULL)
    {
      g_autoptr(PangoLayout) group = make_line (self, GROUP_SIZE, PANGO_WEIGHT_NORMAL, info->group);

      limit_layout (group, text_width, 2);
      cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
      show_layout (cr, group, PADDING, y);
    }

  hint = make_line (self, HINT_SIZE, PANGO_WEIGHT_NORMAL, HINT);
  limit_layout (hint, text_width, 1);
  cairo_set_source_rgb (cr, HINT_GRAY, HINT_GRAY, HINT_GRAY);
  show_layout (cr, hint, PADDING, CARD_H - PADDING - evg_paper_layout_get_height (hint));
  cairo_restore (cr);
}

/* Short lines in the margin that continue the grid's lines, to cut along.
 * They keep clear of the grid and of the paper's edge. */
static void
draw_cut_marks (EvgMemberCards *self,
                cairo_t        *cr,
                guint           columns,
                guint           rows)
{
  double card_w = CARD_W * self->scale, card_h = CARD_H * self->scale;
  double left = self->grid_x, top = self->grid_y;
  double right = left + columns * card_w, bottom = top + rows * card_h;
  double across = MIN (CUT_MARK_LENGTH, left - 2 * CUT_MARK_GAP);
  double down = MIN (CUT_MARK_LENGTH, top - 2 * CUT_MARK_GAP);

  cairo_set_line_width (cr, CUT_MARK_WIDTH);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (guint c = 0; c <= columns && down >= CUT_MARK_GAP; c++)
    {
      double x = left + c * card_w;

      cairo_move_to (cr, x, top - CUT_MARK_GAP);
      cairo_rel_line_to (cr, 0, -down);
      cairo_move_to (cr, x, bottom + CUT_MARK_GAP);
      cairo_rel_line_to (cr, 0, down);
    }
  for (guint r = 0; r <= rows && across >= CUT_MARK_GAP; r++)
    {
      double y = top + r * card_h;

      cairo_move_to (cr, left - CUT_MARK_GAP, y);
      cairo_rel_line_to (cr, -across, 0);
      cairo_move_to (cr, right + CUT_MARK_GAP, y);
      cairo_rel_line_to (cr, across, 0);
    }
  cairo_stroke (cr);
}

/* A page's cards, row by row, and the cut marks around them. */
static void
draw_page (EvgPages *pages,
           cairo_t  *cr,
           guint     page)
{
  EvgMemberCards *self = EVG_MEMBER_CARDS (pages);
  guint per_page, first, count;

  g_return_if_fail (page < self->n_pages);

  per_page = self->columns * self->rows;
  first = page * per_page;
  count = MIN (per_page, self->cards->len - first);
  cairo_save (cr);
  for (guint i = 0; i < count; i++)
    {
      cairo_save (cr);
      cairo_translate (cr, self->grid_x + (i % self->columns) * CARD_W * self->scale,
                       self->grid_y + (i / self->columns) * CARD_H * self->scale);
      cairo_scale (cr, self->scale, self->scale);
      evg_member_cards_draw_card (self, cr, first + i);
      cairo_restore (cr);
    }
  draw_cut_marks (self, cr, MIN (count, self->columns), (count + self->columns - 1) / self->columns);
  cairo_restore (cr);
}

static void
evg_member_cards_pages_init (EvgPagesInterface *iface)
{
  iface->get_title = get_title;
  iface->paginate = paginate;
  iface->draw_page = draw_page;
}
