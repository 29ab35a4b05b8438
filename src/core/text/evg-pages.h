/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <cairo.h>
#include <glib-object.h>

G_BEGIN_DECLS

/* A printed document: pages laid out for a paper size and drawn with
 * cairo, in points from the page's top left corner.  The app's print
 * dialog and the CLI's PDF both draw a document through this interface,
 * so that they give the same pages.  EvgMeetingReport and EvgMemberCards
 * implement it. */

#define EVG_TYPE_PAGES (evg_pages_get_type ())
G_DECLARE_INTERFACE (EvgPages, evg_pages, EVG, PAGES, GObject)

struct _EvgPagesInterface
{
  GTypeInterface parent_iface;

  const char *(*get_title) (EvgPages *self);
  guint       (*paginate)  (EvgPages *self,
                            double    page_width,
                            double    page_height);
  void        (*draw_page) (EvgPages *self,
                            cairo_t  *cr,
                            guint     page);
};

const char *evg_pages_get_title (EvgPages    *self);
guint       evg_pages_paginate  (EvgPages    *self,
                                 double       page_width,
                                 double       page_height);
void        evg_pages_draw_page (EvgPages    *self,
                                 cairo_t     *cr,
                                 guint        page);
gboolean    evg_pages_write_pdf (EvgPages    *self,
                                 const char  *path,
                                 GError     **error);

G_END_DECLS
