/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "evg-sync-client-private.h"
#include "evg-sync-job.h"
#include "evg-sync-protocol.h"
#include "evg-sync-token.h"

/* Which server the client syncs with and with which token: the address
 * lives in the database, the token in the keyring (see evg-sync-token.h),
 * so that a copy of the database does not carry the key to the server. */

/* Whether @host names this computer: the name localhost, 127.0.0.0/8 or
 * ::1.  Nothing else is taken on trust, not even a name that resolves to
 * loopback today. */
static gboolean
host_is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = NULL;

  if (g_ascii_strcasecmp (host, "localhost") == 0)
    return TRUE;
  address = g_inet_address_new_from_string (host);
  return address != NULL && g_inet_address_get_is_loopback (address);
}

/**
 * evg_sync_check_server_url:
 * @url: (nullable): a sync server's address
 *
 * Whether @url may be given the branch's token: an https:// address, or
 * http:// to a server on this computer (localhost, 127.0.0.0/8, ::1),
 * where the token never crosses the network.  Setting sync up and every
 * sync that reads the stored address ask this, so an address saved before
 * the rule, or edited by hand, does not send the token in clear either.
 *
 * Returns: %TRUE when @url may be used; else %FALSE with
 *   %EVG_SYNC_ERROR_NOT_CONFIGURED and a message saying what to write
 */
gboolean
evg_sync_check_server_url (const char  *url,
                           GError     **error)
{
  g_autoptr(GUri) uri = url != NULL ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;
  const char *scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  if (uri == NULL || (g_strcmp0 (scheme, "https") != 0 && g_strcmp0 (scheme, "http") != 0) ||
      host == NULL || *host == '\0')
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED,
                   _("“%s” is not a server address; write it like https://sync.example.org:8443"),
                   url != NULL ? url : "");
      return FALSE;
    }
  if (g_str_equal (scheme, "http") && !host_is_loopback (host))
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NOT_CONFIGURED,
                   _("“%s” would send the branch’s token unencrypted. Use the server’s https:// "
                     "address; plain http:// is only for a server on this computer (localhost)."),
                   url);
      return FALSE;
    }
  return TRUE;
}

/**
 * evg_sync_client_configure:
 * @url: the server, such as https://sync.example.org:8443
 * @token: the branch's token from `e-vanguard-server branch add`
 *
 * Saves the server address in the database and the token in the keyring
 * (or the private token file).  Does not contact the server: use
 * evg_sync_client_test_connection_async() first to tell the person
 * whether it works.  May block briefly on the keyring.
 */
gboolean
evg_sync_client_configure (EvgSyncClient  *self,
                           const char     *url,
                           const char     *token,
                           GError        **error)
{
  g_autofree char *clean_token = NULL;

  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), FALSE);

  if (!evg_sync_check_server_url (url, error))
    return FALSE;
  clean_token = g_strstrip (g_strdup (token != NULL ? token : ""));
  if (*clean_token == '\0' || strlen (clean_token) > 256 || strpbrk (clean_token, " \t\r\n") != NULL)
    {
      g_set_error (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_UNAUTHORIZED,
                   _("The token is empty or garbled; copy it again in full."));
      return FALSE;
    }
  /* The new server (or the old one under another token) is sent the
   * public page's settings afresh. */
  if (!evg_sync_token_save (evg_store_get_site_id (self->store), clean_token, error) ||
      !evg_store_set_meta (self->store, "sync_url", url, error) ||
      !evg_store_set_meta (self->store, EVG_SYNC_META_PAGE_SETTINGS_SENT, NULL, error))
    return FALSE;

  /* A new server or token deserves a fresh start: the old failure and
   * its backoff were about the old one. */
  g_clear_error (&self->last_error);
  self->backoff_s = 0;
  evg_sync_client_refresh (self);
  if (self->auto_sync)
    evg_sync_client_schedule (self, 0);
  return TRUE;
}

/**
 * evg_sync_client_forget:
 *
 * Turns sync off: removes the server address and the token.  Local data
 * and unsent changes stay.
 */
gboolean
evg_sync_client_forget (EvgSyncClient  *self,
                        GError        **error)
{
  g_return_val_if_fail (EVG_IS_SYNC_CLIENT (self), FALSE);

  if (!evg_sync_token_clear (evg_store_get_site_id (self->store), error) ||
      !evg_store_set_meta (self->store, "sync_url", NULL, error))
    return FALSE;
  g_clear_error (&self->last_error);
  g_clear_handle_id (&self->debounce_id, g_source_remove);
  evg_sync_client_refresh (self);
  return TRUE;
}

/**
 * evg_sync_client_test_connection_async:
 * @url: (nullable): the address to try, or %NULL for the saved one
 * @token: (nullable): the token to try, or %NULL for the saved one
 *
 * Asks the server's /v1/health with the token, once, without retrying, and
 * says exactly what is wrong: no route, TLS, unknown or revoked token,
 * server too old, not an E-Vanguard server.
 */
void
evg_sync_client_test_connection_async (EvgSyncClient       *self,
                                       const char          *url,
                                       const char          *token,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  EvgSyncJob *job;

  g_return_if_fail (EVG_IS_SYNC_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, evg_sync_client_test_connection_async);
  if (url == NULL)
    url = self->server_url;
  if (url != NULL && !evg_sync_check_server_url (url, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job = evg_sync_job_new (self);
  job->url = g_strdup (url);
  job->token = token != NULL ? g_strstrip (g_strdup (token)) : NULL;
  g_task_set_task_data (task, job, (GDestroyNotify) evg_sync_job_free);
  g_task_run_in_thread (task, evg_sync_job_run_test);
}

/**
 * evg_sync_client_test_connection_finish:
 * @branch_code: (out) (optional): the branch the token belongs to
 * @branch_name: (out) (optional): its name
 */
gboolean
evg_sync_client_test_connection_finish (EvgSyncClient  *self,
                                        GAsyncResult   *result,
                                        char          **branch_code,
                                        char          **branch_name,
                                        GError        **error)
{
  EvgSyncJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  job = g_task_get_task_data (G_TASK (result));
  if (branch_code != NULL)
    *branch_code = g_strdup (job->branch_code);
  if (branch_name != NULL)
    *branch_name = g_strdup (job->branch_name);
  return TRUE;
}

/**
 * evg_sync_client_public_page_async:
 * @enable: 1 to turn the branch's public feedback page on, 0 to turn it
 *   off, -1 to ask whether it is on
 *
 * The residents' page of the branch on the central server (/f/CODE):
 * whether it takes messages.  Asked once, without retrying.
 */
void
evg_sync_client_public_page_async (EvgSyncClient       *self,
                                   int                  enable,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  EvgSyncJob *job;

  g_return_if_fail (EVG_IS_SYNC_CLIENT (self));
  g_return_if_fail (enable >= -1 && enable <= 1);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, evg_sync_client_public_page_async);
  job = evg_sync_job_new (self);
  job->url = g_strdup (self->server_url);
  job->page_request = enable;
  g_task_set_task_data (task, job, (GDestroyNotify) evg_sync_job_free);
  g_task_run_in_thread (task, evg_sync_job_run_page);
}

/**
 * evg_sync_client_public_page_finish:
 * @enabled: (out): whether the page takes messages now
 */
gboolean
evg_sync_client_public_page_finish (EvgSyncClient  *self,
                                    GAsyncResult   *result,
                                    gboolean       *enabled,
                                    GError        **error)
{
  EvgSyncJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  job = g_task_get_task_data (G_TASK (result));
  *enabled = job->page_enabled;
  return TRUE;
}
