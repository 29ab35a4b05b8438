/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "evg-calendar.h"
#include "evg-checkins.h"
#include "evg-roster.h"

G_BEGIN_DECLS

#define EVG_TYPE_MEMBER_DETAIL (evg_member_detail_get_type ())

G_DECLARE_FINAL_TYPE (EvgMemberDetail, evg_member_detail, EVG, MEMBER_DETAIL, GtkWidget)

void       evg_member_detail_set_roster (EvgMemberDetail *self,
                                         EvgRoster       *roster);
void       evg_member_detail_set_checkins (EvgMemberDetail *self,
                                           EvgCheckins     *checkins);
void       evg_member_detail_set_calendar (EvgMemberDetail *self,
                                           EvgCalendar     *calendar);
void       evg_member_detail_set_member (EvgMemberDetail *self,
                                         EvgMember       *member);
EvgMember *evg_member_detail_get_member (EvgMemberDetail *self);

G_END_DECLS
