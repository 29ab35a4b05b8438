/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For the sync client only: requests to the sync server and what their
 * failures mean, as EVG_SYNC_ERROR codes a person can act on. */

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* One server, one token, for the length of one sync or connection test. */
typedef struct
{
  SoupSession  *session;
  char         *base_url;
  char         *token;
  GCancellable *cancellable;
  guint         max_attempts;
  guint         base_delay_ms;
  char         *resync_epoch;   /* set by a 409 resync answer */
  gint64        server_time;    /* set by a 409 clock_skew answer */
} EvgSyncHttp;

/* A request sent from its own thread (libsoup allows sending from any
 * thread since 3.2), so the sync thread can work meanwhile: make the next
 * push batch, or apply a pulled page while the next one downloads. */
typedef struct
{
  EvgSyncHttp *http;
  const char  *method;
  char        *path;
  GString     *body;
  GBytes      *bytes;
  GError      *error;
  GThread     *thread;
} EvgSyncHttpCall;

void     evg_sync_http_init         (EvgSyncHttp      *http,
                                     const char       *url,
                                     const char       *token,
                                     GCancellable     *cancellable);
void     evg_sync_http_clear        (EvgSyncHttp      *http);
GBytes  *evg_sync_http_call         (EvgSyncHttp      *http,
                                     const char       *method,
                                     const char       *path,
                                     GString          *body,
                                     gboolean          retry,
                                     GError          **error);
void     evg_sync_http_call_start   (EvgSyncHttpCall  *call,
                                     EvgSyncHttp      *http,
                                     const char       *method,
                                     char             *path,
                                     GString          *body);
GBytes  *evg_sync_http_call_finish  (EvgSyncHttpCall  *call,
                                     GError          **error);
void     evg_sync_http_call_discard (EvgSyncHttpCall  *call);
char    *evg_sync_http_pull_path    (gint64            cursor,
                                     const char       *epoch,
                                     const char       *site,
                                     const char       *known);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EvgSyncHttp, evg_sync_http_clear)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (EvgSyncHttpCall, evg_sync_http_call_discard)

G_END_DECLS
