/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For src/core only: what the roster shares with its lists and importer. */

#include "evg-field-set.h"
#include "evg-member-index.h"
#include "evg-roster.h"

G_BEGIN_DECLS

EvgMemberIndex *evg_roster_get_index        (EvgRoster  *self);
void            evg_roster_set_import_additions (EvgRoster         *self,
                                                 EvgIndexAdditions *additions);
EvgMember      *evg_roster_get_entry_member (EvgRoster  *self,
                                             guint       entry);
EvgMember      *evg_roster_read_member      (EvgStore   *store,
                                             const char *where,
                                             const char *value);
void            evg_member_reset            (EvgMember      *self);
void            evg_member_take_text        (EvgMember      *self,
                                             EvgMemberField  field,
                                             const char     *text);
void            evg_member_fill_field_set   (EvgMember  *member,
                                             EvgFieldSet *fields,
                                             gboolean    skip_empty);

G_END_DECLS

G_BEGIN_DECLS

typedef struct _EvgMemberList EvgMemberList;

GArray         *evg_member_list_peek_entries (EvgMemberList *self);

G_END_DECLS
