/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-hlc.h"
#include "evg-sync-error.h"
#include "evg-sync-http.h"
#include "evg-sync-protocol.h"

/* A first sync of a large branch sends batches the server takes a while
 * to apply: the timeout is for a server that stopped answering, not for
 * a slow one. */
#define HTTP_TIMEOUT_S 120

void
evg_sync_http_init (EvgSyncHttp  *http,
                    const char   *url,
                    const char   *token,
                    GCancellable *cancellable)
{
  const char *retries = g_getenv ("EVG_SYNC_RETRIES");
  const char *delay = g_getenv ("EVG_SYNC_RETRY_MS");

  memset (http, 0, sizeof *http);
  http->session = soup_session_new_with_options ("timeout", HTTP_TIMEOUT_S,
                                                 "idle-timeout", 60,
                                                 "user-agent", "e-vanguard/" PACKAGE_VERSION,
                                                 NULL);
  /* A server on this machine never goes through a proxy; skipping the
   * system's proxy lookup saves its start-up on every sync. */
  {
    g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
    const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

    if (g_strcmp0 (host, "127.0.0.1") == 0 || g_strcmp0 (host, "::1") == 0 ||
        g_strcmp0 (host, "localhost") == 0)
      soup_session_set_proxy_resolver (http->session, NULL);
  }
  http->base_url = g_strdup (url);
  while (g_str_has_suffix (http->base_url, "/"))
    http->base_url[strlen (http->base_url) - 1] = '\0';
  http->token = g_strdup (token);
  http->cancellable = cancellable;
  /* Tests shorten the waits; the defaults suit a real network. */
  http->max_attempts = retries != NULL ? (guint) MAX (1, g_ascii_strtoll (retries, NULL, 10)) : 5;
  http->base_delay_ms = delay != NULL ? (guint) MAX (1, g_ascii_strtoll (delay, NULL, 10)) : 500;
}

void
evg_sync_http_clear (EvgSyncHttp *http)
{
  g_clear_object (&http->session);
  g_clear_pointer (&http->base_url, g_free);
  /* The token is the key to the branch's data on the server: it does not
   * stay behind in freed memory. */
  if (http->token != NULL)
    {
      explicit_bzero (http->token, strlen (http->token));
      g_clear_pointer (&http->token, g_free);
    }
  g_clear_pointer (&http->resync_epoch, g_free);
}

static gboolean
sleep_cancellable (guint         ms,
                   GCancellable *cancellable,
                   GError      **error)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      g_usleep (MIN (50000, until - g_get_monotonic_time () + 1));
    }
  return TRUE;
}

/* Turns a failure to reach the server into an EVG_SYNC_ERROR that says
 * which of the usual causes it is. */
static void
set_transport_error (GError     **error,
                     GError      *cause,
                     const char  *url)
{
  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (cause));
  else if (cause->domain == G_TLS_ERROR)
    g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_TLS,
                 _("The secure connection to the server failed: %s"), cause->message);
  else if (cause->domain == G_RESOLVER_ERROR)
    g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NETWORK,
                 _("The server name in “%s” cannot be found (no network, or a wrong address)."), url);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NETWORK,
                 _("The server at “%s” refused the connection: it is not running or the port is wrong."),
                 url);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NETWORK,
                 _("The server at “%s” did not answer in time."), url);
  else if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE) ||
           g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE))
    g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NETWORK,
                 _("There is no route to the server at “%s”: this computer seems to be offline."), url);
  else
    g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NETWORK,
                 _("The connection to the server was lost: %s"), cause->message);
}

/* Turns a non-2xx answer into an EVG_SYNC_ERROR by its stable code.  A
 * resync or clock_skew answer also leaves on @http what the sync needs to
 * recover from it. */
static void
set_response_error (EvgSyncHttp  *http,
                    guint         status,
                    GBytes       *bytes,
                    GError      **error)
{
  g_autofree char *code = NULL;
  g_autofree char *message = NULL;
  g_autofree char *epoch = NULL;
  gint64 server_time = 0;
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  if (!evg_sync_error_parse (data, len, &code, &message, &server_time, &epoch))
    {
      if (status == 404 || status == 405)
        g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_SERVER_TOO_OLD,
                     _("The server does not offer E-Vanguard sync (it answered %u): it is too old, "
                       "or the address leads to another service."), status);
      else if (status >= 500)
        g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_SERVER,
                     _("The server has a problem (it answered %u)."), status);
      else
        g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_BAD_RESPONSE,
                     _("The address does not lead to an E-Vanguard server (it answered %u)."), status);
      return;
    }

  if (g_str_equal (code, EVG_SYNC_CODE_UNAUTHORIZED) || g_str_equal (code, EVG_SYNC_CODE_INVALID_TOKEN))
    g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_UNAUTHORIZED,
                 _("The server does not accept this workstation’s token."));
  else if (g_str_equal (code, EVG_SYNC_CODE_TOKEN_REVOKED))
    g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_REVOKED,
                 _("This workstation’s token was revoked or replaced on the server."));
  else if (g_str_equal (code, EVG_SYNC_CODE_CLOCK_SKEW))
    {
      gint64 ahead_min = server_time > 0 ? (evg_hlc_wall_ms () - server_time) / 60000 : 0;

      http->server_time = server_time;

      if (ahead_min > 0)
        g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_CLOCK_SKEW,
                     g_dngettext (GETTEXT_PACKAGE,
                                  "This computer’s clock is %d minute ahead of the server’s.",
                                  "This computer’s clock is %d minutes ahead of the server’s.",
                                  (gulong) MIN (ahead_min, G_MAXINT)),
                     (int) MIN (ahead_min, G_MAXINT));
      else
        g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_CLOCK_SKEW,
                     _("Changes were stamped with a clock ahead of the server’s; this computer’s "
                       "clock was wrong when they were made."));
    }
  else if (g_str_equal (code, EVG_SYNC_CODE_RESYNC))
    {
      g_free (http->resync_epoch);
      http->resync_epoch = g_steal_pointer (&epoch);
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_RESYNC,
                   _("The server was restored from a backup."));
    }
  else if (g_str_equal (code, EVG_SYNC_CODE_PROTOCOL) || g_str_equal (code, EVG_SYNC_CODE_NOT_FOUND))
    g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_SERVER_TOO_OLD,
                 _("The server is too old for this version of E-Vanguard."));
  else if (status >= 500)
    g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_SERVER,
                 _("The server has a problem: %s"), message != NULL ? message : code);
  else
    g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_REQUEST,
                 _("The server refused the request: %s (%s)"), message != NULL ? message : "", code);
}

