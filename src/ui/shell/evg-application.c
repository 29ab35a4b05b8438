/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-application"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-application.h"
#include "evg-preferences-window.h"
#include "evg-window.h"

struct _EvgApplication
{
  AdwApplication  parent_instance;

  /* Owned */
  char           *database;
  EvgContext     *context;
  GError         *open_error;
  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (EvgApplication, evg_application, ADW_TYPE_APPLICATION)

static void
evg_application_finalize (GObject *object)
{
  EvgApplication *self = (EvgApplication *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->context);
  g_clear_error (&self->open_error);
  g_clear_pointer (&self->database, g_free);

  G_OBJECT_CLASS (evg_application_parent_class)->finalize (object);
}

static int
evg_application_handle_local_options (GApplication *app,
                                      GVariantDict *options)
{
  EvgApplication *self = EVG_APPLICATION (app);
  const char *database = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("e-vanguard %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "database", "^&ay", &database))
    {
      g_free (self->database);
      self->database = g_canonicalize_filename (database, NULL);
    }

  return G_APPLICATION_CLASS (evg_application_parent_class)->handle_local_options (app, options);
}

/* Opens the database once, in the primary instance.  A failure is kept and
 * shown in the window: the app must say what went wrong, not just exit. */
static void
evg_application_startup (GApplication *app)
{
  EvgApplication *self = EVG_APPLICATION (app);
  g_autoptr(EvgStore) store = NULL;
  g_autofree char *path = NULL;

  G_APPLICATION_CLASS (evg_application_parent_class)->startup (app);

  /* The window is built while a worker reads the roster's index. */
  evg_roster_set_background_load (TRUE);
  path = self->database != NULL ? g_strdup (self->database) : evg_store_default_path ();
  store = evg_store_open (path, &self->open_error);
  if (store != NULL)
    self->context = evg_context_new (store, &self->open_error);
  if (self->context == NULL)
    {
      g_message ("Cannot open %s: %s", path, self->open_error->message);
      return;
    }

  /* Background sync is a desktop preference; the client does nothing
   * until a server is set up. */
  {
    EvgSyncClient *client = evg_context_get_sync_client (self->context);

    self->settings = g_settings_new (APP_ID);
    evg_sync_client_set_interval (client, 60 * g_settings_get_uint (self->settings, "sync-interval"));
    g_settings_bind (self->settings, "auto-sync", client, "auto-sync", G_SETTINGS_BIND_DEFAULT);
  }
}

static void
evg_application_activate (GApplication *app)
{
  EvgApplication *self = EVG_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (evg_window_new (self, self->context, self->open_error));

  gtk_window_present (window);
}

static void
evg_application_class_init (EvgApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = evg_application_finalize;
  app_class->handle_local_options = evg_application_handle_local_options;
  app_class->startup = evg_application_startup;
  app_class->activate = evg_application_activate;
}

static void
evg_application_about (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  EvgApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "E-Vanguard developers", NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "application-icon", APP_ID,
                        "application-name", _("E-Vanguard Workstation"),
                        "developer-name", _("E-Vanguard developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("The desktop workstation of a party branch: member roster, "
                                      "meetings, whistle-and-report check-ins and the residents’ inbox."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
evg_application_preferences (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  EvgApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  EvgPreferencesWindow *prefs;

  if (self->context == NULL)
    return;

  prefs = evg_preferences_window_new (self->context);
  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
evg_application_preferences_sync (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  EvgApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  EvgPreferencesWindow *prefs;

  if (self->context == NULL)
    return;

  prefs = evg_preferences_window_new (self->context);
  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  evg_preferences_window_show_sync (prefs);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
evg_application_quit (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  GtkApplication *app = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (app));

  /* Closing through the windows lets each save its state first. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static const GActionEntry app_actions[] = {
  { "about", evg_application_about },
  { "preferences", evg_application_preferences },
  { "preferences-sync", evg_application_preferences_sync },
  { "quit", evg_application_quit },
};

static void
evg_application_init (EvgApplication *self)
{
  static const GOptionEntry options[] = {
    { "database", 'd', 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Open the database at PATH instead of the default one"), N_("PATH") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Print the version and exit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit",
                                         (const char *[]) { "<Control>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         (const char *[]) { "<Control>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-help-overlay",
                                         (const char *[]) { "<Control>question", "<Control>slash", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "window.close",
                                         (const char *[]) { "<Control>w", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-roster",
                                         (const char *[]) { "<Alt>1", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-calendar",
                                         (const char *[]) { "<Alt>2", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-checkins",
                                         (const char *[]) { "<Alt>3", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "win.show-inbox",
                                         (const char *[]) { "<Alt>4", NULL });
}

EvgApplication *
evg_application_new (void)
{
  return g_object_new (EVG_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/evanguard/Workstation",
                       NULL);
}

EvgContext *
evg_application_get_context (EvgApplication *self)
{
  g_return_val_if_fail (EVG_IS_APPLICATION (self), NULL);
  return self->context;
}
