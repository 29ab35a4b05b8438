/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-context.h"
#include "evg-message-view.h"
#include "evg-rates-view.h"

G_BEGIN_DECLS

#define EVG_TYPE_INBOX_PAGE (evg_inbox_page_get_type ())
G_DECLARE_FINAL_TYPE (EvgInboxPage, evg_inbox_page, EVG, INBOX_PAGE, GtkWidget)

void            evg_inbox_page_set_context     (EvgInboxPage *self,
                                                EvgContext   *context);
gboolean        evg_inbox_page_select_message  (EvgInboxPage *self,
                                                const char   *id);
const char     *evg_inbox_page_get_selected    (EvgInboxPage *self);
void            evg_inbox_page_show_rates      (EvgInboxPage *self);
void            evg_inbox_page_set_status      (EvgInboxPage *self,
                                                const char   *status);

/* For tests: what the page shows. */
GtkWidget      *evg_inbox_page_get_search_entry   (EvgInboxPage *self);
GtkToggleButton *evg_inbox_page_get_overdue_button (EvgInboxPage *self);
const char     *evg_inbox_page_get_overdue_text   (EvgInboxPage *self);
char           *evg_inbox_page_dup_status_label   (EvgInboxPage *self,
                                                   const char   *status);
guint           evg_inbox_page_get_n_shown        (EvgInboxPage *self);
const char     *evg_inbox_page_get_list_state     (EvgInboxPage *self);
gboolean        evg_inbox_page_is_marked_overdue  (EvgInboxPage *self,
                                                   const char   *id);
EvgMessageView *evg_inbox_page_get_message_view   (EvgInboxPage *self);
EvgRatesView   *evg_inbox_page_get_rates_view     (EvgInboxPage *self);

G_END_DECLS
