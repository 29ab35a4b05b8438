/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define EVG_TYPE_SERVER (evg_server_get_type ())

G_DECLARE_FINAL_TYPE (EvgServer, evg_server, EVG, SERVER, GObject)

EvgServer *evg_server_new        (const char          *database,
                                  GTlsCertificate     *certificate,
                                  guint                n_workers,
                                  GError             **error);
gboolean   evg_server_listen     (EvgServer           *self,
                                  GInetSocketAddress  *address,
                                  GError             **error);
GSList    *evg_server_get_uris   (EvgServer           *self);
void       evg_server_shutdown   (EvgServer           *self);

int        evg_server_main       (int                  argc,
                                  char               **argv);

G_END_DECLS
