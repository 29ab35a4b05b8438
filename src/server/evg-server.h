/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define EVG_TYPE_SERVER (evg_server_get_type ())

G_DECLARE_FINAL_TYPE (EvgServer, evg_server, EVG, SERVER, GObject)

/* What one client may hold of the server.  Zero in a field means its
 * default (see evg_server_limits_init()). */
typedef struct
{
  guint max_connections;          /* in all; default: what the descriptor limit leaves */
  guint max_per_address;          /* from one IP address */
  guint idle_timeout_s;           /* a connection with no traffic is closed */
  guint header_timeout_s;         /* a request's headers must arrive within this */

  /* The residents' public page (evg-server-public.c). */
  guint public_per_address;       /* messages one address may send an hour */
  guint public_daily_cap;         /* messages one branch takes a day; G_MAXUINT: no cap */
  gboolean forwarded_for;         /* behind a proxy on loopback: the client is X-Forwarded-For's last */
} EvgServerLimits;

#define EVG_SERVER_DEFAULT_PER_ADDRESS     32
#define EVG_SERVER_DEFAULT_IDLE_TIMEOUT    30
#define EVG_SERVER_DEFAULT_HEADER_TIMEOUT  20

void       evg_server_limits_init (EvgServerLimits     *limits);

EvgServer *evg_server_new        (const char          *database,
                                  const char          *certificate_pem,
                                  const char          *key_pem,
                                  guint                n_workers,
                                  const EvgServerLimits *limits,
                                  GError             **error);
gboolean   evg_server_listen     (EvgServer           *self,
                                  GInetSocketAddress  *address,
                                  GError             **error);
GSList    *evg_server_get_uris   (EvgServer           *self);
void       evg_server_shutdown   (EvgServer           *self);

int        evg_server_main       (int                  argc,
                                  char               **argv);

G_END_DECLS
