/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "evg-server-inbox.h"

G_BEGIN_DECLS

/* The residents' pages as HTML: server-rendered, in Chinese, readable on a
 * phone 360 pixels wide and in WeChat's browser, without JavaScript.  Every
 * text that came from outside the program (what residents and branches
 * wrote, the branch's name) goes through evg_html_append_text(). */

/* What a resident typed into the form, to show it again with the form's
 * problems.  Any member may be NULL. */
typedef struct
{
  const char *category;
  const char *content;
  const char *place;
  const char *name;
  const char *phone;
} EvgFormValues;

void         evg_html_append_text   (GString             *out,
                                     const char          *text);
const char  *evg_page_csp           (void);

char        *evg_page_form          (const char          *code,
                                     const char          *branch_name,
                                     const char          *token,
                                     const EvgFormValues *values,
                                     const char * const  *problems);
char        *evg_page_status        (const EvgPublicStatus *status,
                                     gboolean             just_sent);
char        *evg_page_message       (const char          *title,
                                     const char          *text);

G_END_DECLS
