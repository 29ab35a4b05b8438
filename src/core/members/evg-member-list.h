/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-roster.h"

G_BEGIN_DECLS

typedef enum
{
  EVG_MEMBER_SORT_NAME,
  EVG_MEMBER_SORT_GENDER,
  EVG_MEMBER_SORT_AGE,
  EVG_MEMBER_SORT_CATEGORY,
  EVG_MEMBER_SORT_PARTY_GROUP,
  EVG_MEMBER_SORT_PARTY_AGE,
} EvgMemberSort;

typedef enum
{
  EVG_MEMBER_SCOPE_CURRENT,   /* members of the branch */
  EVG_MEMBER_SCOPE_FORMER,    /* members who left: 转出, 去世, … */
  EVG_MEMBER_SCOPE_ALL,
} EvgMemberScope;

#define EVG_TYPE_MEMBER_SORT  (evg_member_sort_get_type ())
#define EVG_TYPE_MEMBER_SCOPE (evg_member_scope_get_type ())
#define EVG_TYPE_MEMBER_LIST  (evg_member_list_get_type ())

GType evg_member_sort_get_type  (void) G_GNUC_CONST;
GType evg_member_scope_get_type (void) G_GNUC_CONST;

G_DECLARE_FINAL_TYPE (EvgMemberList, evg_member_list, EVG, MEMBER_LIST, GObject)

EvgMemberList  *evg_member_list_new                (EvgRoster      *roster);
EvgRoster      *evg_member_list_get_roster         (EvgMemberList  *self);

const char     *evg_member_list_get_search_text    (EvgMemberList  *self);
void            evg_member_list_set_search_text    (EvgMemberList  *self,
                                                    const char     *text);
const char     *evg_member_list_get_category       (EvgMemberList  *self);
void            evg_member_list_set_category       (EvgMemberList  *self,
                                                    const char     *category);
const char     *evg_member_list_get_party_group    (EvgMemberList  *self);
void            evg_member_list_set_party_group    (EvgMemberList  *self,
                                                    const char     *group_id);
const char     *evg_member_list_get_standing       (EvgMemberList  *self);
void            evg_member_list_set_standing       (EvgMemberList  *self,
                                                    const char     *standing);
gboolean        evg_member_list_get_only_mobile    (EvgMemberList  *self);
void            evg_member_list_set_only_mobile    (EvgMemberList  *self,
                                                    gboolean        only_mobile);
gboolean        evg_member_list_get_only_lost_contact (EvgMemberList *self);
void            evg_member_list_set_only_lost_contact (EvgMemberList *self,
                                                       gboolean       only_lost);
EvgMemberScope  evg_member_list_get_scope          (EvgMemberList  *self);
void            evg_member_list_set_scope          (EvgMemberList  *self,
                                                    EvgMemberScope  scope);
EvgMemberSort   evg_member_list_get_sort           (EvgMemberList  *self);
gboolean        evg_member_list_get_sort_descending (EvgMemberList *self);
void            evg_member_list_set_sort           (EvgMemberList  *self,
                                                    EvgMemberSort   sort,
                                                    gboolean        descending);
guint           evg_member_list_get_n_total        (EvgMemberList  *self);
EvgMember      *evg_member_list_get_member         (EvgMemberList  *self,
                                                    guint           position);
guint           evg_member_list_find               (EvgMemberList  *self,
                                                    const char     *member_id);

G_END_DECLS
