/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "evg-sync-indicator"

#include "config.h"

#include <glib/gi18n.h>

#include "evg-sync-indicator.h"

/* The header's sync status: a button that names the state in a few words
 * and opens a popover with what happened, what to do, and "Sync Now". */
struct _EvgSyncIndicator
{
  GtkWidget       parent_instance;

  /* Template widgets */
  GtkMenuButton  *button;
  GtkImage       *icon;
  GtkLabel       *label;
  GtkLabel       *title_label;
  GtkLabel       *detail_label;
  GtkLabel       *hint_label;
  GtkProgressBar *progress;
  GtkButton      *sync_button;
  GtkButton      *setup_button;
  GtkButton      *conflicts_button;

  /* Owned */
  EvgSyncClient  *client;
  guint           tick_id;
};

G_DEFINE_FINAL_TYPE (EvgSyncIndicator, evg_sync_indicator, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * evg_sync_describe_last_synced:
 *
 * Says when the last sync was, the way a person would: "just now", "5
 * minutes ago", "today at 09:30", or a date.
 */
char *
evg_sync_describe_last_synced (gint64 last_synced_usec,
                               gint64 now_usec)
{
  g_autoptr(GDateTime) then = NULL;
  g_autoptr(GDateTime) now = NULL;
  gint64 minutes;

  if (last_synced_usec <= 0)
    return g_strdup (_("Never synced"));

  minutes = (now_usec - last_synced_usec) / G_USEC_PER_SEC / 60;
  if (minutes < 1)
    return g_strdup (_("Last synced just now"));
  if (minutes < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Last synced %d minute ago",
                                         "Last synced %d minutes ago", (gulong) minutes),
                            (int) minutes);

  then = g_date_time_new_from_unix_local (last_synced_usec / G_USEC_PER_SEC);
  now = g_date_time_new_from_unix_local (now_usec / G_USEC_PER_SEC);
  if (g_date_time_get_year (then) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (then) == g_date_time_get_day_of_year (now))
    {
      g_autofree char *time = g_date_time_format (then, "%H:%M");
      return g_strdup_printf (_("Last synced today at %s"), time);
    }
  else
    {
      g_autofree char *date = g_date_time_format (then, "%Y-%m-%d %H:%M");
      return g_strdup_printf (_("Last synced %s"), date);
    }
}

