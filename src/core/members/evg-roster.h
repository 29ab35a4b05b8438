/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-member.h"
#include "evg-party-group.h"
#include "evg-store.h"

G_BEGIN_DECLS

#define EVG_ROSTER_ERROR (evg_roster_error_quark ())

typedef enum
{
  EVG_ROSTER_ERROR_INVALID,      /* the record breaks a rule; see the message */
  EVG_ROSTER_ERROR_DUPLICATE,    /* the ID number or group name is taken */
  EVG_ROSTER_ERROR_NOT_FOUND,
  EVG_ROSTER_ERROR_NOT_EMPTY,    /* a party group that still has members */
  EVG_ROSTER_ERROR_UNREADABLE,   /* an import file that cannot be read at all */
} EvgRosterError;

#define EVG_TYPE_ROSTER (evg_roster_get_type ())

G_DECLARE_FINAL_TYPE (EvgRoster, evg_roster, EVG, ROSTER, GObject)

GQuark      evg_roster_error_quark         (void);

EvgRoster  *evg_roster_new                 (EvgStore      *store,
                                            GError       **error);
void        evg_roster_set_background_load (gboolean       background);
gboolean    evg_roster_get_loading         (EvgRoster     *self);
EvgStore   *evg_roster_get_store           (EvgRoster     *self);
guint       evg_roster_get_n_members       (EvgRoster     *self);

/* Records */
EvgMember  *evg_roster_lookup              (EvgRoster     *self,
                                            const char    *id);
EvgMember  *evg_roster_lookup_id_number    (EvgRoster     *self,
                                            const char    *id_number);
GPtrArray  *evg_roster_validate            (EvgRoster     *self,
                                            EvgMember     *member);
char       *evg_roster_save                (EvgRoster     *self,
                                            EvgMember     *member,
                                            GError       **error);
gboolean    evg_roster_delete              (EvgRoster     *self,
                                            const char    *id,
                                            GError       **error);
gboolean    evg_roster_restore             (EvgRoster     *self,
                                            const char    *id,
                                            GError       **error);
gboolean    evg_roster_record_departure    (EvgRoster     *self,
                                            const char    *id,
                                            const char    *reason,
                                            const char    *date,
                                            GError       **error);
gboolean    evg_roster_cancel_departure    (EvgRoster     *self,
                                            const char    *id,
                                            GError       **error);
GPtrArray  *evg_roster_search              (EvgRoster     *self,
                                            const char    *text,
                                            guint          limit,
                                            guint         *n_matches);

/* Party groups (党小组) */
GListModel *evg_roster_get_party_groups    (EvgRoster     *self);
const char *evg_roster_find_party_group    (EvgRoster     *self,
                                            const char    *name);
char       *evg_roster_add_party_group     (EvgRoster     *self,
                                            const char    *name,
                                            GError       **error);
gboolean    evg_roster_rename_party_group  (EvgRoster     *self,
                                            const char    *id,
                                            const char    *name,
                                            GError       **error);
gboolean    evg_roster_merge_party_groups  (EvgRoster     *self,
                                            const char    *from_id,
                                            const char    *into_id,
                                            GError       **error);
gboolean    evg_roster_delete_party_group  (EvgRoster     *self,
                                            const char    *id,
                                            GError       **error);

G_END_DECLS
