/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "evg-store.h"
#include "evg-sync-error.h"
#include "evg-sync-protocol.h"

/**
 * evg_sync_error_get_hint:
 *
 * Returns: (nullable): what a person can do about @error, translated
 */
const char *
evg_sync_error_get_hint (const GError *error)
{
  if (error == NULL)
    return NULL;
  /* The database of this computer failed: a full disk, a folder that
   * cannot be written.  Its message says what to do, and the server's
   * administrator can do nothing about it.  Such an error is recorded for
   * the next start with the code FAILED, which no other error has. */
  if (error->domain == EVG_STORE_ERROR || g_error_matches (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_FAILED))
    return _("This is a problem on this computer, not on the server: do what the message above "
             "says, then sync again.");
  if (error->domain != EVG_SYNC_ERROR)
    return NULL;

  switch ((EvgSyncError) error->code)
    {
    case EVG_SYNC_ERROR_NOT_CONFIGURED:
      return _("Enter the server address and your branch’s token in Preferences → Sync.");
    case EVG_SYNC_ERROR_NETWORK:
      return _("Nothing is lost: changes are kept and sent when the server can be reached. "
               "If this lasts, check the network connection and the server address.");
    case EVG_SYNC_ERROR_TLS:
      return _("Check the server address. If it is right, ask the server administrator to "
               "renew the server’s certificate.");
    case EVG_SYNC_ERROR_UNAUTHORIZED:
      return _("Enter the token the server administrator gave your branch in Preferences → Sync; "
               "copy it in full.");
    case EVG_SYNC_ERROR_REVOKED:
      return _("Ask the server administrator for a new token and enter it in Preferences → Sync.");
    case EVG_SYNC_ERROR_SERVER_TOO_OLD:
      return _("Ask the server administrator to update the E-Vanguard server.");
    case EVG_SYNC_ERROR_CLIENT_TOO_OLD:
      return _("Update E-Vanguard on this computer.");
    case EVG_SYNC_ERROR_BAD_RESPONSE:
      return _("Check the server address in Preferences → Sync: it must lead to an E-Vanguard server.");
    case EVG_SYNC_ERROR_SERVER:
      return _("Nothing is lost; sync tries again by itself. Tell the server administrator if it lasts.");
    case EVG_SYNC_ERROR_CLOCK_SKEW:
      return _("Set this computer’s date and time correctly (automatic time is best), then sync again.");
    case EVG_SYNC_ERROR_WRONG_BRANCH:
      return _("Use the token of this workstation’s own branch.");
    case EVG_SYNC_ERROR_REQUEST:
    case EVG_SYNC_ERROR_RESYNC:
    case EVG_SYNC_ERROR_BUSY:
    default:
      return _("Tell the server administrator; the message above says what went wrong.");
    }
}

/**
 * evg_sync_error_get_settings_hint:
 *
 * What to do about @error where the server's address and the token are
 * typed (the preferences' sync page): the same advice as
 * evg_sync_error_get_hint(), without sending the user to the page they
 * are on, and without saying nothing is lost, which a connection test
 * cannot know.
 *
 * Returns: (nullable): a translated sentence
 */
const char *
evg_sync_error_get_settings_hint (const GError *error)
{
  if (error == NULL || error->domain != EVG_SYNC_ERROR)
    return evg_sync_error_get_hint (error);

  switch ((EvgSyncError) error->code)
    {
    case EVG_SYNC_ERROR_NOT_CONFIGURED:
      return _("Enter the server address and your branch’s token above.");
    case EVG_SYNC_ERROR_NETWORK:
      return _("Check the server address and this computer’s network connection.");
    case EVG_SYNC_ERROR_UNAUTHORIZED:
      return _("Check the token: copy it in full, as the server administrator gave it.");
    case EVG_SYNC_ERROR_REVOKED:
      return _("Ask the server administrator for a new token.");
    case EVG_SYNC_ERROR_BAD_RESPONSE:
      return _("Check the server address: it must lead to an E-Vanguard server.");
    case EVG_SYNC_ERROR_SERVER:
      return _("Try again later, and tell the server administrator if it lasts.");
    default:
      return evg_sync_error_get_hint (error);
    }
}

/* The network and the server may get over these by themselves, so a
 * request is sent again and the client backs off before the next sync;
 * every other failure needs a person and is shown at once. */
gboolean
evg_sync_error_is_transient (const GError *error)
{
  return g_error_matches (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_NETWORK) ||
         g_error_matches (error, EVG_SYNC_ERROR, EVG_SYNC_ERROR_SERVER);
}
