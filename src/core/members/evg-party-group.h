/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "evg-schema.h"

G_BEGIN_DECLS

#define EVG_TYPE_PARTY_GROUP (evg_party_group_get_type ())

G_DECLARE_FINAL_TYPE (EvgPartyGroup, evg_party_group, EVG, PARTY_GROUP, GObject)

const char *evg_party_group_get_id        (EvgPartyGroup *self);
const char *evg_party_group_get_name      (EvgPartyGroup *self);
guint       evg_party_group_get_n_members (EvgPartyGroup *self);

char       *evg_party_group_sort_name     (const char    *name);

/* For the roster, which makes and updates them. */
EvgPartyGroup *evg_party_group_new           (const char    *id,
                                              const char    *name);
void           evg_party_group_set_n_members (EvgPartyGroup *self,
                                              guint          n_members);

extern const EvgTableSpec evg_party_group_table;

G_END_DECLS