static void
update (EvgSyncIndicator *self)
{
  EvgSyncState state = EVG_SYNC_STATE_NOT_CONFIGURED;
  g_autofree char *short_text = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *accessible = NULL;
  const char *icon = "network-offline-symbolic";
  const char *title = NULL;
  const char *hint = NULL;
  guint pending = 0, conflicts = 0;

  if (self->client != NULL)
    {
      state = evg_sync_client_get_state (self->client);
      pending = evg_sync_client_get_pending_count (self->client);
      conflicts = evg_sync_client_get_conflict_count (self->client);
      /* The client counts in seconds, the description in microseconds. */
      detail = evg_sync_describe_last_synced (evg_sync_client_get_last_synced (self->client) * G_USEC_PER_SEC,
                                              g_get_real_time ());
    }

  switch (state)
    {
    case EVG_SYNC_STATE_NOT_CONFIGURED:
      short_text = g_strdup (_("Sync not set up"));
      title = _("This workstation works on its own");
      g_clear_pointer (&detail, g_free);
      detail = g_strdup (_("Everything is kept on this computer. To share the roster with the "
                           "central server, set up sync in Preferences."));
      break;
    case EVG_SYNC_STATE_NEVER_SYNCED:
      icon = "view-refresh-symbolic";
      short_text = g_strdup (_("Not synced yet"));
      title = _("Sync is set up but has not run yet");
      break;
    case EVG_SYNC_STATE_UP_TO_DATE:
      icon = "emblem-ok-symbolic";
      short_text = g_strdup (_("Up to date"));
      title = _("Everything is synced");
      break;
    case EVG_SYNC_STATE_PENDING:
      icon = "document-send-symbolic";
      short_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u change waiting",
                                                 "%u changes waiting", pending), pending);
      title = _("Changes are waiting to be sent");
      break;
    case EVG_SYNC_STATE_SYNCING:
      icon = "view-refresh-symbolic";
      short_text = g_strdup (_("Syncing…"));
      title = _("Syncing with the server");
      break;
    case EVG_SYNC_STATE_OFFLINE:
      icon = "network-offline-symbolic";
      short_text = g_strdup (_("Offline"));
      title = _("The server cannot be reached");
      hint = _("This is normal without a network. Changes are kept on this computer and "
               "sent when the connection is back.");
      break;
    case EVG_SYNC_STATE_ERROR:
    default:
      icon = "dialog-warning-symbolic";
      short_text = g_strdup (_("Sync problem"));
      title = evg_sync_client_get_status_message (self->client);
      hint = evg_sync_client_get_error_hint (self->client);
      break;
    }

  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_label_set_label (self->label, short_text);
  gtk_label_set_label (self->title_label, title != NULL ? title : short_text);
  gtk_label_set_label (self->detail_label, detail != NULL ? detail : "");
  gtk_widget_set_visible (GTK_WIDGET (self->detail_label), detail != NULL);
  gtk_label_set_label (self->hint_label, hint != NULL ? hint : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), hint != NULL);

  if (state == EVG_SYNC_STATE_ERROR)
    gtk_widget_add_css_class (GTK_WIDGET (self->label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->label), "error");

  gtk_widget_set_visible (GTK_WIDGET (self->progress), state == EVG_SYNC_STATE_SYNCING);
  if (self->client != NULL)
    gtk_progress_bar_set_fraction (self->progress, evg_sync_client_get_progress (self->client));

  gtk_widget_set_visible (GTK_WIDGET (self->setup_button), state == EVG_SYNC_STATE_NOT_CONFIGURED);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_button), state != EVG_SYNC_STATE_NOT_CONFIGURED);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sync_button), state != EVG_SYNC_STATE_SYNCING);
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_button), conflicts > 0);
  if (conflicts > 0)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "Resolve %u Conflict…",
                                                            "Resolve %u Conflicts…", conflicts),
                                               conflicts);
      gtk_button_set_label (self->conflicts_button, text);
    }

  accessible = g_strdup_printf ("%s. %s", short_text, detail != NULL ? detail : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static gboolean
tick (gpointer user_data)
{
  update (user_data);
  return G_SOURCE_CONTINUE;
}

static void
on_sync_clicked (EvgSyncIndicator *self)
{
  if (self->client != NULL)
    evg_sync_client_sync_now (self->client);
}

/* A button that opens another window closes the popover on its way. */
static void
on_popover_button_clicked (EvgSyncIndicator *self)
{
  gtk_menu_button_popdown (self->button);
}

static void
evg_sync_indicator_map (GtkWidget *widget)
{
  EvgSyncIndicator *self = EVG_SYNC_INDICATOR (widget);

  GTK_WIDGET_CLASS (evg_sync_indicator_parent_class)->map (widget);
  /* "N minutes ago" ages while the window is open. */
  self->tick_id = g_timeout_add_seconds (30, tick, self);
  update (self);
}

static void
evg_sync_indicator_unmap (GtkWidget *widget)
{
  EvgSyncIndicator *self = EVG_SYNC_INDICATOR (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  GTK_WIDGET_CLASS (evg_sync_indicator_parent_class)->unmap (widget);
}

static void
evg_sync_indicator_dispose (GObject *object)
{
  EvgSyncIndicator *self = (EvgSyncIndicator *)object;

  g_clear_handle_id (&self->tick_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), EVG_TYPE_SYNC_INDICATOR);
  {
    GtkWidget *child;

    while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
      gtk_widget_unparent (child);
  }
  g_clear_object (&self->client);

  G_OBJECT_CLASS (evg_sync_indicator_parent_class)->dispose (object);
}

static void
evg_sync_indicator_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  EvgSyncIndicator *self = EVG_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_sync_indicator_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  EvgSyncIndicator *self = EVG_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      evg_sync_indicator_set_client (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
evg_sync_indicator_class_init (EvgSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = evg_sync_indicator_dispose;
  object_class->get_property = evg_sync_indicator_get_property;
  object_class->set_property = evg_sync_indicator_set_property;
  widget_class->map = evg_sync_indicator_map;
  widget_class->unmap = evg_sync_indicator_unmap;

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         EVG_TYPE_SYNC_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/evanguard/Workstation/ui/evg-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, EvgSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, EvgSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, EvgSyncIndicator, label);
  gtk_widget_class_bind_template_child (widget_class, EvgSyncIndicator, title_label);
  gtk_widget_class_bind_template_child (widget_class, EvgSyncIndicator, detail_label);
  gtk_widget_class_bind_template_child (widget_class, EvgSyncIndicator, hint_label);
  gtk_widget_class_bind_template_child (widget_class, EvgSyncIndicator, progress);
  gtk_widget_class_bind_template_child (widget_class, EvgSyncIndicator, sync_button);
  gtk_widget_class_bind_template_child (widget_class, EvgSyncIndicator, setup_button);
  gtk_widget_class_bind_template_child (widget_class, EvgSyncIndicator, conflicts_button);
  gtk_widget_class_bind_template_callback (widget_class, on_sync_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_popover_button_clicked);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
evg_sync_indicator_init (EvgSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

EvgSyncClient *
evg_sync_indicator_get_client (EvgSyncIndicator *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_INDICATOR (self), NULL);
  return self->client;
}

void
evg_sync_indicator_set_client (EvgSyncIndicator *self,
                               EvgSyncClient    *client)
{
  g_return_if_fail (EVG_IS_SYNC_INDICATOR (self));

  if (self->client == client)
    return;

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_func (self->client, update, self);
  g_set_object (&self->client, client);
  if (client != NULL)
    g_signal_connect_object (client, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

const char *
evg_sync_indicator_get_label (EvgSyncIndicator *self)
{
  g_return_val_if_fail (EVG_IS_SYNC_INDICATOR (self), NULL);
  return gtk_label_get_label (self->label);
}
