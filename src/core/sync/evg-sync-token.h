/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Where the branch's sync token is kept: the desktop's keyring through
 * libsecret when one answers, else a file only the user can read under
 * $XDG_CONFIG_HOME/e-vanguard/sync/.  Never GSettings, never the database
 * (a database copied for backup must not carry the key to the server).
 * These calls may block on D-Bus: run them in a worker. */

gboolean  evg_sync_token_save   (const char  *site_id,
                                 const char  *token,
                                 GError     **error);
char     *evg_sync_token_load   (const char  *site_id,
                                 GError     **error);
gboolean  evg_sync_token_clear  (const char  *site_id,
                                 GError     **error);
const char *evg_sync_token_backend (void);

G_END_DECLS
