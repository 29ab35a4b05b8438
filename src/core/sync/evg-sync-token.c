/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <string.h>

#ifdef HAVE_LIBSECRET
#include <libsecret/secret.h>
#endif

#include "evg-sync-token.h"

static const char *last_backend = "none";

/* EVG_TOKEN_STORE=file skips the keyring, for tests and headless machines. */
static gboolean
keyring_allowed (void)
{
#ifdef HAVE_LIBSECRET
  return g_strcmp0 (g_getenv ("EVG_TOKEN_STORE"), "file") != 0;
#else
  return FALSE;
#endif
}

#ifdef HAVE_LIBSECRET
static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "org.evanguard.Workstation.SyncToken", SECRET_SCHEMA_NONE,
    {
      { "site", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}
#endif

static char *
token_path (const char *site_id)
{
  g_autofree char *name = g_strconcat (site_id, ".token", NULL);

  return g_build_filename (g_get_user_config_dir (), "e-vanguard", "sync", name, NULL);
}

static gboolean
save_file (const char  *site_id,
           const char  *token,
           GError     **error)
{
  g_autofree char *path = token_path (site_id);
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("The folder “%s” cannot be created: %s"), dir, g_strerror (saved_errno));
      return FALSE;
    }
  /* Written whole and renamed into place, readable by the user alone. */
  if (!g_file_set_contents_full (path, token, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;
  last_backend = "file";
  return TRUE;
}

gboolean
evg_sync_token_save (const char  *site_id,
                     const char  *token,
                     GError     **error)
{
  g_return_val_if_fail (site_id != NULL && token != NULL, FALSE);

#ifdef HAVE_LIBSECRET
  if (keyring_allowed ())
    {
      g_autoptr(GError) secret_error = NULL;

      if (secret_password_store_sync (token_schema (), SECRET_COLLECTION_DEFAULT,
                                      _("E-Vanguard sync token"), token, NULL, &secret_error,
                                      "site", site_id, NULL))
        {
          g_autofree char *path = token_path (site_id);

          /* One place only: an old file copy would outlive a rotation. */
          g_unlink (path);
          last_backend = "keyring";
          return TRUE;
        }
      g_debug ("No keyring (%s); keeping the token in a private file", secret_error->message);
    }
#endif

  return save_file (site_id, token, error);
}

char *
evg_sync_token_load (const char  *site_id,
                     GError     **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) file_error = NULL;
  char *contents = NULL;

  g_return_val_if_fail (site_id != NULL, NULL);

#ifdef HAVE_LIBSECRET
  if (keyring_allowed ())
    {
      g_autoptr(GError) secret_error = NULL;
      char *secret = secret_password_lookup_sync (token_schema (), NULL, &secret_error,
                                                  "site", site_id, NULL);

      if (secret != NULL)
        {
          char *token = g_strdup (secret);

          secret_password_free (secret);
          last_backend = "keyring";
          return token;
        }
    }
#endif

  path = token_path (site_id);
  if (!g_file_get_contents (path, &contents, NULL, &file_error))
    {
      if (!g_error_matches (file_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_propagate_error (error, g_steal_pointer (&file_error));
      return NULL;
    }
  last_backend = "file";
  return g_strstrip (contents);
}

gboolean
evg_sync_token_clear (const char  *site_id,
                      GError     **error)
{
  g_autofree char *path = token_path (site_id);

#ifdef HAVE_LIBSECRET
  if (keyring_allowed ())
    secret_password_clear_sync (token_schema (), NULL, NULL, "site", site_id, NULL);
#endif

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved_errno = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   _("The token file “%s” cannot be removed: %s"), path, g_strerror (saved_errno));
      return FALSE;
    }
  return TRUE;
}

/* "keyring" or "file": where the last save or load found the token. */
const char *
evg_sync_token_backend (void)
{
  return last_backend;
}
