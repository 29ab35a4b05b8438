/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-pages.h"

G_BEGIN_DECLS

/* The notice for the community board (A4): the branch's name, an
 * invitation to leave a message, and the QR code of the branch's public
 * feedback page on the central server, with its address written out for
 * those who type it.  An EvgPages, so that the print dialog and the CLI's
 * PDF give the same page. */

#define EVG_TYPE_FEEDBACK_POSTER (evg_feedback_poster_get_type ())
G_DECLARE_FINAL_TYPE (EvgFeedbackPoster, evg_feedback_poster, EVG, FEEDBACK_POSTER, GObject)

EvgFeedbackPoster *evg_feedback_poster_new     (const char  *branch_name,
                                                const char  *page_url,
                                                guint        respond_hours);
char              *evg_feedback_page_url       (const char  *server_url,
                                                const char  *branch_code,
                                                GError     **error);

G_END_DECLS