/* One request, resent after network failures and 5xx answers with
 * exponential backoff and jitter; any other answer is final.  Resending is
 * safe: a push carries its batch id and a pull only reads. */
GBytes *
evg_sync_http_call (EvgSyncHttp  *http,
                    const char   *method,
                    const char   *path,
                    GString      *body,
                    gboolean      retry,
                    GError      **error)
{
  g_autofree char *url = g_strconcat (http->base_url, path, NULL);
  g_autoptr(GBytes) request_body = body != NULL ? g_bytes_new (body->str, body->len) : NULL;

  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new (method, url);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) bytes = NULL;
      guint status;

      if (msg == NULL)
        {
          g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED,
                       _("“%s” is not a valid server address."), http->base_url);
          return NULL;
        }
      if (http->token != NULL)
        {
          g_autofree char *auth = g_strconcat ("Bearer ", http->token, NULL);

          soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
          explicit_bzero (auth, strlen (auth));
        }
      if (request_body != NULL)
        soup_message_set_request_body_from_bytes (msg, "application/json", request_body);

      bytes = soup_session_send_and_read (http->session, msg, http->cancellable, &local_error);
      status = soup_message_get_status (msg);

      if (bytes != NULL && status >= 200 && status < 300)
        return g_steal_pointer (&bytes);

      {
        g_autoptr(GError) failure = NULL;

        if (bytes == NULL)
          set_transport_error (&failure, local_error, http->base_url);
        else
          set_response_error (http, status, bytes, &failure);

        if (!retry || !evg_sync_error_is_transient (failure) || attempt >= http->max_attempts)
          {
            g_propagate_error (error, g_steal_pointer (&failure));
            return NULL;
          }
        {
          guint delay = http->base_delay_ms * (1u << MIN (attempt - 1, 10u));

          delay = delay / 2 + (guint) g_random_int_range (0, (gint32) MAX (1u, delay));
          g_debug ("Retrying %s in %u ms: %s", path, delay, failure->message);
          if (!sleep_cancellable (delay, http->cancellable, error))
            return NULL;
        }
      }
    }
}

static gpointer
http_call_thread (gpointer data)
{
  EvgSyncHttpCall *call = data;

  call->bytes = evg_sync_http_call (call->http, call->method, call->path, call->body, TRUE,
                                    &call->error);
  return NULL;
}

/* Sends a request with retries, as evg_sync_http_call() does, from a
 * thread of its own.  @call takes @path; @body must live until the call
 * is finished or discarded. */
void
evg_sync_http_call_start (EvgSyncHttpCall *call,
                          EvgSyncHttp     *http,
                          const char      *method,
                          char            *path,
                          GString         *body)
{
  g_assert (call->thread == NULL);
  call->http = http;
  call->method = method;
  call->path = path;
  call->body = body;
  call->thread = g_thread_new ("evg-sync-http", http_call_thread, call);
}

/* Waits for the request and returns its answer, as evg_sync_http_call()
 * would. */
GBytes *
evg_sync_http_call_finish (EvgSyncHttpCall  *call,
                           GError          **error)
{
  GBytes *bytes;

  g_thread_join (g_steal_pointer (&call->thread));
  g_clear_pointer (&call->path, g_free);
  bytes = g_steal_pointer (&call->bytes);
  if (bytes == NULL)
    g_propagate_error (error, g_steal_pointer (&call->error));
  return bytes;
}

/* Waits for a request whose answer is no longer wanted, so that nothing
 * still uses the session or the body when they are freed. */
void
evg_sync_http_call_discard (EvgSyncHttpCall *call)
{
  if (call->thread != NULL)
    {
      g_autoptr(GBytes) bytes = evg_sync_http_call_finish (call, NULL);
    }
  g_clear_error (&call->error);
}

/* The site and the ranges it already holds let the server send stubs in
 * place of this replica's own changes; without them a pull carries every
 * change in full. */
char *
evg_sync_http_pull_path (gint64      cursor,
                         const char *epoch,
                         const char *site,
                         const char *known)
{
  gboolean with_known = site != NULL && known != NULL;

  return g_strdup_printf ("/v1/pull?since=%" G_GINT64_FORMAT "&limit=%d%s%s%s%s%s%s",
                          cursor, EVG_SYNC_MAX_PULL_LIMIT,
                          epoch != NULL ? "&epoch=" : "", epoch != NULL ? epoch : "",
                          site != NULL ? "&site=" : "", site != NULL ? site : "",
                          with_known ? "&known=" : "", with_known ? known : "");
}
