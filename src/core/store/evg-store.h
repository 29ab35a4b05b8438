/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "evg-hlc.h"
#include "evg-types.h"

G_BEGIN_DECLS

#define EVG_STORE_ERROR (evg_store_error_quark ())

typedef enum
{
  EVG_STORE_ERROR_FAILED,
  EVG_STORE_ERROR_OPEN,
  EVG_STORE_ERROR_NOT_DATABASE,
  EVG_STORE_ERROR_CORRUPT,
  EVG_STORE_ERROR_TOO_NEW,
  EVG_STORE_ERROR_FULL,
  EVG_STORE_ERROR_READ_ONLY,
  EVG_STORE_ERROR_BUSY,
  EVG_STORE_ERROR_CONSTRAINT,
  EVG_STORE_ERROR_NOT_FOUND,
  EVG_STORE_ERROR_INVALID,
} EvgStoreError;

#define EVG_TYPE_STORE (evg_store_get_type ())

G_DECLARE_FINAL_TYPE (EvgStore, evg_store, EVG, STORE, GObject)

GQuark      evg_store_error_quark          (void);

char       *evg_store_default_path         (void);
EvgStore   *evg_store_open                 (const char  *path,
                                            GError     **error);
EvgStore   *evg_store_open_for_reading     (const char  *path,
                                            GError     **error);
EvgStore   *evg_store_open_sibling         (EvgStore    *store,
                                            GError     **error);
gboolean    evg_store_is_read_only         (EvgStore    *self);
const char *evg_store_get_path             (EvgStore    *self);
const char *evg_store_get_site_id          (EvgStore    *self);
guint       evg_store_get_schema_version   (EvgStore    *self);

char       *evg_store_get_meta             (EvgStore    *self,
                                            const char  *key);
gboolean    evg_store_set_meta             (EvgStore    *self,
                                            const char  *key,
                                            const char  *value,
                                            GError     **error);
gint64      evg_store_count_rows           (EvgStore    *self,
                                            const char  *table,
                                            GError     **error);
gint64      evg_store_count_pending        (EvgStore    *self);

EvgTxn     *evg_store_begin                (EvgStore    *self,
                                            GError     **error);
void        evg_store_set_clock            (EvgStore    *self,
                                            EvgClockFunc func,
                                            gpointer     user_data);
void        evg_store_emit_changed         (EvgStore    *self,
                                            const char  *table,
                                            GPtrArray   *ids);

G_END_DECLS
