/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-kiosk-pin"

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "evg-kiosk-pin.h"

#define PIN_KEY "kiosk-pin"
#define SALT_BYTES 16

static GSettings *
open_settings (void)
{
  return g_settings_new (APP_ID);
}

/* The stored form is "SALT$HASH", both in lowercase hex, HASH being the
 * SHA-256 of the salt's text followed by the PIN. */
static char *
hash_pin (const char *salt,
          const char *pin)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_checksum_update (checksum, (const guchar *) salt, strlen (salt));
  g_checksum_update (checksum, (const guchar *) pin, strlen (pin));
  return g_strdup (g_checksum_get_string (checksum));
}

/**
 * evg_kiosk_pin_is_set:
 *
 * Whether a PIN to leave the kiosk has been set in the preferences.  The
 * kiosk is only offered once it has: without one, anybody could leave it.
 *
 * Returns: %TRUE if a PIN is set
 */
gboolean
evg_kiosk_pin_is_set (void)
{
  g_autoptr(GSettings) settings = open_settings ();
  g_autofree char *stored = g_settings_get_string (settings, PIN_KEY);

  return strchr (stored, '$') != NULL;
}

/**
 * evg_kiosk_pin_is_valid:
 * @pin: what the user typed
 *
 * A PIN is four to eight digits, so that it can be typed on a number pad.
 *
 * Returns: %TRUE if @pin can be a kiosk PIN
 */
gboolean
evg_kiosk_pin_is_valid (const char *pin)
{
  size_t length;

  g_return_val_if_fail (pin != NULL, FALSE);

  length = strlen (pin);
  if (length < EVG_KIOSK_PIN_MIN_LENGTH || length > EVG_KIOSK_PIN_MAX_LENGTH)
    return FALSE;
  for (const char *p = pin; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

/**
 * evg_kiosk_pin_set:
 * @pin: the new PIN
 *
 * Stores a new PIN, salted and hashed.
 *
 * Returns: %FALSE if @pin is not four to eight digits; nothing is stored
 */
gboolean
evg_kiosk_pin_set (const char *pin)
{
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GString) salt = g_string_new (NULL);
  g_autofree char *hash = NULL;
  g_autofree char *stored = NULL;

  g_return_val_if_fail (pin != NULL, FALSE);

  if (!evg_kiosk_pin_is_valid (pin))
    return FALSE;

  for (guint i = 0; i < SALT_BYTES; i++)
    g_string_append_printf (salt, "%02x", g_random_int_range (0, 256));
  hash = hash_pin (salt->str, pin);
  stored = g_strdup_printf ("%s$%s", salt->str, hash);
  settings = open_settings ();
  return g_settings_set_string (settings, PIN_KEY, stored);
}

/**
 * evg_kiosk_pin_clear:
 *
 * Forgets the PIN; the kiosk is then no longer offered.
 */
void
evg_kiosk_pin_clear (void)
{
  g_autoptr(GSettings) settings = open_settings ();

  g_settings_set_string (settings, PIN_KEY, "");
}

/**
 * evg_kiosk_pin_check:
 * @pin: what the user typed
 *
 * Returns: %TRUE if @pin is the PIN set in the preferences; %FALSE when it
 *   is not, or when no PIN is set
 */
gboolean
evg_kiosk_pin_check (const char *pin)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *hash = NULL;
  const char *dollar;
  g_autofree char *salt = NULL;
  guint differences = 0;

  g_return_val_if_fail (pin != NULL, FALSE);

  settings = open_settings ();
  stored = g_settings_get_string (settings, PIN_KEY);
  dollar = strchr (stored, '$');
  if (dollar == NULL)
    return FALSE;
  salt = g_strndup (stored, dollar - stored);
  hash = hash_pin (salt, pin);
  if (strlen (hash) != strlen (dollar + 1))
    return FALSE;
  /* Every character is compared, so the time taken does not tell how
   * much of a guess was right. */
  for (size_t i = 0; hash[i] != '\0'; i++)
    differences |= (guchar) hash[i] ^ (guchar) dollar[1 + i];
  return differences == 0;
}
